/**
 * Which replicas are alive and which inventory each serves: every replica upserts its row in `gg_replicas` every
 * 5 s; a row not refreshed for 20 s is a replica gone. Replicas serving different versions of the configuration (one
 * not yet updated from git, or a different file) are reported once per different set, so the operator gets one event.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import type { ReplicaInfo } from './coordination.js';

const HEARTBEAT_MS = 5000;
const ALIVE_SECONDS = 20;

export class PostgresReplicas {
  readonly id = `${hostname()}:${process.pid}`;
  private version = '';
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: ((replicas: ReplicaInfo[]) => void)[] = [];
  private reported = '';

  constructor(
    private readonly pool: pg.Pool,
    private readonly onError: (message: string) => void,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    this.timer = setInterval(() => void this.beat(), heartbeatMs);
    this.timer.unref();
  }

  publish(version: string): void {
    this.version = version;
    void this.beat();
  }

  onMismatch(listener: (replicas: ReplicaInfo[]) => void): void {
    this.listeners.push(listener);
  }

  async list(): Promise<ReplicaInfo[]> {
    const { rows } = await this.pool.query<{ id: string; inventory_version: string; seen_at: Date }>(
      'SELECT id, inventory_version, seen_at FROM gg_replicas WHERE seen_at > now() - make_interval(secs => $1) ORDER BY id',
      [ALIVE_SECONDS],
    );
    return rows.map((r) => ({ id: r.id, inventoryVersion: r.inventory_version, seenAt: r.seen_at.toISOString(), self: r.id === this.id }));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pool.query('DELETE FROM gg_replicas WHERE id = $1', [this.id]).catch(() => undefined);
  }

  /** Refreshes this replica's row, then compares the versions of the replicas alive. */
  async beat(): Promise<void> {
    if (!this.version) return;
    try {
      await this.pool.query(
        `INSERT INTO gg_replicas (id, inventory_version, seen_at) VALUES ($1, $2, now())
         ON CONFLICT (id) DO UPDATE SET inventory_version = EXCLUDED.inventory_version, seen_at = now()`,
        [this.id, this.version],
      );
      const alive = await this.list();
      const versions = [...new Set(alive.map((r) => r.inventoryVersion))].sort();
      const set = versions.join(' ');
      if (versions.length > 1 && set !== this.reported) for (const l of this.listeners) l(alive);
      this.reported = versions.length > 1 ? set : '';
    } catch (err) {
      this.onError(`replica heartbeat failed: ${(err as Error).message}`);
    }
  }
}
