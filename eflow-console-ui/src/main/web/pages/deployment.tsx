import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg, Session } from '../api';

/**
 * The applied deployment manifest, to read, edit and apply again. A manifest the runtime refuses keeps the running one,
 * and the reader's error is shown with the field it names, the editor's line holding that field marked.
 */
export function Deployment({ name, session }: { name: string; session: Session }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const mayApply = session.role !== 'viewer';

  useEffect(() => {
    if (mayApply) {
      // the editor opens once the applied manifest is in it (or there is none), so nothing typed is overwritten
      api<unknown>('GET', `/v1/instances/${seg(name)}/deployment`)
        .then((manifest) => setText(manifest ? JSON.stringify(manifest, null, 2) : ''), () => setText(''))
        .finally(() => setLoaded(true));
    }
  }, [name]);

  if (!mayApply) {
    return <p class="empty">Reading and applying deployments needs the operator role (a manifest may hold registry passwords).</p>;
  }
  const apply = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      let manifest: unknown;
      try {
        manifest = JSON.parse(text);
      } catch (e) {
        throw new ApiError(400, `not JSON: ${(e as Error).message}`);
      }
      const applied = await api<{ modules: number; warnings: string[] }>('POST', `/v1/instances/${seg(name)}/deployment`, manifest);
      setDone(`applied: ${applied.modules} module${applied.modules === 1 ? '' : 's'}${applied.warnings.length ? '; ' + applied.warnings.join('; ') : ''}`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };
  // the manifest reader names the field as a path before its complaint ("invalid deployment manifest: PATH: problem")
  const named = error?.message.match(/manifest: ([\w$.\[\]-]+): (.*)$/);
  const field = error?.fields?.[0] ?? named?.[1] ?? null;
  const problem = error?.problem ?? named?.[2] ?? error?.message;
  const marked = field ? lineOf(text, field) : -1;
  return (
    <div class="deployment">
      <p class="hint">An IoT Edge deployment manifest (<code>modulesContent</code> with <code>$edgeAgent</code> and <code>$edgeHub</code>).</p>
      {marked >= 0 && <pre class="marked" aria-label="the line the error names">{marked + 1}: {text.split('\n')[marked]}</pre>}
      <textarea aria-label="deployment manifest" spellcheck={false} rows={24} value={text} disabled={!loaded}
                class={error ? 'invalid' : ''} onInput={(e) => setText(e.currentTarget.value)} />
      {error && (
        <p class="error" role="alert">
          {field && <span class="field">{field}: </span>}{problem}
        </p>
      )}
      {done && <p class="done" role="status">{done}</p>}
      <button onClick={apply} disabled={busy || !loaded}>{busy ? 'Applying…' : 'Apply'}</button>
    </div>
  );
}

/** The line of the manifest that holds the last key of a field path such as modulesContent.$edgeAgent.…modules.filter. */
function lineOf(text: string, field: string): number {
  const key = field.split(/[.[\]]/).filter(Boolean).pop();
  if (!key) {
    return -1;
  }
  return text.split('\n').findIndex((line) => line.includes(`"${key}"`));
}
