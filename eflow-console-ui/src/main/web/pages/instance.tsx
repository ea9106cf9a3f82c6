import { useEffect, useState } from 'preact/hooks';
import { api, InstanceDetails, LiveInstance, seg, Session } from '../api';
import { useLive } from '../live';
import { LineChart } from '../chart';
import { Modules } from './modules';
import { Deployment } from './deployment';
import { Diagnose } from './diagnose';
import { Hub } from './hub';
import { Updates } from './updates';
import { Settings } from './settings/settings';

function mb(value: number) {
  return value >= 1024 ? `${(value / 1024).toFixed(1)} GiB` : `${value} MiB`;
}

const TABS = [['overview', 'Overview'], ['modules', 'Modules'], ['deployment', 'Deployment'], ['hub', 'Hub'], ['updates', 'Updates'], ['settings', 'Settings'],
  ['diagnose', 'Diagnose']];

/** One instance, live: its state and statistics and its modules arrive as the daemon sees them change. */
export function Instance({ name, tab, session }: { name: string; tab: string; session: Session }) {
  const { value: live, connected } = useLive<LiveInstance>(`/v1/instances/${seg(name)}/events`);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const [removing, setRemoving] = useState<string | null>(null);

  /** Each step in turn (a restart is a stop, then a start); the first that fails says why. */
  const act = async (label: string, steps: (() => Promise<unknown>)[]) => {
    setBusy(label);
    setError(null);
    try {
      for (const step of steps) {
        await step();
      }
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const power = (action: 'start' | 'stop') => () => api('POST', `/v1/instances/${seg(name)}/${action}`, {});
  const remove = () => act('remove', [async () => {
    await api('DELETE', `/v1/instances/${seg(name)}?force=true`);
    location.hash = '#/instances';
  }]);

  if (!live) {
    return <p class="loading">Loading {name}…</p>;
  }
  const details = live.instance;
  const running = details.powerState === 'RUNNING';
  return (
    <section>
      <h1>
        {name} <span class={`state ${details.powerState.toLowerCase()}`}>{details.powerState.toLowerCase()}</span>
        {!connected && <span class="stale" title="reconnecting to the daemon"> (reconnecting)</span>}
      </h1>
      {error && <p class="error" role="alert">{error}</p>}
      {session.role !== 'viewer' && (
        <div class="actions">
          <button disabled={running || busy !== null} onClick={() => act('start', [power('start')])}>{busy === 'start' ? 'Starting…' : 'Start'}</button>
          <button disabled={!running || busy !== null} onClick={() => act('stop', [power('stop')])}>{busy === 'stop' ? 'Stopping…' : 'Stop'}</button>
          <button disabled={!running || busy !== null} onClick={() => act('restart', [power('stop'), power('start')])}>
            {busy === 'restart' ? 'Restarting…' : 'Restart'}</button>
          {session.role === 'admin' && removing === null && (
            <button class="danger" disabled={busy !== null} onClick={() => setRemoving('')}>Remove…</button>
          )}
        </div>
      )}
      {removing !== null && (
        <form class="confirm" onSubmit={(event) => { event.preventDefault(); remove(); }}>
          <label>Type {name} to remove it with its data disk; this cannot be undone
            <input name="confirm" value={removing} autocomplete="off" onInput={(e) => setRemoving(e.currentTarget.value)} /></label>
          <button type="submit" class="danger" disabled={removing !== name || busy !== null}>{busy === 'remove' ? 'Removing…' : `Remove ${name}`}</button>
          <button type="button" onClick={() => setRemoving(null)}>Keep it</button>
        </form>
      )}
      <nav class="tabs">
        {TABS.map(([id, label]) => (
          <a key={id} href={`#/instances/${seg(name)}/${id}`} class={tab === id ? 'here' : ''}>{label}</a>
        ))}
      </nav>
      {tab === 'overview' && <Overview details={details} />}
      {tab === 'overview' && running && <Charts name={name} details={details} />}
      {tab === 'overview' && session.role === 'admin' && <Sizing name={name} details={details} />}
      {tab === 'modules' && <Modules name={name} live={live} session={session} />}
      {tab === 'deployment' && <Deployment name={name} session={session} />}
      {tab === 'hub' && <Hub name={name} />}
      {tab === 'updates' && <Updates name={name} session={session} />}
      {tab === 'settings' && <Settings name={name} session={session} running={running} />}
      {tab === 'diagnose' && <Diagnose name={name} session={session} />}
    </section>
  );
}

function Overview({ details }: { details: InstanceDetails }) {
  const config = details.configuration;
  const stats = details.statistics;
  return (
    <dl class="facts">
      <dt>Backend</dt><dd>{config.backend.toLowerCase()}</dd>
      <dt>CPUs</dt><dd>{config.cpus}</dd>
      <dt>Memory</dt><dd>{mb(config.memoryMb)}</dd>
      <dt>Data disk</dt><dd>{config.dataSizeGb} GB</dd>
      <dt>Address</dt><dd>{config.network.address}/{config.network.prefix}</dd>
      <dt>Image</dt><dd>{config.version}</dd>
      {details.runtime && (<><dt>Runtime</dt><dd>{details.runtime.status} {details.runtime.version}</dd></>)}
      {details.runtime?.iotHub && (<><dt>IoT Hub</dt><dd class="iothub">{details.runtime.iotHub.state}
        {details.runtime.iotHub.device && ` (device ${details.runtime.iotHub.device} of ${details.runtime.iotHub.hub})`}</dd></>)}
      {stats && (
        <>
          <dt>CPU</dt><dd>{stats.cpuPercent.toFixed(0)} %</dd>
          <dt>Memory used</dt><dd>{mb(stats.memoryUsedMb)} of {mb(stats.memoryTotalMb)}</dd>
          {stats.data && (<><dt>/var</dt><dd>{mb(stats.data.usedMb)} of {mb(stats.data.totalMb)}</dd></>)}
          <dt>Up</dt><dd>{Math.floor(stats.uptimeSeconds / 60)} min</dd>
        </>
      )}
    </dl>
  );
}

/** Set-EflowVM: CPUs and memory, which a running guest takes at its next start. */
function Sizing({ name, details }: { name: string; details: InstanceDetails }) {
  const [cpus, setCpus] = useState(details.configuration.cpus);
  const [memoryMb, setMemory] = useState(details.configuration.memoryMb);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setNote(null);
    try {
      const change = await api<{ appliesAtNextStart: boolean }>('POST', `/v1/instances/${seg(name)}/set`, { cpus, memoryMb });
      setNote(change.appliesAtNextStart ? 'Saved: the guest takes it at its next start (Stop, then Start).' : 'Saved.');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form class="inline sizing" onSubmit={save}>
      <label>CPUs <input aria-label="CPUs" type="number" min={1} value={cpus} onInput={(e) => setCpus(Number(e.currentTarget.value))} /></label>
      <label>Memory (MiB) <input aria-label="memory" type="number" min={256} step={256} value={memoryMb}
                                 onInput={(e) => setMemory(Number(e.currentTarget.value))} /></label>
      <button type="submit">Save</button>
      {note && <output role="status">{note}</output>}
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  );
}

interface Point {
  at: string;
  cpuPercent: number;
  memoryUsedMb: number;
  memoryTotalMb: number;
  dataUsedMb: number;
}

/** The last hour of CPU, memory and /var: the daemon's samples, then each live update as it arrives. */
function Charts({ name, details }: { name: string; details: InstanceDetails }) {
  const [points, setPoints] = useState<Point[]>([]);
  useEffect(() => {
    api<Point[]>('GET', `/v1/instances/${seg(name)}/history`).then(setPoints, () => setPoints([]));
  }, [name]);
  useEffect(() => {
    const stats = details.statistics;
    if (stats) {
      const now = new Date();
      const hourAgo = now.getTime() - 3_600_000;
      setPoints((old) => [...old.filter((p) => Date.parse(p.at) >= hourAgo), { at: now.toISOString(), cpuPercent: stats.cpuPercent,
        memoryUsedMb: stats.memoryUsedMb, memoryTotalMb: stats.memoryTotalMb, dataUsedMb: stats.data?.usedMb ?? -1 }]);
    }
  }, [details]);
  const last = points[points.length - 1];
  return (
    <div class="charts">
      <h2>The last hour</h2>
      <LineChart title="CPU" series={[{ label: 'CPU', values: points.map((p) => p.cpuPercent) }]} unit="%" max={100} />
      <LineChart title="memory" series={[{ label: 'used', values: points.map((p) => p.memoryUsedMb) }]} unit="MiB"
                 max={last?.memoryTotalMb} />
      <LineChart title="/var" series={[{ label: 'used', values: points.filter((p) => p.dataUsedMb >= 0).map((p) => p.dataUsedMb) }]}
                 unit="MiB" max={details.statistics?.data?.totalMb} />
    </div>
  );
}
