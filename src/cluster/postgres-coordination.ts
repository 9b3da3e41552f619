/**
 * The Coordination of replicas sharing one PostgreSQL database (no protocol of our own between machines):
 * - Digest replay: a verified (nonce, count) is claimed with one INSERT … ON CONFLICT DO UPDATE … WHERE the stored
 *   count is lower; the row lock makes concurrent claims from different replicas take turns, so exactly one wins.
 * - bans and abuse budgets: postgres-guard.ts (NOTIFY `gg_bans`, table `gg_bans`); rate buckets: postgres-rate.ts
 *   (table `gg_rate_buckets`, NOTIFY `gg_throttles`); the guessing-spread alert: postgres-spread.ts (`gg_spread`).
 * - schedule leader: postgres-leader.ts (advisory lock).
 * - one master key: src/store/postgres-key.ts (fingerprint check before anything is served).
 * - inventory version per replica: postgres-replicas.ts (heartbeat rows, one report per mismatch).
 */
import type pg from 'pg';
import type { AbuseGuard, AbuseLimits } from '../provisioning/abuse-guard.js';
import type { Coordination, CoordinationStatus, ReplicaInfo } from './coordination.js';
import { BAN_CHANNEL, PostgresGuardShare } from './postgres-guard.js';
import { THROTTLE_CHANNEL } from './postgres-rate.js';
import { PostgresLeader } from './postgres-leader.js';
import { PostgresListener } from './postgres-listener.js';
import { PostgresReplicas } from './postgres-replicas.js';
import { migratePostgres } from '../store/postgres-migrations.js';
import { checkMasterKey } from '../store/postgres-key.js';

/** claimed counts older than a nonce can live are deleted (nonces expire within minutes; a day is ample) */
const NONCE_RETENTION_HOURS = 24;
const PURGE_MS = 10 * 60_000;

export interface PostgresCoordinationOptions {
  pool: pg.Pool;
  /** close() also ends the pool */
  ownsPool?: boolean;
  masterKey: Buffer;
  limits: AbuseLimits;
  /** warnings (a lost connection, a failed write); the replica keeps serving */
  onError?: (message: string) => void;
  /** leadership changes (logged by serve) */
  onLeaderChange?: (leader: boolean) => void;
  leaderIntervalMs?: number;
  /** how often a replica refreshes its row in gg_replicas (default 5 s) */
  heartbeatMs?: number;
  now?: () => number;
}

export class PostgresCoordination implements Coordination {
  readonly scope = 'postgres' as const;
  private readonly listener: PostgresListener;
  private readonly leaderLock: PostgresLeader;
  private readonly replicaRows: PostgresReplicas;
  private guardShare?: PostgresGuardShare;
  private readonly purge: NodeJS.Timeout;
  private readonly onError: (message: string) => void;

  private constructor(private readonly options: PostgresCoordinationOptions) {
    this.onError = options.onError ?? (() => undefined);
    // an idle pooled connection the server closes (restart, failover) is an 'error' on the pool: reported, not a crash
    options.pool.on('error', (err) => this.onError(`PostgreSQL connection lost: ${err.message}`));
    this.listener = new PostgresListener(
      options.pool,
      [BAN_CHANNEL, THROTTLE_CHANNEL],
      (channel, payload) => {
        if (channel === BAN_CHANNEL) this.guardShare?.applyNotice(payload);
        else if (channel === THROTTLE_CHANNEL) this.guardShare?.applyThrottleNotice(payload);
      },
      // a ban notice may have been missed while disconnected: the standing bans are read again
      async () => {
        await this.guardShare?.loadStandingBans();
      },
      this.onError,
    );
    this.leaderLock = new PostgresLeader(options.pool, (leader) => options.onLeaderChange?.(leader), options.leaderIntervalMs);
    this.replicaRows = new PostgresReplicas(options.pool, this.onError, options.heartbeatMs);
    this.purge = setInterval(() => void this.purgeNonces(), PURGE_MS);
    this.purge.unref();
  }

  /** Brings the schema up to date (once, under the migration lock), refuses a different master key, then listens and tries to lead. */
  static async open(options: PostgresCoordinationOptions): Promise<PostgresCoordination> {
    await migratePostgres(options.pool);
    await checkMasterKey(options.pool, options.masterKey);
    const c = new PostgresCoordination(options);
    try {
      await c.listener.start();
      await c.leaderLock.start();
    } catch (err) {
      await c.close();
      throw err;
    }
    return c;
  }

  async claimNonce(nonce: string, count: number): Promise<boolean> {
    if (!Number.isSafeInteger(count) || count < 0 || nonce.length > 256) return false;
    try {
      const { rowCount } = await this.options.pool.query(
        `INSERT INTO gg_nonce_counts AS c (nonce, last_count) VALUES ($1, $2)
         ON CONFLICT (nonce) DO UPDATE SET last_count = EXCLUDED.last_count, at = now() WHERE c.last_count < EXCLUDED.last_count`,
        [nonce, count],
      );
      return rowCount === 1;
    } catch (err) {
      // no database, no proof the header is fresh: the caller refuses without counting it against the phone
      this.onError(`Digest nonce claim failed: ${(err as Error).message}`);
      throw err;
    }
  }

  shareGuard(guard: AbuseGuard, announce: (address: string) => void): () => void {
    const share = new PostgresGuardShare(this.options.pool, this.options.limits, guard, announce, this.onError, this.options.now);
    this.guardShare = share;
    void share.loadStandingBans().catch((err: Error) => this.onError(`standing bans not read: ${err.message}`));
    return () => {
      if (this.guardShare === share) this.guardShare = undefined;
      void share.stop();
    };
  }

  /** Writes the abuse counts pending now (tests; close() does it too). */
  async flushGuard(): Promise<void> {
    await this.guardShare?.flush();
  }

  isLeader(): boolean {
    return this.leaderLock.leader;
  }

  status(): CoordinationStatus {
    return { scope: this.scope, connected: this.listener.connected, leader: this.isLeader() };
  }

  publishInventory(version: string): void {
    this.replicaRows.publish(version);
  }

  replicas(): Promise<ReplicaInfo[]> {
    return this.replicaRows.list();
  }

  onInventoryMismatch(listener: (replicas: ReplicaInfo[]) => void): void {
    this.replicaRows.onMismatch(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.purge);
    await this.guardShare?.stop();
    await this.leaderLock.stop();
    await this.replicaRows.stop();
    await this.listener.stop();
    if (this.options.ownsPool) await this.options.pool.end();
  }

  private async purgeNonces(): Promise<void> {
    await this.options.pool
      .query(`DELETE FROM gg_nonce_counts WHERE at < now() - make_interval(hours => $1)`, [NONCE_RETENTION_HOURS])
      .catch((err: Error) => this.onError(`nonce purge failed: ${err.message}`));
  }
}
