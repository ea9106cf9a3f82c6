import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, HostInfo, seg, Session, streamed } from '../api';
import { readLines } from '../live';

interface Settings {
  name: string;
  backend: 'namespace' | 'qemu';
  cpus: number;
  memoryMb: number;
  dataSizeGb: number;
  connectionString: string;
}

/**
 * Deploy-Eflow as a click-through: the host checked, the guest's size chosen, optionally connected to IoT Hub, then
 * deployed with its progress shown line by line as the daemon streams it.
 */
export function Wizard({ session }: { session: Session }) {
  const [host, setHost] = useState<HostInfo | null>(null);
  const [step, setStep] = useState<'host' | 'settings' | 'deploying' | 'done'>('host');
  const [settings, setSettings] = useState<Settings>({ name: 'edge1', backend: 'namespace', cpus: 1, memoryMb: 1024, dataSizeGb: 4,
    connectionString: '' });
  const [progress, setProgress] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api<HostInfo>('GET', '/v1/host').then(setHost, (e) => setError(e));
  }, []);
  if (session.role !== 'admin') {
    return <p class="empty">Deploying needs the admin role.</p>;
  }
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setSettings({ ...settings, [key]: value });

  const deploy = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setProgress([]);
    setStep('deploying');
    try {
      const answer = await streamed('POST', '/v1/instances', { name: settings.name, backend: settings.backend, cpus: settings.cpus,
        memoryMb: settings.memoryMb, dataSizeGb: settings.dataSizeGb });
      let failed: ApiError | null = null;
      await readLines(answer, (line) => {
        if (line.progress) {
          setProgress((old) => [...old, line.progress]);
        } else if (line.error) {
          failed = new ApiError(line.status ?? 500, line.error, line.fields ?? [], line.problem ?? null);
        }
      });
      if (failed) {
        throw failed;
      }
      if (settings.connectionString.trim()) {
        setProgress((old) => [...old, 'connecting to IoT Hub']);
        await api('PUT', `/v1/instances/${seg(settings.name)}/provisioning`,
          { type: 'manual-connection-string', connectionString: settings.connectionString.trim() });
        setProgress((old) => [...old, 'provisioned']);
      }
      setStep('done');
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
      setStep('settings');
    }
  };

  return (
    <section class="wizard">
      <h1>Deploy an instance</h1>
      <ol class="steps">
        <li class={step === 'host' ? 'here' : ''}>Host</li>
        <li class={step === 'settings' ? 'here' : ''}>Guest</li>
        <li class={step === 'deploying' ? 'here' : ''}>Deploy</li>
        <li class={step === 'done' ? 'here' : ''}>Done</li>
      </ol>
      {error && (
        <p class="error" role="alert">{error.fields.length > 0 && <span class="field">{error.fields.join(', ')}: </span>}
          {error.problem ?? error.message}</p>
      )}
      {step === 'host' && (host ? (
        <div>
          <dl class="facts">
            <dt>Logical processors</dt><dd>{host.logicalProcessors}</dd>
            <dt>Free memory</dt><dd>{host.freeMemoryMb} MiB {host.freeMemoryMb < 1024 && <span class="error">(less than a guest needs)</span>}</dd>
            {host.disks.map((d) => (<><dt>Disk {d.path}</dt><dd>{d.freeGb} GB free of {d.totalGb} GB ({d.type})</dd></>))}
          </dl>
          <button onClick={() => setStep('settings')}>Next</button>
        </div>
      ) : <p class="loading">Checking the host…</p>)}
      {step === 'settings' && (
        <form class="settings" onSubmit={deploy}>
          <label>Name <input name="name" value={settings.name} onInput={(e) => set('name', e.currentTarget.value)} required /></label>
          <fieldset>
            <legend>Backend</legend>
            <label><input type="radio" name="backend" checked={settings.backend === 'namespace'} onChange={() => set('backend', 'namespace')} />
              namespace: the guest in its own namespaces and cgroup on the host's kernel (starts in seconds)</label>
            <label><input type="radio" name="backend" checked={settings.backend === 'qemu'} onChange={() => set('backend', 'qemu')} />
              qemu: a virtual machine with its own kernel (stronger isolation)</label>
          </fieldset>
          <label>CPUs <input name="cpus" type="number" min={1} max={host?.logicalProcessors ?? 64} value={settings.cpus}
                             onInput={(e) => set('cpus', Number(e.currentTarget.value))} /></label>
          <label>Memory (MiB) <input name="memory" type="number" min={256} step={256} value={settings.memoryMb}
                                     onInput={(e) => set('memoryMb', Number(e.currentTarget.value))} /></label>
          <label>Data disk (GB) <input name="data" type="number" min={1} value={settings.dataSizeGb}
                                       onInput={(e) => set('dataSizeGb', Number(e.currentTarget.value))} /></label>
          <label>IoT Hub connection string (optional; DPS with <code>eflow provision</code>)
            <input name="connection" type="password" autocomplete="off" value={settings.connectionString}
                   onInput={(e) => set('connectionString', e.currentTarget.value)} /></label>
          <div class="actions">
            <button type="button" onClick={() => setStep('host')}>Back</button>
            <button type="submit">Deploy</button>
          </div>
        </form>
      )}
      {(step === 'deploying' || step === 'done') && (
        <div>
          <pre class="progress" role="log" aria-label="deploy progress">{progress.map((line, i) => <div key={i}>{line}</div>)}</pre>
          {step === 'deploying' && <p class="loading">Deploying…</p>}
          {step === 'done' && (
            <p role="status">{settings.name} is running. <a href={`#/instances/${seg(settings.name)}/overview`}>Open {settings.name}</a></p>
          )}
        </div>
      )}
    </section>
  );
}
