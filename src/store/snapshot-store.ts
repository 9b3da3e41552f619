/**
 * Served file versions (fetch_versions, written behind by the history writer: a version shows once its batch is
 * committed — the snapshot follower must not wait on the writer) and the dashboard's stored snapshots (dashboard_served).
 */
import type Database from 'better-sqlite3';
import type { ServedVersion, Snapshot, SnapshotStore } from './store.js';

export class SqliteSnapshots implements SnapshotStore {
  private readonly stmts;
  /** the snapshot and the pruning of older ones in one commit: the state database syncs every commit (synchronous = FULL) */
  private readonly putPruned: (s: Snapshot, keep: number) => void;

  constructor(db: Database.Database) {
    this.stmts = {
      max: db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM fetch_versions').pluck(),
      rows: db.prepare(
        'SELECT rowid AS id, ts, mac, file, sha256, user_agent AS userAgent FROM fetch_versions WHERE rowid > ? ORDER BY rowid LIMIT ?',
      ),
      has: db.prepare('SELECT 1 FROM dashboard_served WHERE sha256 = ?'),
      put: db.prepare('INSERT OR REPLACE INTO dashboard_served (sha256, mac, file, ts, body) VALUES (?, ?, ?, ?, ?)'),
      prune: db.prepare(`DELETE FROM dashboard_served WHERE mac = ? AND file = ? AND sha256 NOT IN
                         (SELECT sha256 FROM dashboard_served WHERE mac = ? AND file = ? ORDER BY ts DESC LIMIT ?)`),
      get: db.prepare('SELECT sha256, mac, file, ts, body FROM dashboard_served WHERE sha256 = ?'),
    };
    this.putPruned = db.transaction((s: Snapshot, keep: number) => {
      this.stmts.put.run(s.sha256, s.mac, s.file, s.ts, s.body);
      this.stmts.prune.run(s.mac, s.file, s.mac, s.file, keep);
    });
  }

  async latestVersion(): Promise<number> {
    return this.stmts.max.get() as number;
  }

  async versionsAfter(cursor: number, limit: number): Promise<ServedVersion[]> {
    return this.stmts.rows.all(cursor, limit) as ServedVersion[];
  }

  async has(sha256: string): Promise<boolean> {
    return this.stmts.has.get(sha256) !== undefined;
  }

  async put(s: Snapshot, keep: number): Promise<void> {
    this.putPruned(s, keep);
  }

  async get(sha256: string): Promise<Snapshot | undefined> {
    return this.stmts.get.get(sha256) as Snapshot | undefined;
  }
}
