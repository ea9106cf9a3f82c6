import { useEffect, useState } from 'preact/hooks';
import { api, ConsoleUser, seg, Session, Token } from '../api';

/** Console users and API tokens: what `eflow console user|token` does on the host, for admins. */
export function Access({ session }: { session: Session }) {
  const [users, setUsers] = useState<ConsoleUser[]>([]);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState('viewer');
  const [tokenName, setTokenName] = useState('');

  const load = () => {
    api<ConsoleUser[]>('GET', '/v1/console/users').then(setUsers, (e) => setError(e.message));
    api<Token[]>('GET', '/v1/console/tokens').then(setTokens, (e) => setError(e.message));
  };
  useEffect(load, []);

  const run = async (action: () => Promise<void>) => {
    setError(null);
    setShown(null);
    try {
      await action();
      load();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const addUser = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const added = await api<ConsoleUser>('POST', '/v1/console/users', { name, role });
      setShown(`${added.name}'s password, shown this once: ${added.password}`);
      setName('');
    });
  };
  const createToken = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const created = await api<Token>('POST', '/v1/console/tokens', { name: tokenName });
      setShown(`The token, shown this once: ${created.token}`);
      setTokenName('');
    });
  };

  return (
    <section>
      <h1>Users and tokens</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {shown && <p class="secret" role="status">{shown}</p>}
      <h2>Users</h2>
      <table>
        <thead><tr><th>Name</th><th>Role</th><th>Since</th><th></th></tr></thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.name}>
              <td>{u.name}</td><td>{u.role}</td><td>{new Date(u.created).toLocaleString()}</td>
              <td>{u.name !== session.user && (
                <button class="link" onClick={() => run(() => api('DELETE', `/v1/console/users/${seg(u.name)}`))}>Remove</button>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="inline" onSubmit={addUser}>
        <input placeholder="new user" aria-label="new user" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <select aria-label="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit">Add user</button>
      </form>
      <h2>API tokens</h2>
      <table>
        <thead><tr><th>Name</th><th>User</th><th>Expires</th><th></th></tr></thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td><td>{t.user}</td><td>{t.expires ? new Date(t.expires).toLocaleString() : 'never'}</td>
              <td><button class="link" onClick={() => run(() => api('DELETE', `/v1/console/tokens/${seg(t.id)}`))}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="inline" onSubmit={createToken}>
        <input placeholder="token name" aria-label="token name" value={tokenName} onInput={(e) => setTokenName(e.currentTarget.value)} required />
        <button type="submit">Create a token for me</button>
      </form>
    </section>
  );
}
