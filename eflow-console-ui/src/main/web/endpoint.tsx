import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, NetworkView } from './api';
import { Address, AddressFields, AUTOMATIC, staticFields } from './address';
import { Field, invalid } from './form';

/** An endpoint to add (Add-EflowVmEndpoint) as a form holds it. */
export interface NewEndpoint {
  network: string;
  endpoint: string;
  address: Address;
  mac: string;
  defaultRoute: boolean;
}

export const NO_ENDPOINT: NewEndpoint = { network: '', endpoint: '', address: AUTOMATIC, mac: '', defaultRoute: false };

/** The EndpointAdd request, as `eflow endpoint add` sends it. */
export function endpointRequest(value: NewEndpoint) {
  const address = value.address.automatic ? { ip: null, prefix: null, gateway: null, dhcp: true }
    : { ...staticFields(value.address), dhcp: false };
  return { endpoint: value.endpoint.trim() || null, network: value.network, ...address, mac: value.mac.trim() || null,
    defaultRoute: value.defaultRoute };
}

/** The host's networks, for a choice of one (eflow network add makes them, on the host). */
export function useNetworks(): { networks: NetworkView[]; error: string | null } {
  const [networks, setNetworks] = useState<NetworkView[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<NetworkView[]>('GET', '/v1/networks').then(setNetworks, (e) => setError((e as Error).message));
  }, []);
  return { networks, error };
}

/** The fields of a new endpoint: which network, its name, its address, MAC, and whether it carries the default route. */
export function EndpointFields({ networks, value, onChange, error, optional }: {
  networks: NetworkView[];
  value: NewEndpoint;
  onChange: (next: NewEndpoint) => void;
  error: ApiError | null;
  optional: boolean;
}) {
  const set = <K extends keyof NewEndpoint>(key: K, item: NewEndpoint[K]) => onChange({ ...value, [key]: item });
  const network = networks.find((n) => n.name === value.network);
  return (
    <div class="endpoint">
      <Field label="Network" field="network" error={error}>
        <select value={value.network} aria-invalid={invalid(error, 'network')} onChange={(e) => set('network', e.currentTarget.value)}>
          {optional && <option value="">none: the host link only</option>}
          {!optional && <option value="" disabled>choose a network</option>}
          {networks.map((n) => <option key={n.name} value={n.name}>{n.name} ({n.type}{n.subnet ? `, ${n.subnet}` : ''})</option>)}
        </select>
      </Field>
      {networks.length === 0 && <p class="hint">The host has no networks: <code>eflow network add</code> makes one, on the host.</p>}
      {value.network && (
        <>
          <Field label="Endpoint name" field="endpoint" error={error}>
            <input value={value.endpoint} placeholder={value.network} onInput={(e) => set('endpoint', e.currentTarget.value)} />
          </Field>
          <AddressFields card="Endpoint" automaticLabel="an address by DHCP" value={value.address} error={error}
                         onChange={(address) => set('address', address)}
                         gatewayHint={network?.type === 'nat' ? "optional: the host's address on the network" : 'optional'} />
          <Field label="MAC address" field="mac" error={error}>
            <input value={value.mac} placeholder="optional: a random locally administered one" onInput={(e) => set('mac', e.currentTarget.value)} />
          </Field>
          <label class="choice"><input type="checkbox" checked={value.defaultRoute} onChange={(e) => set('defaultRoute', e.currentTarget.checked)} />
            its gateway is the guest's default route, ahead of the host link's</label>
        </>
      )}
    </div>
  );
}
