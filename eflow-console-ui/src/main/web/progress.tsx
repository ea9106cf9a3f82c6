/** How far a step that moves through bytes got (a slot written, an image pulled), as the daemon reports it. */
export interface Bytes {
  step: string;
  done: number;
  total: number;
}

/** A step's bar with its percentage and MiB, as the CLI draws it on a terminal. */
export function ByteBar({ bytes, label }: { bytes: Bytes; label: string }) {
  const percent = bytes.total > 0 ? Math.floor((100 * Math.min(bytes.done, bytes.total)) / bytes.total) : 0;
  return (
    <label class="bytes">{bytes.step}: {percent} % ({bytes.done >> 20}/{bytes.total >> 20} MiB)
      <progress aria-label={label} max={bytes.total} value={bytes.done} /></label>
  );
}
