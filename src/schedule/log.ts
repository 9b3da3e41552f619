/**
 * What the scheduler tells the operator: one structured entry per run, skipped tick, change and delivery, written as
 * JSON lines to <dataDir>/schedules.jsonl and, formatted, to wherever the server logs. Never a secret or a webhook path.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ChangeKind } from './changes.js';

export type ScheduleLogEntry = { ts: string; schedule: string } & (
  | {
      event: 'run';
      runId: number;
      previousRunId?: number;
      complete: boolean;
      hosts: number;
      phones: number;
      exposed: number;
      failing: number;
      changes: number;
      durationMs: number;
      note?: string;
    }
  | { event: 'run-skipped'; reason: string }
  | { event: 'run-failed'; error: string }
  | { event: 'change'; runId: number; kind: ChangeKind; host: string; mac?: string; rules?: string[]; detail: string }
  | { event: 'delivery'; runId: number; deliveryId: string; target: string; ok: boolean; attempts: number; status?: number; error?: string }
  | { event: 'schedule-error'; error: string }
);

export type ScheduleLog = (entry: ScheduleLogEntry) => void;

/** An entry before it is stamped with its time. */
export type ScheduleLogInput = ScheduleLogEntry extends infer E ? (E extends unknown ? Omit<E, 'ts'> : never) : never;

/** 5400 → "1h30m", 45 → "45s" */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(seconds));
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('') || '0s';
}

/** One human line per entry. */
export function formatScheduleLog(e: ScheduleLogEntry): string {
  const head = `schedule ${e.schedule}:`;
  switch (e.event) {
    case 'run':
      return `${head} audit #${e.runId} ${e.complete ? 'finished' : 'stopped early'}: ${e.hosts} host(s), ${e.phones} phone(s), ${e.exposed} exposed, ${e.failing} failing finding(s), ${e.changes} change(s)${e.previousRunId !== undefined ? ` since #${e.previousRunId}` : ''}${e.note ? ` (${e.note})` : ''}`;
    case 'run-skipped':
      return `${head} tick skipped: ${e.reason}`;
    case 'run-failed':
      return `${head} audit failed: ${e.error}`;
    case 'change':
      return `${head} ${e.kind} ${e.host}${e.mac ? ` (${e.mac})` : ''}${e.rules?.length ? ` [${e.rules.join(', ')}]` : ''}: ${e.detail}`;
    case 'delivery':
      return `${head} webhook ${e.target} ${e.ok ? 'delivered' : 'FAILED'} for audit #${e.runId} after ${e.attempts} attempt(s)${e.status !== undefined ? `, last status ${e.status}` : ''}${e.error ? `: ${e.error}` : ''} (delivery ${e.deliveryId})`;
    case 'schedule-error':
      return `${head} ${e.error}`;
  }
}

/** Appends entries to a JSON-lines file (mode 0600), opened at the first entry. */
export class ScheduleLogFile {
  private stream?: WriteStream;
  private closed = false;

  constructor(readonly path: string) {}

  readonly write: ScheduleLog = (entry) => {
    if (this.closed) return;
    if (!this.stream) {
      this.stream = createWriteStream(this.path, { flags: 'a', mode: 0o600 });
      this.stream.on('error', () => undefined);
    }
    if (this.stream.writable) this.stream.write(`${JSON.stringify(entry)}\n`);
  };

  close(): Promise<void> {
    this.closed = true;
    return new Promise((done) => (this.stream ? this.stream.end(done) : done()));
  }
}
