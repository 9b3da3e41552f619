/** Dashboard sessions in PostgreSQL: a login made on one replica is valid on every other; a logout ends it on all. */
import type pg from 'pg';
import type { SessionLimits, SessionRecords, StoredSession } from './store.js';
import { inTransaction } from './postgres-pool.js';

export class PostgresSessions implements SessionRecords {
  constructor(private readonly pool: pg.Pool) {}

  async create(tokenSha256: string, user: string, at: number, limits: SessionLimits): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM dashboard_sessions WHERE last_seen < $1 OR created_at < $2', [
        at - limits.idleMs,
        at - limits.maxAgeMs,
      ]);
      await client.query(
        `INSERT INTO dashboard_sessions (token_sha256, "user", created_at, last_seen) VALUES ($1, $2, $3, $3)
         ON CONFLICT (token_sha256) DO UPDATE SET "user" = excluded."user", created_at = excluded.created_at, last_seen = excluded.last_seen`,
        [tokenSha256, user, at],
      );
      await client.query(
        `DELETE FROM dashboard_sessions WHERE token_sha256 NOT IN
           (SELECT token_sha256 FROM dashboard_sessions ORDER BY created_at DESC, id DESC LIMIT $1)`,
        [limits.max],
      );
    });
  }

  async touch(tokenSha256: string, at: number, limits: SessionLimits): Promise<StoredSession | undefined> {
    const r = await this.pool.query<{ user: string; created_at: string; last_seen: string }>(
      `UPDATE dashboard_sessions SET last_seen = $2 WHERE token_sha256 = $1 AND last_seen >= $3 AND created_at >= $4
       RETURNING "user", created_at, last_seen`,
      [tokenSha256, at, at - limits.idleMs, at - limits.maxAgeMs],
    );
    const row = r.rows[0];
    if (!row) {
      await this.destroy(tokenSha256);
      return undefined;
    }
    return { user: row.user, createdAt: Number(row.created_at), lastSeen: Number(row.last_seen) };
  }

  async destroy(tokenSha256: string): Promise<void> {
    await this.pool.query('DELETE FROM dashboard_sessions WHERE token_sha256 = $1', [tokenSha256]);
  }
}
