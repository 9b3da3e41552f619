/**
 * The retention caps of `server.retention` (retention.ts) on PostgreSQL, enforced as the SQLite writer thread does:
 * the row caps after every history batch, the age and override caps every minute and within a second of an upload —
 * never on a phone's request path. Every replica prunes; the deletes are idempotent, so replicas pruning together
 * delete each row once. Deletes go in chunks, so a large backlog (a copied installation, a lowered cap) never holds
 * one statement past its timeout.
 */
import type pg from 'pg';
import { DEFAULT_RETENTION, type Retention } from './retention.js';

const DAY_MS = 86_400_000;
const CHUNK = 5000;
const PRUNE_EVERY_MS = 60_000;
const PRUNE_SOON_MS = 1000;

export class PostgresRetention {
  private readonly every: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly caps: Retention = DEFAULT_RETENTION,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.every = setInterval(() => void this.prune().catch((err: Error) => this.report(err)), PRUNE_EVERY_MS);
    this.every.unref();
  }

  /** The row caps: the newest `fetchRows` fetches and `eventRows` events are kept (by id, which follows time). */
  async capRows(): Promise<void> {
    await this.inChunks(
      `DELETE FROM fetches WHERE id IN
      (SELECT id FROM fetches WHERE id <= (SELECT max(id) FROM fetches) - $2 ORDER BY id LIMIT $1)`,
      [this.caps.fetchRows],
    );
    await this.inChunks(
      `DELETE FROM events WHERE id IN
      (SELECT id FROM events WHERE id <= (SELECT max(id) FROM events) - $2 ORDER BY id LIMIT $1)`,
      [this.caps.eventRows],
    );
  }

  /** The age caps and the override caps. */
  async prune(): Promise<void> {
    const before = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
    // the oldest rows by id, those among them older than the cutoff: stops at the first chunk with none (ts has no index)
    await this.inChunks('DELETE FROM fetches WHERE id IN (SELECT id FROM fetches ORDER BY id LIMIT $1) AND ts < $2', [
      before(this.caps.fetchDays),
    ]);
    await this.inChunks('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT $1) AND ts < $2', [
      before(this.caps.eventDays),
    ]);
    await this.pool.query('DELETE FROM overrides WHERE ts < $1', [before(this.caps.overrideDays)]);
    await this.pool.query(
      `DELETE FROM overrides WHERE id IN
         (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY mac ORDER BY id DESC) AS n FROM overrides) o WHERE n > $1)`,
      [this.caps.overridesPerDevice],
    );
    // the newest body that takes the total over the budget, and every older one
    await this.pool.query(
      `DELETE FROM overrides WHERE id <= (SELECT max(id) FROM
         (SELECT id, sum(octet_length(body)) OVER (ORDER BY id DESC) AS total FROM overrides) o WHERE total > $1)`,
      [this.caps.overrideMb * 1024 * 1024],
    );
  }

  /** An upload was stored: the override caps hold within a second, however many arrive meanwhile. */
  pruneSoon(): void {
    this.soon ??= setTimeout(() => {
      this.soon = undefined;
      void this.prune().catch((err: Error) => this.report(err));
    }, PRUNE_SOON_MS).unref();
  }

  stop(): void {
    clearInterval(this.every);
    clearTimeout(this.soon);
  }

  /** Runs a DELETE … LIMIT $1 until a run deletes less than a chunk. */
  private async inChunks(sql: string, params: unknown[]): Promise<void> {
    for (;;) {
      const { rowCount } = await this.pool.query(sql, [CHUNK, ...params]);
      if ((rowCount ?? 0) < CHUNK) return;
    }
  }

  private report(err: Error): void {
    this.onError(`retention caps not applied: ${err.message}`);
  }
}
