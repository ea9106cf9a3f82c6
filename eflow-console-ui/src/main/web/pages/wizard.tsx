import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, EndpointList, HostInfo, LiveInstance, ProvisioningState, seg, Session, streamed } from '../api';
import { readLines, useLive } from '../live';
import { ByteBar, Bytes } from '../progress';
import { Address, AddressFields, AUTOMATIC, staticFields } from '../address';
import { EndpointFields, endpointRequest, NewEndpoint, NO_ENDPOINT, useNetworks } from '../endpoint';
import { NOT_PROVISIONED, Provisioning, ProvisioningFields, provisioningSpec, ProvisioningView } from '../provisioning';
import { asApiError, Field, FormError, invalid, locate, Places } from '../form';

interface Settings {
  name: string;
  backend: 'namespace' | 'qemu';
  cpus: number;
  memoryMb: number;
  dataSizeGb: number;
  hostLink: Address;
  endpoint: NewEndpoint;
  provisioning: Provisioning;
}

/** The part of the wizard a failure belongs to, so that its error shows at that part's fields. */
type Part = 'guest' | 'endpoint' | 'provisioning';

const GUEST_FIELDS = ['name', 'backend', 'cpus', 'memoryMb', 'dataSizeGb', 'logSize', 'ip', 'prefix', 'gateway'];

/** Refusals that name no field but are about one, by their words. */
const PLACES: Record<Part, Places> = {
  guest: { name: /already exists/, ip: /subnet .* overlaps/ },
  endpoint: { network: /no network named/, mac: /MAC|network cards/ },
  provisioning: {},
};

/**
 * What has been done towards the settings: a failure after the deploy leaves the instance deployed, and Deploy again
 * goes on from there instead of deploying a second time.
 */
interface Done {
  deployed: string | null;
  endpoint: boolean;
  feature: boolean;
  restartPending: boolean;
  provisioned: boolean;
}

const NOTHING_DONE: Done = { deployed: null, endpoint: false, feature: false, restartPending: false, provisioned: false };

/**
 * Deploy-Eflow as a click-through: the host checked; the guest's size, its host link's address and an endpoint on one
 * of the host's networks chosen; optionally connected to IoT Hub by hand or through DPS; then deployed with its
 * progress shown line by line as the daemon streams it, and the provisioning's outcome shown at the end.
 */
