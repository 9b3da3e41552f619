/** Audit runs with their findings, and scheduled runs, in PostgreSQL (same tables and meaning as the SQLite ones). */
import type pg from 'pg';
import { diffFindings } from './audit-store.js';
import { inTransaction } from './postgres-pool.js';
import type { AuditRunRecord, AuditRunStore, DeliveryState, RunDiff, ScheduleRunRecord, ScheduleRunStore, StoredFinding } from './store.js';

const list = (text: string | null): string[] => {
  try {
    const v: unknown = JSON.parse(text ?? '[]');
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  targets: string;
  summary: string | null;
}

const toRun = (r: RunRow): AuditRunRecord => ({
  id: Number(r.id),
  startedAt: r.started_at,
  targets: list(r.targets),
  ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
  ...(r.summary !== null ? { summary: JSON.parse(r.summary) as unknown } : {}),
});

export class PostgresAuditRuns implements AuditRunStore {
  constructor(private readonly pool: pg.Pool) {}

  async startRun(startedAt: Date, targets: readonly string[]): Promise<number> {
    const r = await this.pool.query('INSERT INTO audit_runs (started_at, targets) VALUES ($1, $2) RETURNING id', [
      startedAt.toISOString(),
      JSON.stringify(targets),
    ]);
    return Number(r.rows[0].id);
  }

  async finishRun(runId: number, finishedAt: Date, summary: unknown, findings: readonly StoredFinding[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const f of findings)
        await client.query(
          `INSERT INTO audit_findings (run_id, host, mac, vendor, model, rule, state, severity, evidence, fix)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
          [
            runId,
            f.host,
            f.mac ?? null,
            f.vendor ?? null,
            f.model ?? null,
            f.rule,
            f.state,
            f.severity,
            JSON.stringify(f.evidence),
            JSON.stringify(f.fix),
          ],
        );
      await client.query('UPDATE audit_runs SET finished_at = $1, summary = $2 WHERE id = $3', [
        finishedAt.toISOString(),
        JSON.stringify(summary),
        runId,
      ]);
    });
  }

  async runs(limit = 20): Promise<AuditRunRecord[]> {
    const r = await this.pool.query('SELECT * FROM audit_runs ORDER BY id DESC LIMIT $1', [limit]);
    return (r.rows as RunRow[]).map(toRun);
  }

  async run(runId: number): Promise<AuditRunRecord | undefined> {
    const r = await this.pool.query('SELECT * FROM audit_runs WHERE id = $1', [runId]);
    return r.rows[0] ? toRun(r.rows[0] as RunRow) : undefined;
  }

  async findings(runId: number): Promise<StoredFinding[]> {
    const r = await this.pool.query('SELECT * FROM audit_findings WHERE run_id = $1 ORDER BY id', [runId]);
    return r.rows.map((row: Record<string, string | null>) => ({
      host: row.host!,
      rule: row.rule!,
      state: row.state!,
      severity: row.severity!,
      evidence: list(row.evidence!),
      fix: list(row.fix!),
      ...(row.mac !== null ? { mac: row.mac } : {}),
      ...(row.vendor !== null ? { vendor: row.vendor } : {}),
      ...(row.model !== null ? { model: row.model } : {}),
    }));
  }

  async previousRun(runId: number): Promise<number | undefined> {
    const r = await this.pool.query(
      `SELECT p.id FROM audit_runs p JOIN audit_runs c ON c.id = $1
       WHERE p.id < c.id AND p.finished_at IS NOT NULL AND p.targets = c.targets ORDER BY p.id DESC LIMIT 1`,
      [runId],
    );
    return r.rows[0] ? Number(r.rows[0].id) : undefined;
  }

  async diff(beforeId: number, afterId: number): Promise<RunDiff> {
    return diffFindings(await this.findings(beforeId), await this.findings(afterId));
  }
}

const toSchedule = (r: Record<string, string | number | boolean | null>): ScheduleRunRecord => ({
  runId: Number(r.run_id),
  schedule: String(r.schedule),
  signature: String(r.signature),
  startedAt: String(r.started_at),
  finishedAt: String(r.finished_at),
  complete: r.complete === true,
  ...(r.previous_run_id !== null ? { previousRunId: Number(r.previous_run_id) } : {}),
  hosts: Number(r.hosts),
  phones: Number(r.phones),
  exposed: Number(r.exposed),
  failing: Number(r.failing),
  unknownDevices: Number(r.unknown_devices),
  changes: Number(r.changes),
  delivery: r.delivery as DeliveryState,
  attempts: Number(r.attempts),
});

export class PostgresScheduleRuns implements ScheduleRunStore {
  constructor(private readonly pool: pg.Pool) {}

  async record(r: ScheduleRunRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO schedule_runs (run_id, schedule, signature, started_at, finished_at, complete, previous_run_id, hosts, phones,
         exposed, failing, unknown_devices, changes, delivery, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (run_id) DO UPDATE SET schedule = excluded.schedule, signature = excluded.signature, started_at = excluded.started_at,
         finished_at = excluded.finished_at, complete = excluded.complete, previous_run_id = excluded.previous_run_id,
         hosts = excluded.hosts, phones = excluded.phones, exposed = excluded.exposed, failing = excluded.failing,
         unknown_devices = excluded.unknown_devices, changes = excluded.changes, delivery = excluded.delivery, attempts = excluded.attempts`,
      [
        r.runId,
        r.schedule,
        r.signature,
        r.startedAt,
        r.finishedAt,
        r.complete,
        r.previousRunId ?? null,
        r.hosts,
        r.phones,
        r.exposed,
        r.failing,
        r.unknownDevices,
        r.changes,
        r.delivery,
        r.attempts,
      ],
    );
  }

  async setDelivery(runId: number, delivery: DeliveryState, attempts: number): Promise<void> {
    await this.pool.query('UPDATE schedule_runs SET delivery = $1, attempts = $2 WHERE run_id = $3', [delivery, attempts, runId]);
  }

  async baseline(schedule: string, signature: string, beforeRunId: number): Promise<number | undefined> {
    const r = await this.pool.query(
      'SELECT run_id FROM schedule_runs WHERE schedule = $1 AND signature = $2 AND complete AND run_id < $3 ORDER BY run_id DESC LIMIT 1',
      [schedule, signature, beforeRunId],
    );
    return r.rows[0] ? Number(r.rows[0].run_id) : undefined;
  }

  async last(schedule: string): Promise<ScheduleRunRecord | undefined> {
    const r = await this.pool.query('SELECT * FROM schedule_runs WHERE schedule = $1 ORDER BY run_id DESC LIMIT 1', [schedule]);
    return r.rows[0] ? toSchedule(r.rows[0]) : undefined;
  }

  async recent(schedule: string, limit: number): Promise<ScheduleRunRecord[]> {
    const r = await this.pool.query(
      'SELECT * FROM (SELECT * FROM schedule_runs WHERE schedule = $1 ORDER BY run_id DESC LIMIT $2) s ORDER BY run_id',
      [schedule, limit],
    );
    return r.rows.map(toSchedule);
  }

  async schedules(): Promise<string[]> {
    const r = await this.pool.query('SELECT DISTINCT schedule FROM schedule_runs ORDER BY schedule');
    return r.rows.map((row: { schedule: string }) => row.schedule);
  }
}
