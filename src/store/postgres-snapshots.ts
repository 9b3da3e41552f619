/** Served file versions and the dashboard's snapshots in PostgreSQL (fetch_versions is written with the history). */
import type pg from 'pg';
import type { ServedVersion, Snapshot, SnapshotStore } from './store.js';

export class PostgresSnapshots implements SnapshotStore {
  constructor(private readonly pool: pg.Pool) {}

  async latestVersion(): Promise<number> {
    return Number((await this.pool.query('SELECT COALESCE(MAX(id), 0) AS v FROM fetch_versions')).rows[0].v);
  }

  async versionsAfter(cursor: number, limit: number): Promise<ServedVersion[]> {
    const r = await this.pool.query(
      'SELECT id, ts, mac, file, sha256, user_agent AS "userAgent" FROM fetch_versions WHERE id > $1 ORDER BY id LIMIT $2',
      [cursor, limit],
    );
    return r.rows.map((row: ServedVersion & { id: string }) => ({ ...row, id: Number(row.id) }));
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM dashboard_served WHERE sha256 = $1', [sha256])).rowCount! > 0;
  }

  async put(s: Snapshot, keep: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO dashboard_served (sha256, mac, file, ts, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (sha256) DO UPDATE SET mac = excluded.mac, file = excluded.file, ts = excluded.ts, body = excluded.body`,
      [s.sha256, s.mac, s.file, s.ts, s.body],
    );
    await this.pool.query(
      `DELETE FROM dashboard_served WHERE mac = $1 AND file = $2 AND sha256 NOT IN
         (SELECT sha256 FROM dashboard_served WHERE mac = $1 AND file = $2 ORDER BY ts DESC LIMIT $3)`,
      [s.mac, s.file, keep],
    );
  }

  async get(sha256: string): Promise<Snapshot | undefined> {
    const r = await this.pool.query('SELECT sha256, mac, file, ts, body FROM dashboard_served WHERE sha256 = $1', [sha256]);
    return (r.rows[0] as Snapshot | undefined) ?? undefined;
  }
}