export function Wizard({ session }: { session: Session }) {
  const [host, setHost] = useState<HostInfo | null>(null);
  const { networks } = useNetworks();
  const [step, setStep] = useState<'host' | 'settings' | 'deploying' | 'done'>('host');
  const [settings, setSettings] = useState<Settings>({ name: 'edge1', backend: 'namespace', cpus: 1, memoryMb: 1024, dataSizeGb: 4,
    hostLink: AUTOMATIC, endpoint: NO_ENDPOINT, provisioning: NOT_PROVISIONED });
  const [progress, setProgress] = useState<string[]>([]);
  const [bytes, setBytes] = useState<Bytes | null>(null);
  const [error, setError] = useState<{ part: Part; error: ApiError } | null>(null);
  const [done, setDone] = useState<Done>(NOTHING_DONE);
  const [provisioned, setProvisioned] = useState<ProvisioningState | null>(null);

  useEffect(() => {
    api<HostInfo>('GET', '/v1/host').then(setHost, (e) => setError({ part: 'guest', error: asApiError(e) }));
  }, []);
  if (session.role !== 'admin') {
    return <p class="empty">Deploying needs the admin role.</p>;
  }
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => setSettings({ ...settings, [key]: value });
  const say = (line: string) => setProgress((old) => [...old, line]);
  const errorOf = (part: Part) => (error?.part === part ? error.error : null);
  const path = `/v1/instances/${seg(settings.name)}`;

  /** Runs one part; its failure is shown at that part's fields and stops the deploy there. */
  const part = async (which: Part, work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      throw { part: which, error: locate(asApiError(e), PLACES[which]) };
    }
  };

  const deployGuest = async () => {
    const address = settings.hostLink.automatic ? {} : staticFields(settings.hostLink);
    const answer = await streamed('POST', '/v1/instances', { name: settings.name, backend: settings.backend, cpus: settings.cpus,
      memoryMb: settings.memoryMb, dataSizeGb: settings.dataSizeGb, ...address });
    let failed: ApiError | null = null;
    await readLines(answer, (line) => {
      if (line.progress) {
        say(line.progress);
        setBytes(null);
      } else if (line.done !== undefined) {
        setBytes({ step: line.step, done: line.done, total: line.total });
      } else if (line.error) {
        failed = new ApiError(line.status ?? 500, line.error, line.fields ?? [], line.problem ?? null);
      }
    });
    if (failed) {
      throw failed;
    }
  };

  const deploy = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setProgress([]);
    setStep('deploying');
    let now = { ...done, deployed: done.deployed === settings.name ? done.deployed : null };
    const record = (change: Partial<Done>) => {
      now = { ...now, ...change };
      setDone(now);
    };
    const provisioning = settings.provisioning;
    try {
      if (!now.deployed) {
        record({ ...NOTHING_DONE });
        await part('guest', deployGuest);
        record({ deployed: settings.name });
      }
      if (settings.endpoint.network && !now.endpoint) {
        await part('endpoint', async () => {
          say(`adding endpoint ${settings.endpoint.endpoint || settings.endpoint.network} on network ${settings.endpoint.network}`);
          const list = await api<EndpointList>('POST', `${path}/endpoints`, endpointRequest(settings.endpoint));
          record({ endpoint: true, restartPending: now.restartPending || list.appliesAtNextStart });
        });
      }
      if (provisioning.type === 'dps-tpm' && !now.feature) {
        await part('provisioning', async () => {
          say("turning the dps-tpm feature on: the host's TPM in the guest");
          await api('POST', `${path}/features/dps-tpm`, { enabled: true });
          record({ feature: true, restartPending: true });
        });
      }
      if (now.restartPending) {
        await part('endpoint', async () => {
          // endpoints and features are taken at a start: the guest just deployed is restarted once for all of them
          say(`restarting ${settings.name} so that it takes them`);
          await api('POST', `${path}/stop`, {});
          await api('POST', `${path}/start`, {});
          record({ restartPending: false });
        });
      }
      if (provisioning.type !== 'none' && !now.provisioned) {
        await part('provisioning', async () => {
          say(`provisioning: ${provisioning.type}`);
          await api('PUT', `${path}/provisioning`, provisioningSpec(provisioning));
          record({ provisioned: true });
        });
      }
      setProvisioned(await api<ProvisioningState>('GET', `${path}/provisioning`).catch(() => null));
      setStep('done');
    } catch (e) {
      setError(e && typeof e === 'object' && 'part' in e ? e as { part: Part; error: ApiError } : { part: 'guest', error: asApiError(e) });
      setStep('settings');
    }
  };

  const guestError = errorOf('guest');
  return (
    <section class="wizard">
      <h1>Deploy an instance</h1>
      <ol class="steps">
        <li class={step === 'host' ? 'here' : ''}>Host</li>
        <li class={step === 'settings' ? 'here' : ''}>Guest</li>
        <li class={step === 'deploying' ? 'here' : ''}>Deploy</li>
        <li class={step === 'done' ? 'here' : ''}>Done</li>
      </ol>
      {done.deployed && step === 'settings' && (
        <p class="hint" role="status">{done.deployed} is deployed; Deploy goes on with what is left.</p>
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
      ) : <><FormError error={guestError} fields={[]} /><p class="loading">Checking the host…</p></>)}
      {step === 'settings' && (
        <form class="settings" onSubmit={deploy}>
          <FormError error={guestError} fields={GUEST_FIELDS} />
          <Field label="Name" field="name" error={guestError}>
            <input name="name" value={settings.name} aria-invalid={invalid(guestError, 'name')} disabled={done.deployed === settings.name}
                   onInput={(e) => set('name', e.currentTarget.value)} required />
          </Field>
          <fieldset>
            <legend>Backend</legend>
            <label><input type="radio" name="backend" checked={settings.backend === 'namespace'} onChange={() => set('backend', 'namespace')} />
              namespace: the guest in its own namespaces and cgroup on the host's kernel (starts in seconds)</label>
            <label><input type="radio" name="backend" checked={settings.backend === 'qemu'} onChange={() => set('backend', 'qemu')} />
              qemu: a virtual machine with its own kernel (stronger isolation)</label>
          </fieldset>
          <Field label="CPUs" field="cpus" error={guestError}>
            <input name="cpus" type="number" min={1} max={host?.logicalProcessors ?? 64} value={settings.cpus}
                   aria-invalid={invalid(guestError, 'cpus')} onInput={(e) => set('cpus', Number(e.currentTarget.value))} />
          </Field>
          <Field label="Memory (MiB)" field="memoryMb" error={guestError}>
            <input name="memory" type="number" min={1024} step={256} value={settings.memoryMb} aria-invalid={invalid(guestError, 'memoryMb')}
                   onInput={(e) => set('memoryMb', Number(e.currentTarget.value))} />
          </Field>
          <Field label="Data disk (GB)" field="dataSizeGb" error={guestError}>
            <input name="data" type="number" min={2} value={settings.dataSizeGb} aria-invalid={invalid(guestError, 'dataSizeGb')}
                   onInput={(e) => set('dataSizeGb', Number(e.currentTarget.value))} />
          </Field>
          <fieldset>
            <legend>Host link</legend>
            <AddressFields card="Host link" automaticLabel="a free /24 that eflow picks (172.30.N.0/24, the host at .1)"
                           value={settings.hostLink} error={guestError} gatewayHint="the host's side, e.g. 10.213.0.1"
                           onChange={(address) => set('hostLink', address)} />
          </fieldset>
          <fieldset>
            <legend>Endpoint</legend>
            <FormError error={errorOf('endpoint')} fields={['network', 'endpoint', 'ip', 'prefix', 'gateway', 'mac']} />
            <EndpointFields networks={networks} value={settings.endpoint} error={errorOf('endpoint')} optional
                            onChange={(endpoint) => set('endpoint', endpoint)} />
          </fieldset>
          <fieldset>
            <legend>IoT Hub</legend>
            <FormError error={errorOf('provisioning')} fields={['type', 'connectionString', 'iothubHostname', 'deviceId',
              'globalEndpoint', 'scopeId', 'registrationId', 'symmetricKey', 'groupKey', 'identityCert', 'identityKey', 'trustBundle']} />
            <ProvisioningFields value={settings.provisioning} error={errorOf('provisioning')}
                                onChange={(provisioning) => set('provisioning', provisioning)} />
          </fieldset>
          <div class="actions">
            <button type="button" onClick={() => setStep('host')}>Back</button>
            <button type="submit">Deploy</button>
          </div>
        </form>
      )}
      {(step === 'deploying' || step === 'done') && (
        <div>
          <pre class="progress" role="log" aria-label="deploy progress">{progress.map((line, i) => <div key={i}>{line}</div>)}</pre>
          {bytes && <ByteBar bytes={bytes} label="deploy bytes" />}
          {step === 'deploying' && <p class="loading">Deploying…</p>}
          {step === 'done' && <Finished name={settings.name} provisioned={provisioned} />}
        </div>
      )}
    </section>
  );
}

/** The end: the instance running, and how its provisioning stands, followed live as the guest reports it. */
function Finished({ name, provisioned }: { name: string; provisioned: ProvisioningState | null }) {
  const { value: live } = useLive<LiveInstance>(`/v1/instances/${seg(name)}/events`);
  const state = live?.instance.runtime?.iotHub ?? provisioned;
  return (
    <>
      <p role="status">{name} is running. <a href={`#/instances/${seg(name)}/overview`}>Open {name}</a></p>
      {state && <ProvisioningView state={state} />}
    </>
  );
}
