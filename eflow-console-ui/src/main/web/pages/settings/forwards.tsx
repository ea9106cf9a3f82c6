import { useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { useResource } from '../../live';
import { Field, FormError, invalid, useAction } from '../../form';

interface Forward {
  direction: 'INTO_GUEST' | 'TO_HOST';
  host: string;
  guestPort: number;
}

const FIELDS = ['host', 'guestPort'];
const PLACES = { host: /host side|host port|listen on|forward/, guestPort: /guest port/ };

/**
 * Forwards carried by the management connection: a loopback port of the daemon's host leads to a port on the guest's
 * loopback, with no firewall opening. The console adds only those; forwards to the host and on UNIX sockets are the
 * host's own users' (the daemon refuses them remotely), but all show here and may be removed.
 */
export function Forwards({ name, mayChange }: { name: string; mayChange: boolean }) {
  const path = `/v1/instances/${seg(name)}/forwards`;
  const list = useResource<Forward[]>(path);
  const action = useAction(PLACES);
  const [hostPort, setHostPort] = useState('');
  const [guestPort, setGuestPort] = useState('');

  const add = async (event: Event) => {
    event.preventDefault();
    const added = await action.run(() => api<Forward[]>('POST', path, { direction: 'INTO_GUEST', host: hostPort.trim(),
      guestPort: Number(guestPort) }), list.set);
    if (added) {
      setHostPort('');
      setGuestPort('');
    }
  };
  return (
    <section class="settings-part forwards">
      <h2>Forwards</h2>
      {list.error && <p class="error" role="alert">{list.error}</p>}
      <table class="forwards">
        <thead><tr><th>From</th><th>To</th><th></th></tr></thead>
        <tbody>
          {list.value?.length === 0 && <tr><td colSpan={3} class="empty">No forwards.</td></tr>}
          {list.value?.map((f) => (
            <tr key={`${f.direction} ${f.host} ${f.guestPort}`} data-forward={`${f.host} ${f.guestPort}`}>
              <td>{f.direction === 'INTO_GUEST' ? `host ${f.host}` : `guest port ${f.guestPort}`}</td>
              <td>{f.direction === 'INTO_GUEST' ? `guest port ${f.guestPort}` : `host ${f.host}`}</td>
              <td>{mayChange && <button class="link" disabled={action.busy}
                                        onClick={() => action.run(() => api<Forward[]>('POST', `${path}/remove`, f), list.set)}>Remove</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {mayChange ? (
        <form class="inline forward" onSubmit={add} aria-label="add a forward">
          <FormError error={action.error} fields={FIELDS} />
          <Field label="Host port" field="host" error={action.error}>
            <input value={hostPort} placeholder="8080 (on the host's loopback)" aria-invalid={invalid(action.error, 'host')}
                   onInput={(e) => setHostPort(e.currentTarget.value)} required />
          </Field>
          <Field label="Guest port" field="guestPort" error={action.error}>
            <input type="number" min={1} max={65535} value={guestPort} aria-invalid={invalid(action.error, 'guestPort')}
                   onInput={(e) => setGuestPort(e.currentTarget.value)} required />
          </Field>
          <button type="submit" disabled={action.busy}>Forward</button>
        </form>
      ) : <p class="hint">Changing forwards needs the operator role.</p>}
      <p class="hint">Forwards to the host (the guest connects out) and forwards on UNIX sockets are made on the host itself:{' '}
        <code>eflow forward add</code>.</p>
    </section>
  );
}
