import { useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { useResource } from '../../live';
import { Field, FormError, invalid, useAction } from '../../form';

interface FirewallRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  source: string | null;
  endpoint: string | null;
}

interface FirewallView {
  sshTransport: string;
  defaults: string[];
  rules: FirewallRule[];
}

function ports(rule: FirewallRule): string {
  return rule.fromPort === rule.toPort ? String(rule.fromPort) : `${rule.fromPort}-${rule.toPort}`;
}

/** The FirewallChange that names a rule, as `eflow firewall allow|remove` sends it. */
function change(rule: FirewallRule) {
  return { protocol: rule.protocol, port: ports(rule), source: rule.source, endpoint: rule.endpoint };
}

const FIELDS = ['protocol', 'port', 'source', 'endpoint'];
/** The daemon's refusals of a rule say which part is wrong in words ("firewall port must be …"). */
const PLACES = { protocol: /firewall protocol/, port: /firewall port/, source: /firewall source/, endpoint: /endpoint/ };

/**
 * The guest's inbound firewall: the fixed defaults, the user's rules, and (admins) a rule allowed or removed, applied
 * to a running guest at once and at every start.
 */
export function Firewall({ name, endpoints, mayChange }: { name: string; endpoints: string[]; mayChange: boolean }) {
  const path = `/v1/instances/${seg(name)}/firewall`;
  const view = useResource<FirewallView>(path);
  const action = useAction(PLACES);
  const [rule, setRule] = useState({ protocol: 'tcp', port: '', source: '', endpoint: '' });
  const set = (key: keyof typeof rule, value: string) => setRule({ ...rule, [key]: value });

  const allow = async (event: Event) => {
    event.preventDefault();
    const added = await action.run(() => api<FirewallView>('POST', `${path}/rules`, { protocol: rule.protocol, port: rule.port.trim(),
      source: rule.source.trim() || null, endpoint: rule.endpoint || null }), view.set);
    if (added) {
      setRule({ ...rule, port: '', source: '' });
    }
  };
  return (
    <section class="settings-part firewall">
      <h2>Firewall</h2>
      {view.error && <p class="error" role="alert">{view.error}</p>}
      {view.value && (
        <>
          <p class="hint">Inbound traffic the guest drops unless a rule lets it in (SSH transport: {view.value.sshTransport.toLowerCase()}).
            Always: {view.value.defaults.join('; ')}.</p>
          <table class="rules">
            <thead><tr><th>Protocol</th><th>Port</th><th>From</th><th>On endpoint</th><th></th></tr></thead>
            <tbody>
              {view.value.rules.length === 0 && <tr><td colSpan={5} class="empty">No rules: nothing else comes in.</td></tr>}
              {view.value.rules.map((r) => (
                <tr key={`${r.protocol} ${ports(r)} ${r.source} ${r.endpoint}`} data-rule={`${r.protocol} ${ports(r)}`}>
                  <td>{r.protocol}</td><td>{ports(r)}</td><td>{r.source ?? 'anywhere'}</td><td>{r.endpoint ?? 'every one'}</td>
                  <td>{mayChange && <button class="link" disabled={action.busy}
                                            onClick={() => action.run(() => api<FirewallView>('POST', `${path}/rules/remove`, change(r)), view.set)}>
                    Remove</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {mayChange ? (
        <form class="inline rule" onSubmit={allow} aria-label="allow a firewall rule">
          <FormError error={action.error} fields={FIELDS} />
          <Field label="Protocol" field="protocol" error={action.error}>
            <select value={rule.protocol} onChange={(e) => set('protocol', e.currentTarget.value)}>
              <option value="tcp">tcp</option>
              <option value="udp">udp</option>
            </select>
          </Field>
          <Field label="Port or range" field="port" error={action.error}>
            <input value={rule.port} placeholder="8080 or 8000-8100" aria-invalid={invalid(action.error, 'port')}
                   onInput={(e) => set('port', e.currentTarget.value)} required />
          </Field>
          <Field label="From (CIDR)" field="source" error={action.error}>
            <input value={rule.source} placeholder="anywhere" aria-invalid={invalid(action.error, 'source')}
                   onInput={(e) => set('source', e.currentTarget.value)} />
          </Field>
          <Field label="On endpoint" field="endpoint" error={action.error}>
            <select value={rule.endpoint} onChange={(e) => set('endpoint', e.currentTarget.value)}>
              <option value="">every one</option>
              {endpoints.map((endpoint) => <option key={endpoint} value={endpoint}>{endpoint}</option>)}
            </select>
          </Field>
          <button type="submit" disabled={action.busy}>Allow</button>
        </form>
      ) : <p class="hint">Changing the firewall needs the admin role.</p>}
    </section>
  );
}
