/**
 * What was last served, as text, for the device page's diff. The fetch history keeps only a sha256 of what each phone
 * got; this follows the file versions the history writer notes (fetch_versions: one row per distinct sha256 served,
 * a cursor over new rows, every SNAPSHOT_INTERVAL_MS) and re-renders each new device-file version once. Only when the
 * re-render hashes to exactly the served sha256 is the body kept — with the device's secrets masked —
 * so a stored snapshot is always the served file, never a guess. Table: dashboard_served, a few versions per file.
 */
import type { Mac } from '../model/mac.js';
import type { Snapshot, SnapshotStore } from '../store/store.js';
import { renderLike, type RenderContext } from './provisioning-status.js';

/** new file versions read per tick; what the time budget leaves waits for the next */
const BATCH = 500;
const TICK_BUDGET_MS = 8;
export const SNAPSHOT_INTERVAL_MS = 250;
/** on start, look this far back in the history */
const BACKLOG = 2000;
/** versions kept per device file */
const KEEP = 10;

export class ServedSnapshots {
  private cursor: number | undefined;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: SnapshotStore,
    private readonly context: () => RenderContext,
    private readonly mask: (mac: Mac, body: string) => string,
  ) {}

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
      if (this.cursor === undefined) this.cursor = Math.max(0, this.store.latestVersion() - BACKLOG);
      const rows = this.store.versionsAfter(this.cursor, BATCH);
      const ctx = rows.length ? this.context() : undefined;
      for (const r of rows) {
        if (performance.now() > deadline) break;
        this.cursor = r.id;
        if (this.store.has(r.sha256)) continue;
        const now = renderLike(ctx!, r.mac as Mac, r.file, r.userAgent);
        // shared files carry no device secrets and are not diffed per device
        if (!now?.file.secret || now.served.sha256 !== r.sha256) continue;
        this.store.put(
          { sha256: r.sha256, mac: r.mac, file: r.file, ts: r.ts, body: this.mask(r.mac as Mac, now.served.body.toString('utf8')) },
          KEEP,
        );
        stored++;
      }
    } catch {
      // the state database is busy or closing: try again next tick
    }
    return stored;
  }

  get(sha256: string): Snapshot | undefined {
    return this.store.get(sha256);
  }
}
