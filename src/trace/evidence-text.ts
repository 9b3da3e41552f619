/** How times, packets and endpoints are written in trace evidence and reports. */
import type { Endpoint } from './frame.js';

export function fmtTime(t: number | undefined): string {
  if (t === undefined || !Number.isFinite(t)) return '';
  const whole = Math.floor(t);
  const micros = Math.round((t - whole) * 1e6);
  const iso = new Date(whole * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(Math.min(micros, 999_999)).padStart(6, '0')}Z`;
}

/** A packet number with its capture time when known: `#12 (2025-11-21T04:40:00.010000Z)`. */
export function at(packet: number, time: number | undefined): string {
  const t = fmtTime(time);
  return t ? `#${packet} (${t})` : `#${packet}`;
}

/** `addr:port`, IPv6 in brackets; `fallback` when the endpoint is unknown. */
export function ep(e: Endpoint | undefined, fallback: string): string {
  if (!e) return fallback;
  const host = e.addr.includes(':') ? `[${e.addr}]` : e.addr;
  return e.port !== undefined ? `${host}:${e.port}` : host;
}
