/**
 * The Store on PostgreSQL, for replicas that share one state: every read and change goes to the database (an enrolment
 * one replica closes is closed for all); fetch history and events queue in memory and are written in batches (one
 * multi-row INSERT each), held in memory while the database is away (postgres-history-queue.ts); a delivered file's
 * record is committed before the file leaves, in the batch written next (group commit: one round trip for every delivery
 * queued meanwhile); a read first waits for this replica's queued records.
 */
import type pg from 'pg';
import type { Mac } from '../model/mac.js';
import { DEFAULT_HISTORY_QUEUE, PostgresHistoryQueue } from './postgres-history-queue.js';
import { postgresText } from './postgres-pool.js';
import { PostgresAuditRuns, PostgresScheduleRuns } from './postgres-runs.js';
import { PostgresSessions } from './postgres-sessions.js';
import { PostgresRetention } from './postgres-retention.js';
import { PostgresSnapshots } from './postgres-snapshots.js';
import type { Retention } from './retention.js';
import type {
  CredentialState,
  Enrolment,
  FetchRecord,
  HistoryQueueStatus,
  OverrideUpload,
  SecurityEvent,
  SecurityReason,
  Store,
} from './store.js';

const defined = <T>(row: Record<string, unknown>): T => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as T;

export class PostgresStore implements Store {
  /** fetch history and events: queued, written in batches in order, held while the database is away */
  private readonly history: PostgresHistoryQueue;
  readonly auditRuns: PostgresAuditRuns;
  readonly scheduleRuns: PostgresScheduleRuns;
  readonly snapshots: PostgresSnapshots;
  readonly sessions: PostgresSessions;
  private readonly retention: PostgresRetention;

  constructor(
    private readonly pool: pg.Pool,
    onWriteError: (message: string) => void = () => {},
    /** close() ends the pool too (the server's own pool; a test's or a shared one stays open) */
    private readonly ownsPool = false,
    retention?: Retention,
    /** records held while the database is away (server.historyQueue) */
    historyQueue = DEFAULT_HISTORY_QUEUE,
  ) {
    this.retention = new PostgresRetention(pool, retention, onWriteError);
    // the row caps after every batch, as on SQLite
    this.history = new PostgresHistoryQueue(pool, onWriteError, historyQueue, () => this.retention.capRows());
    this.auditRuns = new PostgresAuditRuns(pool);
    this.scheduleRuns = new PostgresScheduleRuns(pool);
    this.snapshots = new PostgresSnapshots(pool);
    this.sessions = new PostgresSessions(pool);
  }

  async recordFetch(fetch: FetchRecord): Promise<void> {
    this.history.fetch(fetch);
  }

  recordDelivery(fetch: FetchRecord): Promise<void> {
    return this.history.delivery(fetch);
  }

  async recordEvent(event: SecurityEvent): Promise<void> {
    this.history.event(event);
  }

  /** Writes what is queued (after the batches before it); reads call it first to see this replica's records. */
  flush(): Promise<void> {
    return this.history.flush();
  }

  queueStatus(): HistoryQueueStatus {
    return this.history.status();
  }

  /** records lost (beyond the queue's bound while the database was away, or refused by it), if any */
  get historyWriteError(): string | undefined {
    return this.history.lastError;
  }

  /** Enforces the retention caps now (they also hold on their own: row caps per batch, the rest every minute). */
  async prune(): Promise<void> {
    await this.flush();
    await this.retention.prune();
  }

  async fetchHistory(mac: Mac, limit = 50): Promise<FetchRecord[]> {
    await this.flush();
    const r = await this.pool.query(
      `SELECT ts, mac, source, user_agent AS "userAgent", file, sha256, auth, status FROM fetches
       WHERE mac = $1 AND auth <> 'none' ORDER BY id DESC LIMIT $2`,
      [mac, limit],
    );
    return r.rows as FetchRecord[];
  }

  async lastFetchBySource(source: string): Promise<FetchRecord | undefined> {
    await this.flush();
    const r = await this.pool.query(
      `SELECT ts, mac, source, user_agent AS "userAgent", file, sha256, auth, status FROM fetches
       WHERE source = $1 AND auth <> 'none' ORDER BY id DESC LIMIT 1`,
      [source],
    );
    return r.rows[0] as FetchRecord | undefined;
  }

