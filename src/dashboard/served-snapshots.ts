/**
 * What was last served, as text, for the device page's diff. The fetch history keeps only a sha256 of what each phone
 * got; this follows the file versions the history writer notes (fetch_versions: one row per distinct sha256 served,
 * a cursor over new rows, every SNAPSHOT_INTERVAL_MS) and re-renders each new device-file version once. Only when the
 * re-render hashes to exactly the served sha256 is the body kept — with the device's secrets masked —
 * so a stored snapshot is always the served file, never a guess. Table: dashboard_served, a few versions per file.
 */
import type Database from 'better-sqlite3';
import type { Mac } from '../model/mac.js';
import { renderLike, type RenderContext } from './provisioning-status.js';

const SCHEMA = `CREATE TABLE IF NOT EXISTS dashboard_served (
  sha256 TEXT PRIMARY KEY, mac TEXT NOT NULL, file TEXT NOT NULL, ts TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS dashboard_served_file ON dashboard_served (mac, file, ts);`;

/** new file versions read per tick; what the time budget leaves waits for the next */
const BATCH = 500;
const TICK_BUDGET_MS = 8;
export const SNAPSHOT_INTERVAL_MS = 250;
/** on start, look this far back in the history */
const BACKLOG = 2000;
/** versions kept per device file */
const KEEP = 10;

interface FetchRow {
  id: number;
  ts: string;
  mac: string;
  file: string;
  sha256: string;
  user_agent: string;
}

export interface Snapshot {
  sha256: string;
  mac: string;
  file: string;
  ts: string;
  body: string;
}

export class ServedSnapshots {
  private cursor: number | undefined;
  private timer?: NodeJS.Timeout;
  private readonly stmts;

  constructor(db: Database.Database, private readonly context: () => RenderContext, private readonly mask: (mac: Mac, body: string) => string) {
    db.exec(SCHEMA);
    this.stmts = {
      max: db.prepare('SELECT COALESCE(MAX(rowid), 0) AS id FROM fetch_versions'),
      rows: db.prepare(`SELECT rowid AS id, ts, mac, file, sha256, user_agent FROM fetch_versions WHERE rowid > ? ORDER BY rowid LIMIT ${BATCH}`),
      has: db.prepare('SELECT 1 FROM dashboard_served WHERE sha256 = ?'),
      put: db.prepare('INSERT OR REPLACE INTO dashboard_served (sha256, mac, file, ts, body) VALUES (?, ?, ?, ?, ?)'),
      prune: db.prepare(`DELETE FROM dashboard_served WHERE mac = ? AND file = ? AND sha256 NOT IN
                         (SELECT sha256 FROM dashboard_served WHERE mac = ? AND file = ? ORDER BY ts DESC LIMIT ${KEEP})`),
      get: db.prepare('SELECT sha256, mac, file, ts, body FROM dashboard_served WHERE sha256 = ?'),
    };
  }

  start(intervalMs = SNAPSHOT_INTERVAL_MS): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Processes new file versions for at most `budgetMs` (it runs on the thread that answers phones: a boot storm's
   * first minutes bring thousands of new versions, and no phone may wait behind them); returns how many were stored.
   */
  tick(budgetMs = TICK_BUDGET_MS): number {
    let stored = 0;
    const deadline = performance.now() + budgetMs;
    try {
      if (this.cursor === undefined) this.cursor = Math.max(0, (this.stmts.max.get() as { id: number }).id - BACKLOG);
      const rows = this.stmts.rows.all(this.cursor) as FetchRow[];
      const ctx = rows.length ? this.context() : undefined;
      for (const r of rows) {
        if (performance.now() > deadline) break;
        this.cursor = r.id;
        if (this.stmts.has.get(r.sha256)) continue;
        const now = renderLike(ctx!, r.mac as Mac, r.file, r.user_agent);
        // shared files carry no device secrets and are not diffed per device
        if (!now?.file.secret || now.served.sha256 !== r.sha256) continue;
        this.stmts.put.run(r.sha256, r.mac, r.file, r.ts, this.mask(r.mac as Mac, now.served.body.toString('utf8')));
        this.stmts.prune.run(r.mac, r.file, r.mac, r.file);
        stored++;
      }
    } catch {
      // the state database is busy or closing: try again next tick
    }
    return stored;
  }

  get(sha256: string): Snapshot | undefined {
    return this.stmts.get.get(sha256) as Snapshot | undefined;
  }
}
