// The daemon's REST API as the console calls it: the session cookie rides along by itself, the CSRF token is added to
// every state-changing call, errors become Error with the daemon's one-line message, a lost session sends to login.

export interface Session {
  user: string;
  role: 'viewer' | 'operator' | 'admin';
  csrf: string | null;
}

let csrf: string | null = null;
let onLoggedOut: () => void = () => {};

export function setSession(session: Session | null) {
  csrf = session?.csrf ?? null;
}

export function whenLoggedOut(handler: () => void) {
  onLoggedOut = handler;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly fields: string[] = [], readonly problem: string | null = null) {
    super(message);
  }
}

function headersFor(method: string, body: unknown): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json, application/x-ndjson' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && csrf) {
    headers['X-CSRF-Token'] = csrf;
  }
  return headers;
}

/** A call whose answer streams (deploy, update): the response itself, or the error the daemon answered before it. */
export async function streamed(method: string, path: string, body?: unknown): Promise<Response> {
  const answer = await fetch(path, { method, headers: headersFor(method, body), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!answer.ok) {
    const json = await answer.json().catch(() => null);
    throw new ApiError(answer.status, json?.error ?? `HTTP ${answer.status}`, json?.fields ?? [], json?.problem ?? null);
  }
  return answer;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const answer = await fetch(path, { method, headers: headersFor(method, body), body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin' });
  const text = await answer.text();
  const json = text ? JSON.parse(text) : null;
  if (!answer.ok) {
    if (answer.status === 401 && !path.endsWith('/login')) {
      onLoggedOut();
    }
    throw new ApiError(answer.status, json?.error ?? `HTTP ${answer.status}`, json?.fields ?? [], json?.problem ?? null);
  }
  return json as T;
}

/** A path segment for an instance, module or user name. */
export function seg(name: string): string {
  return encodeURIComponent(name);
}

export interface InstanceSummary {
  name: string;
  backend: string;
  powerState: string;
  imageVersion: string;
}

export interface DiskUse {
  mount: string;
  totalMb: number;
  usedMb: number;
}

export interface InstanceDetails {
  configuration: {
    name: string;
    cpus: number;
    memoryMb: number;
    dataSizeGb: number;
    backend: string;
    network: { address: string; prefix: number; gateway: string };
    version: string;
  };
  powerState: string;
  runtime: { version: string; status: string; detail: string; iotHub: ProvisioningState | null } | null;
  statistics: {
    cpuPercent: number;
    memoryTotalMb: number;
    memoryUsedMb: number;
    data: DiskUse | null;
    logs: DiskUse | null;
    uptimeSeconds: number;
  } | null;
}

export interface HostInfo {
  freeMemoryMb: number;
  logicalProcessors: number;
  disks: { path: string; type: string; totalGb: number; freeGb: number }[];
}

export interface ConsoleUser {
  name: string;
  role: string;
  created: string;
  password: string | null;
}

export interface Token {
  id: string;
  user: string;
  name: string;
  created: string;
  expires: string | null;
  token: string | null;
}

export interface ModuleReport {
  /** While its image is being pulled: bytes stored, of all. */
  pull?: { done: number; total: number };
  runtimeStatus: string;
  statusDescription: string;
  exitCode: number | null;
  restartCount: number;
  lastStartTimeUtc: string | null;
  image: string;
  type: string;
  status: string;
}

export interface LiveInstance {
  instance: InstanceDetails;
  modules: Record<string, ModuleReport> | { error: string } | null;
}

export interface LogLine {
  time: string;
  stream: string;
  text: string;
}

export interface NetworkView {
  name: string;
  type: string;
  subnet: string | null;
  uplink: string | null;
  bridge: string;
  allocation: string;
  endpoints: string[];
}

export interface EndpointView {
  name: string;
  network: string;
  guestInterface: string;
  mac: string;
  configuration: string;
  metric: number;
  state: string | null;
  addresses: string[] | null;
}

export interface EndpointList {
  name: string;
  endpoints: EndpointView[];
  appliesAtNextStart: boolean;
}

export interface ProvisioningState {
  type: string | null;
  hub: string | null;
  device: string | null;
  state: string;
  lastError: string | null;
  since: string | null;
  dps: { endpoint: string; scopeId: string; registrationId: string | null; status: string; substatus: string | null;
    error: string | null; nextAttempt: string | null } | null;
}
