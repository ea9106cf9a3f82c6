import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

/**
 * The latest event of a server-sent event stream, parsed as JSON: the browser's EventSource reconnects by itself when
 * the connection drops; the stream closes when the component goes.
 */
export function useLive<T>(url: string | null): { value: T | null; connected: boolean } {
  const [value, setValue] = useState<T | null>(null);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!url) {
      return;
    }
    const source = new EventSource(url);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.onmessage = (event) => setValue(JSON.parse(event.data));
    return () => source.close();
  }, [url]);
  return { value, connected };
}

/**
 * Reads a streamed NDJSON answer (deploy, update) line by line as it arrives: each parsed line goes to {@code onLine}.
 */
export async function readLines(answer: Response, onLine: (line: any) => void): Promise<void> {
  const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).trim();
      buffer = buffer.slice(end + 1);
      if (line) {
        onLine(JSON.parse(line));
      }
    }
  }
}

/**
 * A view the API answers a GET with, loaded once; changes answer with the new view, which {@code set} takes in place
 * of reading it again.
 */
export interface Resource<T> {
  value: T | null;
  set: (value: T) => void;
  error: string | null;
}

export function useResource<T>(path: string): Resource<T> {
  const [value, set] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<T>('GET', path).then(set, (e) => setError((e as Error).message));
  }, [path]);
  return { value, set, error };
}
