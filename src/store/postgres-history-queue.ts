/**
 * The fetch history and events on their way to PostgreSQL, off the phone's request path: records queue in memory and
 * are written in batches (one transaction of multi-row INSERTs each), in the order they were queued. While the
 * database is away a batch that fails stays at the head of the queue and is retried every second; records arriving
 * meanwhile queue behind it up to a bound (`server.historyQueue`), and past it are dropped and counted. Each batch
 * carries an id recorded in the same transaction (`history_batches`), so a batch whose COMMIT went through but whose
 * answer was lost is recognised when retried and never written twice. A delivered file's record (`delivery`) is written
 * at once, with every record queued meanwhile (group commit), and its promise settles with that batch: the phone's file
 * leaves only once its row is committed, and a delivery that cannot be written is taken out again (the file is not
 * served, so it was never delivered).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { GhostguardError } from '../model/errors.js';
import { inTransaction, postgresText } from './postgres-pool.js';
import type { FetchRecord, HistoryQueueStatus, SecurityEvent } from './store.js';

const FLUSH_MS = 50;
const FLUSH_AT = 1000;
const RETRY_MS = 1000;
export const DEFAULT_HISTORY_QUEUE = 100_000;
/** batch ids are kept this long: far longer than any retry of the same batch */
const BATCH_ID_HOURS = 24;
const PURGE_MS = 10 * 60_000;

interface Waiter {
  record: FetchRecord;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Batch {
  id: string;
  fetches: FetchRecord[];
  events: SecurityEvent[];
  /** deliveries waiting for this batch's commit */
  waiters: Waiter[];
}

const size = (b: Batch) => b.fetches.length + b.events.length;

/**
 * An error the database being away explains (connection refused or lost, shutting down, starting up, too many
 * connections, a timeout): the batch is kept and retried. Anything else (a row the database refuses) would fail again
 * forever: that batch is dropped and counted.
 */
function transient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return /^(08|53|57|58|40)/.test(code);
}

