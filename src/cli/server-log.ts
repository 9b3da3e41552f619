/**
 * `serve --log`: one line per fetch, security event (refusals, bans, enrolments) and configuration reload — readable
 * text by default, JSON lines (`--log json`) for machines. Pure formatting; serve writes the lines to stdout.
 */
import type { ServerLogSink } from '../app/runtime-options.js';
import type { FetchRecord, SecurityEvent } from '../store/store.js';

export type LogFormat = 'pretty' | 'json';

export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

/** 2026-12-07T01:40:00.123Z → 2026-12-07 01:40:00 */
const time = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

const EVENT_WORD: Readonly<Record<string, string>> = { banned: 'ban', 'enrolment-closed': 'enrolled' };

export function fetchLine(r: FetchRecord): string {
  return `${time(r.ts)} fetch    ${r.status} ${r.mac} ${r.file} from ${r.source} (${r.auth === 'none' ? 'shared file' : r.auth})`;
}

export function eventLine(e: SecurityEvent): string {
  const word = EVENT_WORD[e.reason] ?? 'event';
  const what = word === 'event' ? `${e.severity} ${e.reason}` : word === 'ban' ? `${e.source ?? ''}` : `${e.mac ?? ''}`;
  const parts = [
    word === 'ban' ? undefined : e.mac && word === 'event' ? e.mac : undefined,
    e.file,
    e.source && word !== 'ban' ? `from ${e.source}` : undefined,
  ].filter(Boolean);
  return `${time(e.ts)} ${word.padEnd(8)} ${what}${parts.length ? ` ${parts.join(' ')}` : ''}${e.detail ? `: ${e.detail}` : ''}`;
}

export function reloadLine(r: { ok: boolean; devices: number; issues: string[] }, now = new Date()): string {
  const at = time(now.toISOString());
  return r.ok
    ? `${at} reload   configuration reloaded (${r.devices} devices)`
    : `${at} reload   configuration invalid, still serving the previous one: ${r.issues.join('; ')}`;
}

export function serverLog(format: LogFormat, write: (line: string) => void): ServerLogSink {
  if (format === 'json') {
    return {
      fetch: (r) => write(JSON.stringify({ kind: 'fetch', ...r })),
      event: (e) => write(JSON.stringify({ kind: 'event', ...e })),
      reload: (r) => write(JSON.stringify({ kind: 'reload', ts: new Date().toISOString(), ...r })),
    };
  }
  return { fetch: (r) => write(fetchLine(r)), event: (e) => write(eventLine(e)), reload: (r) => write(reloadLine(r)) };
}
