import { useEffect, useRef, useState } from 'preact/hooks';
import { api, LiveInstance, LogLine, ModuleReport, seg, Session } from '../api';
import { ByteBar } from '../progress';

const MAX_LINES = 2000;

/** The deployment's modules, live: status, exit codes and restarts; a module's log followed; restart; direct methods. */
export function Modules({ name, live, session }: { name: string; live: LiveInstance; session: Session }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const modules = live.modules;
  if (modules === null) {
    return <p class="empty">{live.instance.powerState === 'RUNNING' ? 'Asking the runtime…' : 'The instance is not running.'}</p>;
  }
  if ('error' in modules && typeof modules.error === 'string') {
    return <p class="error" role="alert">{modules.error}</p>;
  }
  const reports = Object.entries(modules as Record<string, ModuleReport>);
  const restart = async (module: string) => {
    setError(null);
    try {
      await api('POST', `/v1/instances/${seg(name)}/modules/${seg(module)}/restart`, {});
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div>
      {error && <p class="error" role="alert">{error}</p>}
      {reports.length === 0 ? <p class="empty">No modules: apply a deployment on the Deployment tab.</p> : (
        <table class="modules">
          <thead>
            <tr><th>Module</th><th>Status</th><th>Exit code</th><th>Restarts</th><th>Image</th><th></th></tr>
          </thead>
          <tbody>
            {reports.map(([module, report]) => (
              <tr key={module} class={selected === module ? 'chosen' : ''} data-module={module}>
                <td><button class="link" onClick={() => setSelected(module)}>{module}</button></td>
                <td><span class={`state ${report.runtimeStatus}`}>{report.runtimeStatus}</span>
                  {report.pull && <ByteBar bytes={{ step: 'pulling', ...report.pull }} label={`${module} image pull`} />}</td>
                <td>{report.exitCode ?? ''}</td>
                <td class="restarts">{report.restartCount}</td>
                <td class="image">{report.image}</td>
                <td>{session.role !== 'viewer' && <button onClick={() => restart(module)}>Restart</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <LogTail key={selected} name={name} module={selected} />}
      {selected && session.role !== 'viewer' && <MethodCall key={`m-${selected}`} name={name} module={selected} />}
    </div>
  );
}

/** A module's log as it is written, over server-sent events; the filter keeps lines that contain its text. */
function LogTail({ name, module }: { name: string; module: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [filter, setFilter] = useState('');
  const [ended, setEnded] = useState<string | null>(null);
  const bottom = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const source = new EventSource(`/v1/instances/${seg(name)}/modules/${seg(module)}/logs/events?tail=100`);
    source.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if ('ok' in data) {
        // the follow ended (the module went, or the runtime restarted): say so rather than reconnect in a loop
        setEnded(data.ok ? 'the log ended' : data.error);
        source.close();
        return;
      }
      setLines((old) => (old.length >= MAX_LINES ? [...old.slice(old.length - MAX_LINES + 1), data] : [...old, data]));
    };
    return () => source.close();
  }, [name, module]);
  useEffect(() => bottom.current?.scrollIntoView({ block: 'nearest' }), [lines]);
  const shown = filter ? lines.filter((l) => l.text.includes(filter)) : lines;
  return (
    <div class="logs">
      <h2>Log of {module}</h2>
      <input class="filter" aria-label="filter the log" placeholder="filter" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      <pre role="log" aria-label={`log of ${module}`}>
        {shown.map((l, i) => (
          <div key={i} class={l.stream === 'stderr' ? 'stderr' : ''}><span class="time">{l.time.slice(11, 23)}</span> {l.text}</div>
        ))}
        <div ref={bottom} />
      </pre>
      {ended && <p class="empty">{ended}</p>}
    </div>
  );
}

/** A direct method call on the module, as `eflow module invoke` makes it. */
function MethodCall({ name, module }: { name: string; module: string }) {
  const [method, setMethod] = useState('');
  const [payload, setPayload] = useState('{}');
  const [result, setResult] = useState<string | null>(null);
  const call = async (event: Event) => {
    event.preventDefault();
    setResult(null);
    try {
      const body = JSON.parse(payload || 'null');
      const answer = await api<{ status: number; payload: unknown }>('POST',
        `/v1/instances/${seg(name)}/modules/${seg(module)}/methods/${seg(method)}`, body);
      setResult(`status ${answer.status}: ${JSON.stringify(answer.payload)}`);
    } catch (e) {
      setResult((e as Error).message);
    }
  };
  return (
    <form class="inline method" onSubmit={call}>
      <input aria-label="method" placeholder="direct method" value={method} onInput={(e) => setMethod(e.currentTarget.value)} required />
      <input aria-label="payload" class="payload" value={payload} onInput={(e) => setPayload(e.currentTarget.value)} />
      <button type="submit">Call</button>
      {result && <output role="status">{result}</output>}
    </form>
  );
}
