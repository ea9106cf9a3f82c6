import { useEffect, useState } from 'preact/hooks';
import { api, InstanceDetails, seg, Session } from '../api';

function mb(value: number) {
  return value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

export function Instance({ name, session }: { name: string; session: Session }) {
  const [details, setDetails] = useState<InstanceDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = () => api<InstanceDetails>('GET', `/v1/instances/${seg(name)}`).then(setDetails, (e) => setError(e.message));
  useEffect(() => {
    load();
  }, [name]);

  const power = async (action: 'start' | 'stop') => {
    setBusy(action);
    setError(null);
    try {
      await api('POST', `/v1/instances/${seg(name)}/${action}`, {});
      await load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  if (!details) {
    return error ? <p class="error" role="alert">{error}</p> : <p class="loading">Loading…</p>;
  }
  const config = details.configuration;
  const stats = details.statistics;
  const running = details.powerState === 'RUNNING';
  const mayOperate = session.role !== 'viewer';
  return (
    <section>
      <h1>
        {config.name} <span class={`state ${details.powerState.toLowerCase()}`}>{details.powerState.toLowerCase()}</span>
      </h1>
      {error && <p class="error" role="alert">{error}</p>}
      {mayOperate && (
        <div class="actions">
          <button disabled={running || busy !== null} onClick={() => power('start')}>{busy === 'start' ? 'Starting…' : 'Start'}</button>
          <button disabled={!running || busy !== null} onClick={() => power('stop')}>{busy === 'stop' ? 'Stopping…' : 'Stop'}</button>
        </div>
      )}
      <dl class="facts">
        <dt>Backend</dt><dd>{config.backend.toLowerCase()}</dd>
        <dt>CPUs</dt><dd>{config.cpus}</dd>
        <dt>Memory</dt><dd>{mb(config.memoryMb)}</dd>
        <dt>Data disk</dt><dd>{config.dataSizeGb} GB</dd>
        <dt>Address</dt><dd>{config.network.address}/{config.network.prefix}</dd>
        <dt>Image</dt><dd>{config.version}</dd>
        {details.runtime && (<><dt>Runtime</dt><dd>{details.runtime.status} {details.runtime.version}</dd></>)}
        {stats && (
          <>
            <dt>CPU</dt><dd>{stats.cpuPercent.toFixed(0)} %</dd>
            <dt>Memory used</dt><dd>{mb(stats.memoryUsedMb)} of {mb(stats.memoryTotalMb)}</dd>
            {stats.data && (<><dt>/var</dt><dd>{mb(stats.data.usedMb)} of {mb(stats.data.totalMb)}</dd></>)}
            <dt>Up</dt><dd>{Math.floor(stats.uptimeSeconds / 60)} min</dd>
          </>
        )}
      </dl>
    </section>
  );
}
