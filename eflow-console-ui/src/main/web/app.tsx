import { render } from 'preact';
import '@xterm/xterm/css/xterm.css';
import './app.css';
import { useEffect, useState } from 'preact/hooks';
import { api, Session, setSession, whenLoggedOut } from './api';
import { Login } from './pages/login';
import { Instances } from './pages/instances';
import { Instance } from './pages/instance';
import { Host } from './pages/host';
import { Access } from './pages/access';
import { Wizard } from './pages/wizard';

/** The page the address's fragment names: #/instances, #/instances/NAME, #/host, #/access. */
function useRoute(): string[] {
  const read = () => (location.hash.replace(/^#\/?/, '') || 'instances').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read());
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function App() {
  const [session, setCurrent] = useState<Session | null | undefined>(undefined);
  const route = useRoute();

  const adopt = (next: Session | null) => {
    setSession(next);
    setCurrent(next);
  };
  useEffect(() => {
    whenLoggedOut(() => adopt(null));
    api<Session>('GET', '/v1/console/session').then(adopt, () => adopt(null));
  }, []);

  if (session === undefined) {
    return <p class="loading">Loading…</p>;
  }
  if (session === null) {
    return <Login onLogin={adopt} />;
  }
  const logout = async () => {
    await api('POST', '/v1/console/logout', {}).catch(() => undefined);
    adopt(null);
  };
  const [page, name, tab] = route;
  return (
    <div class="shell">
      <nav>
        <span class="brand">eflow</span>
        <a href="#/instances" class={page === 'instances' ? 'here' : ''}>Instances</a>
        {session.role === 'admin' && <a href="#/deploy" class={page === 'deploy' ? 'here' : ''}>Deploy</a>}
        <a href="#/host" class={page === 'host' ? 'here' : ''}>Host</a>
        {session.role === 'admin' && <a href="#/access" class={page === 'access' ? 'here' : ''}>Users and tokens</a>}
        <span class="who">
          {session.user} ({session.role}) <button class="link" onClick={logout}>Log out</button>
        </span>
      </nav>
      <main>
        {page === 'instances' && !name && <Instances />}
        {page === 'instances' && name && <Instance name={name} tab={tab ?? 'overview'} session={session} />}
        {page === 'deploy' && <Wizard session={session} />}
        {page === 'host' && <Host />}
        {page === 'access' && <Access session={session} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
