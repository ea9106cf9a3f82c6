import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg, Session, streamed } from '../api';
import { readLines } from '../live';
import { ByteBar, Bytes } from '../progress';

interface UpdateView {
  activeSlot: string;
  version: string;
  trialSlot: string | null;
  triesLeft: number | null;
  slots: Record<string, string>;
  lastTrial: { slot: string; result: string; at: string; reason: string } | null;
  lastUpdate: { phase: string; fromVersion: string; toVersion: string; reason: string | null; history: string[] } | null;
  message: string | null;
}

interface Row {
  version: string;
  location: string;
  size: number;
  relation: string;
  refused: string | null;
}

/** A/B updates: the slots, the last trial and update with their reasons, a source checked, a bundle applied with its
 * progress through writing, the trial boot and the commit, and a rollback. */
export function Updates({ name, session }: { name: string; session: Session }) {
  const [view, setView] = useState<UpdateView | null>(null);
  const [source, setSource] = useState('');
  const [rows, setRows] = useState<Row[] | null>(null);
  const [progress, setProgress] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [bytes, setBytes] = useState<Bytes | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => api<UpdateView>('GET', `/v1/instances/${seg(name)}/update`).then(setView, (e) => setError(e.message));
  useEffect(() => {
    load();
  }, [name]);
  const admin = session.role === 'admin';

  const check = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setRows(null);
    try {
      setRows(await api<Row[]>('GET', `/v1/instances/${seg(name)}/update/check?source=${encodeURIComponent(source)}`));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const follow = async (path: string, body: unknown) => {
    setBusy(true);
    setError(null);
    setProgress([]);
    try {
      let failed: string | null = null;
      await readLines(await streamed('POST', path, body), (line) => {
        if (line.progress) {
          setProgress((old) => [...old, line.progress]);
          setBytes(null);
        } else if (line.done !== undefined) {
          setBytes({ step: line.step, done: line.done, total: line.total });
        } else if (line.error) {
          failed = line.error;
        } else if (line.result) {
          setView(line.result);
        }
      });
      if (failed) {
        throw new ApiError(500, failed);
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
      setRows(null); // what the source offers relative to this instance has changed
      load();
    }
  };

  if (!view) {
    return error ? <p class="error" role="alert">{error}</p> : <p class="loading">Loading…</p>;
  }
  const phase = view.lastUpdate?.phase?.toLowerCase();
  return (
    <div class="updates">
      <dl class="facts">
        <dt>Running</dt><dd class="version">{view.version} (slot {view.activeSlot})</dd>
        {Object.entries(view.slots).map(([slot, version]) => (<><dt>Slot {slot}</dt><dd>{version}</dd></>))}
        {view.trialSlot && (<><dt>On trial</dt><dd>slot {view.trialSlot}, {view.triesLeft} tries left</dd></>)}
        {view.lastTrial && (<><dt>Last trial</dt><dd>{view.lastTrial.result} (slot {view.lastTrial.slot}): {view.lastTrial.reason}</dd></>)}
        {view.lastUpdate && (<><dt>Last update</dt>
          <dd class="phase">{phase}: {view.lastUpdate.fromVersion} → {view.lastUpdate.toVersion}{view.lastUpdate.reason ? ` (${view.lastUpdate.reason})` : ''}</dd></>)}
      </dl>
      {error && <p class="error" role="alert">{error}</p>}
      {admin && (
        <>
          <form class="inline" onSubmit={check}>
            <input aria-label="update source" placeholder="a folder on the host or an https:// URL" value={source}
                   onInput={(e) => setSource(e.currentTarget.value)} required />
            <button type="submit">Check</button>
          </form>
          {rows && (rows.length === 0 ? <p class="empty">No bundles for this instance there.</p> : (
            <table class="bundles">
              <thead><tr><th>Version</th><th></th><th>Size</th><th></th></tr></thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.location}>
                    <td>{r.version}</td><td>{r.refused ?? r.relation.toLowerCase()}</td><td>{(r.size / 1048576).toFixed(1)} MiB</td>
                    <td>{!r.refused && <button disabled={busy} onClick={() => follow(`/v1/instances/${seg(name)}/update`,
                      { source: r.location, allowSkip: false, allowDowngrade: false, noRestart: false })}>Apply {r.version}</button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          <button disabled={busy} onClick={() => follow(`/v1/instances/${seg(name)}/update/rollback`,
            { source: null, allowSkip: false, allowDowngrade: false, noRestart: false })}>Roll back to the other slot</button>
        </>
      )}
      {(busy || progress.length > 0) && (
        <div>
          <progress aria-label="update progress" max={4} value={stage(progress)} />
          {bytes && (
            <ByteBar bytes={bytes} label="bytes written" />
          )}
          <pre class="progress" role="log" aria-label="update progress lines">{progress.map((l, i) => <div key={i}>{l}</div>)}</pre>
        </div>
      )}
      {view.lastUpdate && view.lastUpdate.history.length > 0 && (
        <details>
          <summary>History of the last update</summary>
          <ul>{view.lastUpdate.history.map((h, i) => <li key={i}>{h}</li>)}</ul>
        </details>
      )}
    </div>
  );
}

/** How far an update got, from its progress lines: slot written, started on trial, health checked, committed. */
function stage(lines: string[]): number {
  const text = lines.join('\n');
  return [/writing slot|resuming/i, /on trial/i, /health check/i, /committed/i].reduce((n, pattern) => (pattern.test(text) ? n + 1 : n), 0);
}
