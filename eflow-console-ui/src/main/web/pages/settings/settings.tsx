import { EndpointList, seg, Session } from '../../api';
import { useResource } from '../../live';
import { Features } from './features';
import { Firewall } from './firewall';
import { Forwards } from './forwards';
import { Endpoints, NameServers } from './network';

interface SharedFolder {
  hostPath: string;
  guestPath: string;
  readOnly: boolean;
}

/**
 * An instance's settings beyond its size: features, firewall, forwards, network cards and name servers, each changed
 * by those whose role the daemon lets change it (viewers read, operators change forwards, admins everything); and
 * the shared folders, which only the host gives.
 */
export function Settings({ name, session, running }: { name: string; session: Session; running: boolean }) {
  const endpoints = useResource<EndpointList>(`/v1/instances/${seg(name)}/endpoints`);
  const names = endpoints.value?.endpoints.map((e) => e.name) ?? [];
  const admin = session.role === 'admin';
  return (
    <div class="settings-tab">
      <Features name={name} mayChange={admin} running={running} />
      <Firewall name={name} endpoints={names} mayChange={admin} />
      <Forwards name={name} mayChange={session.role !== 'viewer'} />
      <Endpoints name={name} list={endpoints} mayChange={admin} />
      <NameServers name={name} endpoints={names} mayChange={admin} />
      <Shares name={name} />
    </div>
  );
}

/** Shared folders, read-only here: a host folder handed to the guest is the host's to give (eflow share add, on the host). */
function Shares({ name }: { name: string }) {
  const shares = useResource<{ shares: SharedFolder[] }>(`/v1/instances/${seg(name)}/shares`);
  return (
    <section class="settings-part shares">
      <h2>Shared folders</h2>
      {shares.error && <p class="error" role="alert">{shares.error}</p>}
      {shares.value && (shares.value.shares.length === 0 ? <p class="empty">None.</p> : (
        <table>
          <thead><tr><th>Host folder</th><th>In the guest</th><th>Access</th></tr></thead>
          <tbody>{shares.value.shares.map((s) => (
            <tr key={s.guestPath}><td>{s.hostPath}</td><td>{s.guestPath}</td><td>{s.readOnly ? 'read-only' : 'read-write'}</td></tr>))}</tbody>
        </table>
      ))}
      <p class="hint">Shared folders are added and removed on the host only (<code>eflow share add</code>): a host folder given to the
        guest is the host's to give.</p>
    </section>
  );
}