export class PostgresHistoryQueue {
  private fetches: FetchRecord[] = [];
  private events: SecurityEvent[] = [];
  private waiters: Waiter[] = [];
  /** batches made and not yet written, oldest first */
  private readonly pending: Batch[] = [];
  private pendingRecords = 0;
  private timer?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private readonly purge: NodeJS.Timeout;
  private draining?: Promise<void>;
  private reachable = true;
  /** while unreachable, no attempt before this (the retry timer's) time: not one per queued record */
  private retryAt = 0;
  private dropped = 0;
  /** the last records lost (dropped at the bound or refused), for /api/status */
  lastError?: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (message: string) => void,
    private readonly limit = DEFAULT_HISTORY_QUEUE,
    /** after every batch written (the retention row caps); its failure loses no record */
    private readonly afterBatch: () => Promise<void> = async () => {},
  ) {
    this.purge = setInterval(() => void this.purgeBatchIds(), PURGE_MS);
    this.purge.unref();
  }

  fetch(f: FetchRecord): void {
    if (this.admit()) this.fetches.push(f);
  }

  event(e: SecurityEvent): void {
    if (this.admit()) this.events.push(e);
  }

  /** A delivered file's record: resolves once committed, rejects (and is not kept) when it could not be written. */
  delivery(f: FetchRecord): Promise<void> {
    if (!this.reachable && Date.now() < this.retryAt)
      return Promise.reject(new GhostguardError('GG_ERR_STORE', 'the state database is unreachable'));
    return new Promise<void>((resolve, reject) => {
      this.fetches.push(f);
      this.waiters.push({ record: f, resolve, reject });
      // written now, or right after the batch being written, together with whatever queued meanwhile
      if (this.draining) return;
      this.seal();
      void this.drain();
    });
  }

  status(): HistoryQueueStatus {
    return {
      backend: 'postgres',
      reachable: this.reachable,
      queued: this.pendingRecords + this.fetches.length + this.events.length,
      dropped: this.dropped,
      limit: this.limit,
    };
  }

  /**
   * Writes what is queued, after the batches before it; resolves when they are written or a write has failed (the
   * database away: they stay queued for the next attempt).
   */
  flush(): Promise<void> {
    this.seal();
    return this.drain();
  }

  async close(): Promise<void> {
    clearInterval(this.purge);
    clearTimeout(this.retry);
    await this.flush();
    const left = this.status().queued;
    if (left > 0) this.onError(`${left} history records not written at shutdown: the database is unreachable`);
  }

  private admit(): boolean {
    if (this.status().queued >= this.limit) {
      this.dropped++;
      this.lastError = `${this.dropped} history records dropped: more than server.historyQueue (${this.limit}) waiting for the database`;
      // reported once per power of ten, not once per record
      if (Number.isInteger(Math.log10(this.dropped))) this.onError(this.lastError);
      return false;
    }
    if (this.fetches.length + this.events.length + 1 >= FLUSH_AT) queueMicrotask(() => void this.flush());
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
    return true;
  }

  /** Turns what is queued into the next batch. */
  private seal(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fetches.length === 0 && this.events.length === 0) return;
    const batch = { id: randomUUID(), fetches: this.fetches, events: this.events, waiters: this.waiters };
    this.fetches = [];
    this.events = [];
    this.waiters = [];
    this.pending.push(batch);
    this.pendingRecords += size(batch);
  }

  private drain(): Promise<void> {
    if (!this.reachable && Date.now() < this.retryAt) return Promise.resolve();
    // one writer at a time: batches leave in order; a flush during a drain joins it, then drains again
    this.draining ??= this.writePending().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async writePending(): Promise<void> {
    for (;;) {
      // deliveries queued while a batch was written go out at once, with everything queued beside them
      if (this.waiters.length > 0) this.seal();
      const batch = this.pending[0];
      if (!batch) return;
      try {
        await this.write(batch);
        for (const w of batch.waiters) w.resolve();
        await this.afterBatch().catch((err: Error) => this.onError(`after a history batch: ${err.message}`));
      } catch (err) {
        this.withdrawDeliveries(batch, err as Error);
        if (transient(err)) {
          if (this.reachable) this.onError(`history writes held (database unreachable: ${(err as Error).message}); retrying every second`);
          this.reachable = false;
          this.retryAt = Date.now() + RETRY_MS;
          clearTimeout(this.retry);
          this.retry = setTimeout(() => {
            this.retryAt = 0;
            void this.flush();
          }, RETRY_MS);
          this.retry.unref();
          if (size(batch) === 0) this.pending.shift();
          return;
        }
        this.dropped += size(batch);
        this.lastError = `${size(batch)} history records not written: ${(err as Error).message}`;
        this.onError(this.lastError);
      }
      this.pending.shift();
      this.pendingRecords -= size(batch);
      if (!this.reachable) this.onError('database reachable again: queued history records written');
      this.reachable = true;
    }
  }

  /** The batch failed: its deliveries are refused and leave it (their files are not served, so never delivered). */
  private withdrawDeliveries(batch: Batch, err: Error): void {
    if (batch.waiters.length === 0) return;
    const delivered = new Set(batch.waiters.map((w) => w.record));
    for (const w of batch.waiters) w.reject(err);
    batch.waiters = [];
    const before = batch.fetches.length;
    batch.fetches = batch.fetches.filter((f) => !delivered.has(f));
    this.pendingRecords -= before - batch.fetches.length;
  }

  private async write(batch: Batch): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const first = await client.query('INSERT INTO history_batches (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [batch.id]);
      // committed by an earlier attempt whose answer was lost
      if (first.rowCount === 0) return;
      const { fetches, events } = batch;
      if (fetches.length > 0) {
        const cols = (f: FetchRecord) => [f.ts, f.mac, f.source, f.userAgent, f.file, f.sha256, f.auth, f.status];
        await client.query(
          `INSERT INTO fetches (ts, mac, source, user_agent, file, sha256, auth, status) VALUES ${placeholders(fetches.length, 8)}`,
          fetches.flatMap(cols).map(postgresText),
        );
        const versions = [
          ...new Map(fetches.filter((f) => f.auth !== 'none' && f.status === 200 && f.sha256 !== '').map((f) => [f.sha256, f])).values(),
        ];
        if (versions.length > 0)
          await client.query(
            `INSERT INTO fetch_versions (sha256, mac, file, ts, user_agent) VALUES ${placeholders(versions.length, 5)} ON CONFLICT (sha256) DO NOTHING`,
            versions.flatMap((f) => [f.sha256, f.mac, f.file, f.ts, f.userAgent]).map(postgresText),
          );
      }
      if (events.length > 0)
        await client.query(
          `INSERT INTO events (ts, reason, severity, source, mac, file, detail) VALUES ${placeholders(events.length, 7)}`,
          events
            .flatMap((e) => [e.ts, e.reason, e.severity, e.source ?? null, e.mac ?? null, e.file ?? null, e.detail ?? null])
            .map(postgresText),
        );
    });
  }

  private async purgeBatchIds(): Promise<void> {
    await this.pool
      .query('DELETE FROM history_batches WHERE written_at < now() - make_interval(hours => $1)', [BATCH_ID_HOURS])
      .catch(() => undefined);
  }
}

export function placeholders(rows: number, columns: number): string {
  return Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}`).join(', ')})`,
  ).join(', ');
}
