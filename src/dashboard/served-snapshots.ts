/**
 * What was last served, as text, for the device page's diff. The fetch history keeps only a sha256 of what each phone
 * got; this follows the file versions the history writer notes (fetch_versions: one row per distinct sha256 served,
 * a cursor over new rows, every SNAPSHOT_INTERVAL_MS) and re-renders each new device-file version once. Only when the
 * re-render hashes to exactly the served sha256 is the body kept — with the device's secrets masked —
 * so a stored snapshot is always the served file, never a guess. Table: dashboard_served, a few versions per file.
 */
import { performance } from 'node:perf_hooks';
import type { CredentialGenerations } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import type { Snapshot, SnapshotStore } from '../store/store.js';
import { renderLike, type RenderContext } from './provisioning-status.js';

/**
 * new file versions read at a time, more while the tick's budget lasts; what it leaves waits for the next. Small: a storm's
 * backlog is re-read from where the budget stopped every tick, and a tick gets through only a few re-renders.
 */
const BATCH = 16;
const TICK_BUDGET_MS = 8;
export const SNAPSHOT_INTERVAL_MS = 250;
/**
 * The share of the last interval the thread spent working above which a tick is skipped, and how many may be skipped
 * in a row: during a storm one tick in eight runs (8 ms every 2 s instead of every 250 ms).
 */
const BUSY_UTILIZATION = 0.5;
const MAX_SKIPPED = 7;
/** on start, look this far back in the history */
const BACKLOG = 2000;
/** versions kept per device file */
const KEEP = 10;

export class ServedSnapshots {
  private cursor: number | undefined;
  private timer?: NodeJS.Timeout;
  /** a tick still waiting on the store: the next one is skipped rather than run beside it */
  private ticking?: Promise<number>;

  constructor(
    private readonly store: SnapshotStore,
    private readonly context: () => RenderContext,
    private readonly mask: (mac: Mac, generations: CredentialGenerations, body: string) => string,
  ) {}

  start(intervalMs = SNAPSHOT_INTERVAL_MS): void {
    if (this.timer) return;
    void this.tick();
    let utilization = performance.eventLoopUtilization();
    let skipped = 0;
    this.timer = setInterval(() => {
      // snapshots serve the dashboard's diff, phones come first: while the thread is busy answering them (a boot storm,
      // which also brings the most new versions) a tick waits, though never more than MAX_SKIPPED in a row
      const now = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(now, utilization).utilization > BUSY_UTILIZATION;
      utilization = now;
      if (busy && skipped < MAX_SKIPPED) {
        skipped++;
        return;
      }
      skipped = 0;
      void this.tick();
    }, intervalMs);
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
  tick(budgetMs = TICK_BUDGET_MS): Promise<number> {
    this.ticking ??= this.process(budgetMs).finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async process(budgetMs: number): Promise<number> {
    let stored = 0;
    const deadline = performance.now() + budgetMs;
    try {
      if (this.cursor === undefined) this.cursor = Math.max(0, (await this.store.latestVersion()) - BACKLOG);
      let ctx: RenderContext | undefined;
      for (let full = true; full && performance.now() <= deadline; ) {
        const rows = await this.store.versionsAfter(this.cursor, BATCH);
        full = rows.length === BATCH;
        for (const r of rows) {
          if (performance.now() > deadline) break;
          this.cursor = r.id;
          if (await this.store.has(r.sha256)) continue;
          ctx ??= this.context();
          const now = await renderLike(ctx, r.mac as Mac, r.file, r.userAgent);
          // shared files carry no device secrets and are not diffed per device
          if (!now?.file.secret || !now.generations || now.served.sha256 !== r.sha256) continue;
          const body = this.mask(r.mac as Mac, now.generations, now.served.body.toString('utf8'));
          await this.store.put({ sha256: r.sha256, mac: r.mac, file: r.file, ts: r.ts, body }, KEEP);
          stored++;
        }
      }
    } catch {
      // the state database is busy or closing: try again next tick
    }
    return stored;
  }

  get(sha256: string): Promise<Snapshot | undefined> {
    return this.store.get(sha256);
  }
}
