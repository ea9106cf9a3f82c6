import { useState } from 'preact/hooks';
import { api, EndpointList, seg } from '../../api';
import { Resource, useResource } from '../../live';
import { EndpointFields, endpointRequest, NewEndpoint, NO_ENDPOINT, useNetworks } from '../../endpoint';
import { Field, FormError, invalid, useAction } from '../../form';

const ENDPOINT_FIELDS = ['network', 'endpoint', 'ip', 'prefix', 'gateway', 'mac', 'dhcp'];
const ENDPOINT_PLACES = { network: /no network named/, mac: /MAC|network cards/, endpoint: /endpoint/ };

/**
 * The guest's network cards: the host link, then its endpoints on the host's networks, with what a running guest has
 * on each; admins add and remove endpoints, from the next start.
 */
export function Endpoints({ name, list, mayChange }: { name: string; list: Resource<EndpointList>;
  mayChange: boolean }) {
  const { networks } = useNetworks();
  const action = useAction(ENDPOINT_PLACES);
  const [endpoint, setEndpoint] = useState<NewEndpoint>(NO_ENDPOINT);
  const path = `/v1/instances/${seg(name)}/endpoints`;

  const add = async (event: Event) => {
    event.preventDefault();
    if (await action.run(() => api<EndpointList>('POST', path, endpointRequest(endpoint)), list.set)) {
      setEndpoint(NO_ENDPOINT);
    }
  };
  return (
    <section class="settings-part endpoints">
      <h2>Network</h2>
      {list.error && <p class="error" role="alert">{list.error}</p>}
      <table class="endpoints">
        <thead><tr><th>Endpoint</th><th>Network</th><th>Interface</th><th>MAC</th><th>Configured</th><th>In the guest</th><th></th></tr></thead>
        <tbody>
          {list.value?.endpoints.map((e) => (
            <tr key={e.name} data-endpoint={e.name}>
              <td>{e.name}</td><td>{e.network}</td><td>{e.guestInterface}</td><td><code>{e.mac}</code></td><td>{e.configuration}</td>
              <td class="addresses">{e.state ? `${e.state.toLowerCase()} ${(e.addresses ?? []).join(', ')}` : 'stopped'}</td>
              <td>{mayChange && e.name !== 'default' && (
                <button class="link" disabled={action.busy}
                        onClick={() => action.run(() => api<EndpointList>('DELETE', `${path}/${seg(e.name)}`), list.set)}>Remove</button>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.value?.appliesAtNextStart && <p class="hint">Changes to endpoints apply from the next start (Stop, then Start).</p>}
      {mayChange ? (
        <form class="endpoint-add" onSubmit={add} aria-label="add an endpoint">
          <h3>Add an endpoint</h3>
          <FormError error={action.error} fields={ENDPOINT_FIELDS} />
          <EndpointFields networks={networks} value={endpoint} onChange={setEndpoint} error={action.error} optional={false} />
          <button type="submit" disabled={action.busy || !endpoint.network}>Add endpoint</button>
        </form>
      ) : <p class="hint">Changing endpoints needs the admin role.</p>}
    </section>
  );
}

interface NameServerView {
  name: string;
  servers: string[];
  source: string;
  endpoints: Record<string, string[]>;
  unused: string[];
  inGuest: string[] | null;
}

const DNS_PLACES = { endpoint: /endpoint/, servers: /./ };

/** The guest's name servers (Set-EflowVmDNSServers): for the host link or one endpoint; none puts back the default. */
export function NameServers({ name, endpoints, mayChange }: { name: string; endpoints: string[]; mayChange: boolean }) {
  const path = `/v1/instances/${seg(name)}/dns`;
  const view = useResource<NameServerView>(path);
  const action = useAction(DNS_PLACES);
  const [endpoint, setEndpoint] = useState('default');
  const [servers, setServers] = useState('');

  const save = (event: Event) => {
    event.preventDefault();
    action.run(() => api<NameServerView>('POST', path, { endpoint, servers: servers.split(/[\s,]+/).filter(Boolean) }), view.set);
  };
  const dns = view.value;
  return (
    <section class="settings-part dns">
      <h2>Name servers</h2>
      {view.error && <p class="error" role="alert">{view.error}</p>}
      {dns && (
        <dl class="facts">
          <dt>Given at each start</dt><dd class="servers">{dns.servers.join(', ') || 'none'} ({dns.source})</dd>
          {Object.entries(dns.endpoints).map(([e, list]) => (<><dt>For endpoint {e}</dt><dd>{list.join(', ')}</dd></>))}
          {dns.unused.length > 0 && (<><dt>Left out</dt><dd>{dns.unused.join(', ')} (the guest's resolver reads only three)</dd></>)}
          <dt>In the guest now</dt><dd>{dns.inGuest ? dns.inGuest.join(', ') : 'stopped'}</dd>
        </dl>
      )}
      {mayChange ? (
        <form class="inline dns" onSubmit={save} aria-label="set name servers">
          <FormError error={action.error} fields={['endpoint', 'servers']} />
          <Field label="For" field="endpoint" error={action.error}>
            <select value={endpoint} onChange={(e) => setEndpoint(e.currentTarget.value)}>
              <option value="default">the host link</option>
              {endpoints.filter((e) => e !== 'default').map((e) => <option key={e} value={e}>endpoint {e}</option>)}
            </select>
          </Field>
          <Field label="Servers" field="servers" error={action.error}>
            <input value={servers} placeholder="none: the default" aria-invalid={invalid(action.error, 'servers')}
                   onInput={(e) => setServers(e.currentTarget.value)} />
          </Field>
          <button type="submit" disabled={action.busy}>Set</button>
        </form>
      ) : <p class="hint">Changing name servers needs the admin role.</p>}
    </section>
  );
}
