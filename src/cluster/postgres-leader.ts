/**
 * Leader election for scheduled audits: the replica holding a session-level advisory lock is the leader. The lock
 * lives as long as the connection that took it, so a replica that dies (or loses the database) frees it at once on
 * the server's side; the others try to take it every `intervalMs` and one of them becomes the leader.
 */
import type pg from 'pg';

/** pg_try_advisory_lock key for the schedule leader ("gg-sched" in ASCII) */
const LEADER_LOCK = 0x67672d7363686564n;

export class PostgresLeader {
  private client?: pg.PoolClient;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private busy = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onChange: (leader: boolean) => void,
    private readonly intervalMs = 2000,
  ) {}

  get leader(): boolean {
    return this.client !== undefined;
  }

  /** Tries once now, then every interval (and checks a held lock's connection is alive). */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.drop();
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      if (this.client) await this.client.query('SELECT 1');
      else await this.tryTake();
    } catch {
      this.drop();
    } finally {
      this.busy = false;
    }
  }

  private async tryTake(): Promise<void> {
    const client = await this.pool.connect();
    let held = false;
    try {
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LEADER_LOCK.toString()]);
      held = rows[0]?.ok === true;
    } finally {
      if (!held || this.stopped) client.release(held);
    }
    if (!held || this.stopped) return;
    client.on('error', () => this.drop());
    this.client = client;
    this.onChange(true);
  }

  /** Gives up leadership; the connection is destroyed (not pooled), which releases the lock on the server. */
  private drop(): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.release(true);
    this.onChange(false);
  }
}
