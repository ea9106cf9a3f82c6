import { useEffect, useRef, useState } from 'preact/hooks';
import { seg } from '../api';
import { useLive } from '../live';
import { LineChart } from '../chart';

interface Endpoint {
  queueLength: number;
  inFlight: number;
  oldestAgeSeconds: number;
  delivered: number;
  expired: number;
}

interface HubStatus {
  clients: number;
  upstream: { configured: boolean; connected: boolean; endpoint: string | null; lastError: string | null; sent: number | null;
    backlog: number | null } | null;
  received: Record<string, number>;
  routed: Record<string, number>;
  unrouted: number;
  refused: number;
  store: { bytesUsed: number; maxBytes: number; endpoints: Record<string, Endpoint> };
  error?: string;
}

const WINDOW = 120;

/** The edge hub, live: clients, the upstream link, each endpoint's queue and its oldest message's age, messages per route. */
export function Hub({ name }: { name: string }) {
  const { value: status } = useLive<HubStatus>(`/v1/instances/${seg(name)}/hub/events`);
  const history = useRef<{ at: number; routed: Record<string, number> }[]>([]);
  const [, redraw] = useState(0);
  useEffect(() => {
    if (status && !status.error) {
      history.current = [...history.current, { at: Date.now(), routed: status.routed }].slice(-WINDOW);
      redraw((n) => n + 1);
    }
  }, [status]);
  if (!status) {
    return <p class="loading">Asking the hub…</p>;
  }
  if (status.error) {
    return <p class="error" role="alert">{status.error}</p>;
  }
  const upstream = status.upstream;
  return (
    <div class="hub">
      <dl class="facts">
        <dt>Clients</dt><dd class="clients">{status.clients}</dd>
        <dt>Upstream (IoT Hub)</dt>
        <dd>{!upstream || !upstream.configured ? 'not configured' : upstream.connected ? `connected to ${upstream.endpoint}`
          : `disconnected${upstream.lastError ? ': ' + upstream.lastError : ''}`}</dd>
        <dt>Unrouted, refused</dt><dd>{status.unrouted}, {status.refused}</dd>
        <dt>Store</dt><dd>{(status.store.bytesUsed / 1048576).toFixed(1)} MiB of {(status.store.maxBytes / 1048576).toFixed(0)} MiB</dd>
      </dl>
      <h2>Queues per endpoint</h2>
      <table class="queues">
        <thead><tr><th>Endpoint</th><th>Waiting</th><th>In flight</th><th>Oldest</th><th>Delivered</th><th>Expired</th></tr></thead>
        <tbody>
          {Object.entries(status.store.endpoints).map(([endpoint, q]) => (
            <tr key={endpoint}><td>{endpoint}</td><td>{q.queueLength}</td><td>{q.inFlight}</td><td>{q.oldestAgeSeconds.toFixed(1)} s</td>
              <td>{q.delivered}</td><td>{q.expired}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>Messages per route</h2>
      <RouteChart samples={history.current} />
      <table class="routes">
        <thead><tr><th>Route</th><th>Messages</th></tr></thead>
        <tbody>{Object.entries(status.routed).map(([route, count]) => <tr key={route}><td>{route}</td><td>{count}</td></tr>)}</tbody>
      </table>
    </div>
  );
}

/** Messages per second on each route since the page opened, from the differences between the pushed totals. */
function RouteChart({ samples }: { samples: { at: number; routed: Record<string, number> }[] }) {
  if (samples.length < 2) {
    return <p class="empty">The chart fills in as the hub's figures arrive.</p>;
  }
  const routes = Object.keys(samples[samples.length - 1].routed);
  const series = routes.map((route) => ({
    label: route,
    values: samples.slice(1).map((s, i) => {
      const before = samples[i];
      const seconds = Math.max((s.at - before.at) / 1000, 0.001);
      return Math.max(0, ((s.routed[route] ?? 0) - (before.routed[route] ?? 0)) / seconds);
    }),
  }));
  return <LineChart title="messages per second per route" series={series} unit="messages/s" />;
}
