/** Text that came off the wire is hostile: bound its length and escape control characters before it reaches a report or a terminal. */

import { clean } from '../model/wire-text.js';

export { clean };

/** A short printable preview of raw bytes (for malformed replies). */
export function preview(buf: Buffer, max = 48): string {
  const text = buf.subarray(0, max).toString('latin1');
  return clean(text, max * 4) + (buf.length > max ? '…' : '');
}

export function errorText(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : String(err);
    return clean(code && !message.includes(code) ? `${code}: ${message}` : message, 160);
  }
  return clean(String(err), 160);
}
