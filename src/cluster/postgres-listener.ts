/**
 * One connection held for LISTEN, reconnected when it drops. Notifications sent while it was down are lost, so
 * `onConnect` runs at every (re)connect: the owner re-reads what the notifications would have told it.
 */
import type pg from 'pg';

const RETRY_MS = 1000;

export class PostgresListener {
  private client?: pg.PoolClient;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channels: readonly string[],
    private readonly onNotify: (channel: string, payload: string | undefined) => void,
    private readonly onConnect: () => Promise<void>,
    private readonly onError: (message: string) => void,
  ) {}

  /** Resolves once listening (rejects when the first connection fails: the replica should not start blind). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** true while the LISTEN connection is up */
  get connected(): boolean {
    return this.client !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    client?.release();
  }

  private async connect(): Promise<void> {
    const client = await this.pool.connect();
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      client.release(err ?? true);
      if (this.stopped) return;
      this.onError(`lost the PostgreSQL notification connection${err ? `: ${err.message}` : ''}; reconnecting`);
      this.scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => this.onNotify(n.channel, n.payload));
    try {
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
    this.client = client;
    await this.onConnect();
  }

  private scheduleReconnect(): void {
    this.retry = setTimeout(() => {
      this.connect().catch((err: Error) => {
        this.onError(`PostgreSQL notification connection: ${err.message}; retrying`);
        if (!this.stopped) this.scheduleReconnect();
      });
    }, RETRY_MS);
    this.retry.unref();
  }
}
