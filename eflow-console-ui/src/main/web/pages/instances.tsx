import { useEffect, useState } from 'preact/hooks';
import { api, InstanceSummary, seg } from '../api';

export function Instances() {
  const [instances, setInstances] = useState<InstanceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<InstanceSummary[]>('GET', '/v1/instances').then(setInstances, (e) => setError(e.message));
  }, []);

  if (error) {
    return <p class="error" role="alert">{error}</p>;
  }
  if (!instances) {
    return <p class="loading">Loading…</p>;
  }
  return (
    <section>
      <h1>Instances</h1>
      {instances.length === 0 ? (
        <p class="empty">No instances on this host yet. <code>eflow deploy</code> on the host makes one.</p>
      ) : (
        <table class="instances">
          <thead>
            <tr><th>Name</th><th>State</th><th>Backend</th><th>Image</th></tr>
          </thead>
          <tbody>
            {instances.map((i) => (
              <tr key={i.name}>
                <td><a href={`#/instances/${seg(i.name)}`}>{i.name}</a></td>
                <td><span class={`state ${i.powerState.toLowerCase()}`}>{i.powerState.toLowerCase()}</span></td>
                <td>{i.backend.toLowerCase()}</td>
                <td>{i.imageVersion}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