  async events(filter: { reason?: SecurityReason; mac?: string; limit?: number } = {}): Promise<SecurityEvent[]> {
    await this.flush();
    const r = await this.pool.query(
      `SELECT ts, reason, severity, source, mac, file, detail FROM events
       WHERE ($1::text IS NULL OR reason = $1) AND ($2::text IS NULL OR mac = $2) ORDER BY id DESC LIMIT $3`,
      [filter.reason ?? null, filter.mac ?? null, filter.limit ?? 1000],
    );
    return r.rows.map((row: Record<string, unknown>) => defined<SecurityEvent>(row));
  }

  async openEnrolment(mac: Mac, expiresAt: Date, now = new Date()): Promise<void> {
    await this.pool.query(
      `INSERT INTO enrolments (mac, opened_at, expires_at) VALUES ($1, $2, $3) ON CONFLICT (mac) DO UPDATE
       SET opened_at = excluded.opened_at, expires_at = excluded.expires_at, closed_at = NULL, pinned_source = NULL`,
      [mac, now.toISOString(), expiresAt.toISOString()],
    );
  }

  async openMissingEnrolments(macs: readonly Mac[], expiresAt: Date, now = new Date()): Promise<number> {
    if (macs.length === 0) return 0;
    const r = await this.pool.query(
      `INSERT INTO enrolments (mac, opened_at, expires_at) SELECT m, $2, $3 FROM unnest($1::text[]) AS m ON CONFLICT (mac) DO NOTHING`,
      [macs, now.toISOString(), expiresAt.toISOString()],
    );
    return r.rowCount ?? 0;
  }

  async enrolment(mac: Mac): Promise<Enrolment | undefined> {
    const r = await this.pool.query(
      `SELECT mac, opened_at AS "openedAt", expires_at AS "expiresAt", closed_at AS "closedAt", pinned_source AS "pinnedSource"
       FROM enrolments WHERE mac = $1`,
      [mac],
    );
    return r.rows[0] ? defined<Enrolment>(r.rows[0]) : undefined;
  }

  async closeEnrolment(mac: Mac, pinnedSource: string | undefined, now = new Date()): Promise<void> {
    await this.pool.query('UPDATE enrolments SET closed_at = $1, pinned_source = COALESCE($2, pinned_source) WHERE mac = $3', [
      now.toISOString(),
      pinnedSource ?? null,
      mac,
    ]);
  }

  async credentials(mac: Mac): Promise<CredentialState> {
    const r = await this.pool.query('SELECT generation, previous_generation, sip_generation FROM credentials WHERE mac = $1', [mac]);
    return stateOf(r.rows[0]);
  }

  async rotateCredentials(mac: Mac, alsoSip: boolean): Promise<CredentialState> {
    // one statement: two replicas rotating at once each move the generation on, never to the same number
    const r = await this.pool.query(
      `INSERT INTO credentials (mac, generation, previous_generation, sip_generation) VALUES ($1, 1, 0, $2)
       ON CONFLICT (mac) DO UPDATE SET previous_generation = credentials.generation, generation = credentials.generation + 1,
         sip_generation = credentials.sip_generation + $2
       RETURNING generation, previous_generation, sip_generation`,
      [mac, alsoSip ? 1 : 0],
    );
    return stateOf(r.rows[0]);
  }

  async confirmCredentials(mac: Mac): Promise<void> {
    await this.pool.query('UPDATE credentials SET previous_generation = NULL WHERE mac = $1', [mac]);
  }

  async saveOverride(u: OverrideUpload): Promise<void> {
    await this.pool.query(
      'INSERT INTO overrides (ts, mac, file, body, weakened) VALUES ($1, $2, $3, $4, $5)',
      [u.ts, u.mac, u.file, u.body, JSON.stringify(u.weakened)].map(postgresText),
    );
    this.retention.pruneSoon();
  }

  async overrides(mac: Mac): Promise<OverrideUpload[]> {
    const r = await this.pool.query('SELECT ts, mac, file, body, weakened FROM overrides WHERE mac = $1 ORDER BY id DESC', [mac]);
    return r.rows.map((row: Omit<OverrideUpload, 'weakened'> & { weakened: string }) => ({
      ...row,
      weakened: JSON.parse(row.weakened) as string[],
    }));
  }

  /** Writes what is queued; ends the pool when it is this store's own. */
  async close(): Promise<void> {
    this.retention.stop();
    await this.history.close();
    if (this.ownsPool) await this.pool.end();
  }
}

function stateOf(row: { generation: number; previous_generation: number | null; sip_generation: number } | undefined): CredentialState {
  if (!row) return { generation: 0, sipGeneration: 0 };
  return {
    generation: row.generation,
    sipGeneration: row.sip_generation,
    ...(row.previous_generation === null ? {} : { previousGeneration: row.previous_generation }),
  };
}
