/** Dashboard sessions in the SQLite state file, shared by the processes of one `serve --workers` (and its restarts). */
import type Database from 'better-sqlite3';
import type { SessionLimits, SessionRecords, StoredSession } from './store.js';

export class SqliteSessions implements SessionRecords {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.stmts = {
      insert: p('INSERT OR REPLACE INTO dashboard_sessions (token_sha256, user, created_at, last_seen) VALUES (?, ?, ?, ?)'),
      expire: p('DELETE FROM dashboard_sessions WHERE last_seen < ? OR created_at < ?'),
      keep: p(`DELETE FROM dashboard_sessions WHERE token_sha256 NOT IN
               (SELECT token_sha256 FROM dashboard_sessions ORDER BY created_at DESC, rowid DESC LIMIT ?)`),
      touch: p(`UPDATE dashboard_sessions SET last_seen = @at WHERE token_sha256 = @hash AND last_seen >= @idle AND created_at >= @old
                RETURNING user, created_at AS createdAt, last_seen AS lastSeen`),
      remove: p('DELETE FROM dashboard_sessions WHERE token_sha256 = ?'),
    };
  }

  async create(tokenSha256: string, user: string, at: number, limits: SessionLimits): Promise<void> {
    this.db.transaction(() => {
      this.stmts.expire.run(at - limits.idleMs, at - limits.maxAgeMs);
      this.stmts.insert.run(tokenSha256, user, at, at);
      this.stmts.keep.run(limits.max);
    })();
  }

  async touch(tokenSha256: string, at: number, limits: SessionLimits): Promise<StoredSession | undefined> {
    const row = this.stmts.touch.get({ at, hash: tokenSha256, idle: at - limits.idleMs, old: at - limits.maxAgeMs }) as
      | StoredSession
      | undefined;
    if (!row) this.stmts.remove.run(tokenSha256);
    return row;
  }

  async destroy(tokenSha256: string): Promise<void> {
    this.stmts.remove.run(tokenSha256);
  }
}
