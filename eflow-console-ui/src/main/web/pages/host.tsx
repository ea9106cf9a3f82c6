import { useEffect, useState } from 'preact/hooks';
import { api, HostInfo } from '../api';

export function Host() {
  const [host, setHost] = useState<HostInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<HostInfo>('GET', '/v1/host').then(setHost, (e) => setError(e.message));
  }, []);
  if (error) {
    return <p class="error" role="alert">{error}</p>;
  }
  if (!host) {
    return <p class="loading">Loading…</p>;
  }
  return (
    <section>
      <h1>Host</h1>
      <dl class="facts">
        <dt>Logical processors</dt><dd>{host.logicalProcessors}</dd>
        <dt>Free memory</dt><dd>{host.freeMemoryMb} MiB</dd>
      </dl>
      <table>
        <thead><tr><th>Disk</th><th>Type</th><th>Free</th><th>Size</th></tr></thead>
        <tbody>
          {host.disks.map((d) => (
            <tr key={d.path}><td>{d.path}</td><td>{d.type}</td><td>{d.freeGb} GB</td><td>{d.totalGb} GB</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
