/** Scheduled runs in SQLite (table schedule_runs, beside audit_runs). A run's baseline is the latest complete run of the same schedule over the same targets. */
import type Database from 'better-sqlite3';
import type { DeliveryState, ScheduleRunRecord, ScheduleRunStore } from './store.js';

interface Row {
  run_id: number;
  schedule: string;
  signature: string;
  started_at: string;
  finished_at: string;
  complete: number;
  previous_run_id: number | null;
  hosts: number;
  phones: number;
  exposed: number;
  failing: number;
  unknown_devices: number;
  changes: number;
  delivery: string;
  attempts: number;
}

const toRecord = (r: Row): ScheduleRunRecord => ({
  runId: r.run_id,
  schedule: r.schedule,
  signature: r.signature,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  complete: r.complete === 1,
  ...(r.previous_run_id !== null ? { previousRunId: r.previous_run_id } : {}),
  hosts: r.hosts,
  phones: r.phones,
  exposed: r.exposed,
  failing: r.failing,
  unknownDevices: r.unknown_devices,
  changes: r.changes,
  delivery: r.delivery as DeliveryState,
  attempts: r.attempts,
});

export class SqliteScheduleRuns implements ScheduleRunStore {
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      insert:
        db.prepare(`INSERT OR REPLACE INTO schedule_runs (run_id, schedule, signature, started_at, finished_at, complete, previous_run_id, hosts, phones,
        exposed, failing, unknown_devices, changes, delivery, attempts) VALUES (@runId, @schedule, @signature, @startedAt, @finishedAt, @complete, @previousRunId,
        @hosts, @phones, @exposed, @failing, @unknownDevices, @changes, @delivery, @attempts)`),
      delivery: db.prepare('UPDATE schedule_runs SET delivery = ?, attempts = ? WHERE run_id = ?'),
      baseline: db.prepare(
        'SELECT run_id FROM schedule_runs WHERE schedule = ? AND signature = ? AND complete = 1 AND run_id < ? ORDER BY run_id DESC LIMIT 1',
      ),
      last: db.prepare('SELECT * FROM schedule_runs WHERE schedule = ? ORDER BY run_id DESC LIMIT 1'),
      recent: db.prepare('SELECT * FROM (SELECT * FROM schedule_runs WHERE schedule = ? ORDER BY run_id DESC LIMIT ?) ORDER BY run_id'),
      names: db.prepare('SELECT schedule, MAX(run_id) AS last FROM schedule_runs GROUP BY schedule ORDER BY schedule'),
    };
  }

  async record(r: ScheduleRunRecord): Promise<void> {
    this.stmts.insert.run({
      runId: r.runId,
      schedule: r.schedule,
      signature: r.signature,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      complete: r.complete ? 1 : 0,
      previousRunId: r.previousRunId ?? null,
      hosts: r.hosts,
      phones: r.phones,
      exposed: r.exposed,
      failing: r.failing,
      unknownDevices: r.unknownDevices,
      changes: r.changes,
      delivery: r.delivery,
      attempts: r.attempts,
    });
  }

  async setDelivery(runId: number, delivery: DeliveryState, attempts: number): Promise<void> {
    this.stmts.delivery.run(delivery, attempts, runId);
  }

  async baseline(schedule: string, signature: string, beforeRunId: number): Promise<number | undefined> {
    return (this.stmts.baseline.get(schedule, signature, beforeRunId) as { run_id: number } | undefined)?.run_id;
  }

  async last(schedule: string): Promise<ScheduleRunRecord | undefined> {
    const row = this.stmts.last.get(schedule) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async recent(schedule: string, limit: number): Promise<ScheduleRunRecord[]> {
    return (this.stmts.recent.all(schedule, limit) as Row[]).map(toRecord);
  }

  async schedules(): Promise<string[]> {
    return (this.stmts.names.all() as { schedule: string }[]).map((r) => r.schedule);
  }
}
