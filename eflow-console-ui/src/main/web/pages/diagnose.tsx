import { useEffect, useRef, useState } from 'preact/hooks';
import { Terminal as XTerm } from '@xterm/xterm';
import { api, seg, Session } from '../api';

interface Check {
  id: string;
  description: string;
  status: 'ok' | 'warning' | 'error' | string;
  detail: string;
}

/** eflow check's results with what to do about each, the support bundle, and a terminal into the guest. */
export function Diagnose({ name, session }: { name: string; session: Session }) {
  const [checks, setChecks] = useState<Check[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [terminal, setTerminal] = useState(false);
  const run = () => {
    setChecks(null);
    setError(null);
    api<Check[]>('GET', `/v1/instances/${seg(name)}/check`).then(setChecks, (e) => setError(e.message));
  };
  useEffect(run, [name]);
  return (
    <div class="diagnose">
      <h2>Checks</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {!checks && !error && <p class="loading">Running the checks…</p>}
      {checks && (
        <table class="checks">
          <thead><tr><th></th><th>Check</th><th>Result, and what to do</th></tr></thead>
          <tbody>
            {checks.map((c, i) => (
              <tr key={i} class={c.status}>
                <td><span class={`state ${c.status === 'ok' ? 'running' : c.status === 'error' ? 'failed' : 'warning'}`}>{c.status}</span></td>
                <td>{c.description}</td>
                <td>{c.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        <button onClick={run}>Run the checks again</button>
        {session.role !== 'viewer' && <a class="button" href={`/v1/instances/${seg(name)}/logs/bundle`} download>Download a support bundle</a>}
      </div>
      {session.role === 'admin' && (
        <>
          <h2>Terminal</h2>
          {terminal ? <Terminal name={name} /> : <button onClick={() => setTerminal(true)}>Open a terminal in {name}</button>}
        </>
      )}
    </div>
  );
}

/** A login shell in the guest over a WebSocket, drawn by xterm.js: what eflow connect gives on the host. */
function Terminal({ name }: { name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [closed, setClosed] = useState<string | null>(null);
  useEffect(() => {
    const term = new XTerm({ cols: 100, rows: 28, fontSize: 13, convertEol: false });
    term.open(box.current!);
    const socket = new WebSocket(`wss://${location.host}/v1/instances/${seg(name)}/terminal?cols=${term.cols}&rows=${term.rows}`);
    socket.binaryType = 'arraybuffer';
    const encoder = new TextEncoder();
    socket.onmessage = (event) => term.write(new Uint8Array(event.data as ArrayBuffer));
    socket.onclose = (event) => setClosed(event.reason || 'the terminal closed');
    const input = term.onData((data) => socket.readyState === WebSocket.OPEN && socket.send(encoder.encode(data)));
    const resize = term.onResize(({ cols, rows }) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ cols, rows })));
    term.focus();
    return () => {
      input.dispose();
      resize.dispose();
      socket.close();
      term.dispose();
    };
  }, [name]);
  return (
    <div>
      <div class="terminal" ref={box} aria-label="terminal" />
      {closed && <p class="empty" role="status">{closed}</p>}
    </div>
  );
}
