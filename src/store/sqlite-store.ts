/** The embedded default state store: one SQLite file in the data directory (WAL, prepared statements). */
import type Database from 'better-sqlite3';
import type { Mac } from '../model/mac.js';
import { AuditStore } from './audit-store.js';
import { HistoryWriter } from './history-writer.js';
import type { Retention } from './retention.js';
import { SqliteScheduleRuns } from './schedule-run-store.js';
import { SqliteSessions } from './sqlite-sessions.js';
import { SqliteSnapshots } from './snapshot-store.js';
import { StateIndex } from './state-index.js';
import { openStateDatabase } from './sqlite-open.js';
import type {
  CredentialState,
  Enrolment,
  EnrolmentFreshness,
  FetchRecord,
  HistoryQueueStatus,
  OverrideUpload,
  SecurityEvent,
  SecurityReason,
  Store,
} from './store.js';

/** Credentials and enrolments are read from memory; another process's change (e.g. `ghostguard rotate`) is noticed within this. */
const EXTERNAL_CHECK_MS = 200;

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly stmts;
  /** fetch and event records: written behind, on a thread of their own, one transaction per batch */
  private readonly history: HistoryWriter;
  /** every enrolment and credential row, in memory */
  private readonly index: StateIndex;
  /** enrolments closed by this process whose commit is still under way: they read as closed meanwhile */
  private readonly closing = new Map<string, Enrolment>();
  private stateVersion = -1;
  private checkedAt = 0;
  readonly auditRuns: AuditStore;
  readonly scheduleRuns: SqliteScheduleRuns;
  readonly snapshots: SqliteSnapshots;
  readonly sessions: SqliteSessions;

  constructor(
    readonly file: string,
    onWriteError?: (message: string) => void,
    retention?: Retention,
  ) {
    this.db = openStateDatabase(file);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      stateVersion: p('SELECT v FROM state_version WHERE id = 1').pluck(),
      // authenticated deliveries only: a database written before unauthenticated claims stopped being history may hold some
      history: p(`SELECT ts, mac, source, user_agent AS userAgent, file, sha256, auth, status FROM fetches WHERE mac = ? AND auth != 'none'
                  ORDER BY id DESC LIMIT ?`),
      bySource: p(`SELECT f.ts, f.mac, f.source, f.user_agent AS userAgent, f.file, f.sha256, f.auth, f.status FROM fetch_sources s
                   JOIN fetches f ON f.mac = s.mac AND f.source = s.source WHERE s.source = ? AND f.auth != 'none' ORDER BY f.id DESC LIMIT 1`),
      events: p(`SELECT ts, reason, severity, source, mac, file, detail FROM events
                 WHERE (@reason IS NULL OR reason = @reason) AND (@mac IS NULL OR mac = @mac) ORDER BY id DESC LIMIT @limit`),
      openEnrol: p(`INSERT INTO enrolments (mac, opened_at, expires_at) VALUES (?, ?, ?)
                    ON CONFLICT(mac) DO UPDATE SET opened_at = excluded.opened_at, expires_at = excluded.expires_at, closed_at = NULL, pinned_source = NULL`),
      upsertCreds:
        p(`INSERT INTO credentials (mac, generation, previous_generation, sip_generation) VALUES (@mac, @generation, @previousGeneration, @sipGeneration)
                      ON CONFLICT(mac) DO UPDATE SET generation = excluded.generation, previous_generation = excluded.previous_generation, sip_generation = excluded.sip_generation`),
      confirm: p('UPDATE credentials SET previous_generation = NULL WHERE mac = ?'),
      insertOverride: p('INSERT INTO overrides (ts, mac, file, body, weakened) VALUES (?, ?, ?, ?, ?)'),
      overrides: p('SELECT ts, mac, file, body, weakened FROM overrides WHERE mac = ? ORDER BY id DESC'),
    };
    this.index = new StateIndex(this.db);
    this.loadIndex();
    this.history = new HistoryWriter(file, onWriteError, retention, (changes) => this.ownChange(changes));
    this.auditRuns = new AuditStore(this.db);
    this.scheduleRuns = new SqliteScheduleRuns(this.db);
    this.snapshots = new SqliteSnapshots(this.db);
    this.sessions = new SqliteSessions(this.db);
  }

  /** The counter and every row from one snapshot of the database. */
  private loadIndex(): void {
    this.db.transaction(() => {
      this.stateVersion = this.stmts.stateVersion.get() as number;
      this.index.load();
    })();
  }

  /** Loads the rows again when credentials or enrolments changed elsewhere since the last look. */
  private syncExternal(): void {
    const now = Date.now();
    if (now - this.checkedAt < EXTERNAL_CHECK_MS) return;
    this.checkedAt = now;
    if (this.stmts.stateVersion.get() !== this.stateVersion) this.loadIndex();
  }

  /** After this process changed `changes` rows itself (and updated its caches), the counter moved by exactly that much. */
  private ownChange(changes: number): void {
    if (this.stateVersion >= 0 && this.stmts.stateVersion.get() === this.stateVersion + changes) this.stateVersion += changes;
  }

  /** Waits until everything queued is committed; reads call it first so callers always see their own writes. */
  async flush(): Promise<void> {
    await this.history.flush();
  }

  /** Enforces the retention caps now (they also hold on their own: row caps per batch, the rest every minute). */
  async prune(): Promise<void> {
    this.history.prune();
    await this.history.flush();
  }

  /** the last error the history writer reported, if any (disk full, a lock held past the timeout) */
  queueStatus(): HistoryQueueStatus {
    return { backend: 'sqlite', reachable: true, queued: this.history.waiting, dropped: this.history.dropped };
  }

  get historyWriteError(): string | undefined {
    return this.history.lastError;
  }

  async recordFetch(fetch: FetchRecord): Promise<void> {
    this.history.fetch(fetch);
  }

  async fetchHistory(mac: Mac, limit = 50): Promise<FetchRecord[]> {
    await this.flush();
    return this.stmts.history.all(mac, limit) as FetchRecord[];
  }

  async lastFetchBySource(source: string): Promise<FetchRecord | undefined> {
    await this.flush();
    return this.stmts.bySource.get(source) as FetchRecord | undefined;
  }

  async recordEvent(event: SecurityEvent): Promise<void> {
    this.history.event(event);
  }

  async events(filter: { reason?: SecurityReason; mac?: string; limit?: number } = {}): Promise<SecurityEvent[]> {
    await this.flush();
    const rows = this.stmts.events.all({ reason: filter.reason ?? null, mac: filter.mac ?? null, limit: filter.limit ?? 1000 }) as Record<
      string,
      unknown
    >[];
    return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null))) as unknown as SecurityEvent[];
  }

  async openEnrolment(mac: Mac, expiresAt: Date, now = new Date()): Promise<void> {
    // a close still being committed would land after this and shut the new window
    await this.history.closesSettled();
    this.ownChange(this.stmts.openEnrol.run(mac, now.toISOString(), expiresAt.toISOString()).changes);
    this.index.rereadEnrolment(mac);
  }

  async openMissingEnrolments(macs: readonly Mac[], expiresAt: Date, now = new Date()): Promise<number> {
    const known = new Set(this.db.prepare('SELECT mac FROM enrolments').pluck().all() as string[]);
    const missing = macs.filter((m) => !known.has(m));
    const [openedAt, expires] = [now.toISOString(), expiresAt.toISOString()];
    const changes = this.db.transaction(() =>
      missing.reduce((n, mac) => n + this.stmts.openEnrol.run(mac, openedAt, expires).changes, 0),
    )();
    this.ownChange(changes);
    this.index.addEnrolments(missing, openedAt, expires);
    return missing.length;
  }

  async enrolment(mac: Mac, freshness: EnrolmentFreshness = 'exact'): Promise<Enrolment | undefined> {
    return this.enrolmentNow(mac, freshness);
  }

  private enrolmentNow(mac: Mac, freshness: EnrolmentFreshness = 'exact'): Enrolment | undefined {
    this.syncExternal();
    const closing = this.closing.get(mac);
    if (closing) return closing;
    const seen = this.index.enrolment(mac);
    if (!seen || seen.closedAt || freshness === 'recent' || seen.expiresAt <= new Date().toISOString()) return seen;
    // A window seen open may have been closed by another process (a `serve --workers` sibling) since the last look at
    // the change counter: that one row is read again, so a second claimant is never served from a stale view. Only
    // devices inside their window pay for it, once each until it closes.
    this.index.rereadEnrolment(mac);
    return this.index.enrolment(mac);
  }

  /**
   * Committed on the writer thread (synchronous = FULL, shared with closes arriving meanwhile); resolves once on disk.
   * This process sees the window closed at once, so a second claimant cannot slip in while the commit runs; if the
   * commit fails, that view is dropped and the promise rejects (the caller serves nothing).
   */
  async closeEnrolment(mac: Mac, pinnedSource: string | undefined, now = new Date()): Promise<void> {
    const closedAt = now.toISOString();
    // no await before the view is in place: a request handled meanwhile must already see the window closed
    const open = this.enrolmentNow(mac);
    const view = open && { ...open, closedAt, ...(pinnedSource === undefined ? {} : { pinnedSource }) };
    if (view) this.closing.set(mac, view);
    try {
      await this.history.closeEnrolment(mac, closedAt, pinnedSource ?? null);
    } finally {
      // the committed row (or, after a failure, the row as it still is)
      if (this.closing.get(mac) === view) this.closing.delete(mac);
      this.index.rereadEnrolment(mac);
    }
  }

  async credentials(mac: Mac): Promise<CredentialState> {
    this.syncExternal();
    return this.index.credentials(mac);
  }

  async rotateCredentials(mac: Mac, alsoSip: boolean): Promise<CredentialState> {
    const current = await this.credentials(mac);
    const next = {
      generation: current.generation + 1,
      previousGeneration: current.generation,
      sipGeneration: current.sipGeneration + (alsoSip ? 1 : 0),
    };
    this.ownChange(this.stmts.upsertCreds.run({ mac, ...next }).changes);
    this.index.rereadCredentials(mac);
    return next;
  }

  async confirmCredentials(mac: Mac): Promise<void> {
    this.ownChange(this.stmts.confirm.run(mac).changes);
    this.index.rereadCredentials(mac);
  }

  async saveOverride(upload: OverrideUpload): Promise<void> {
    this.stmts.insertOverride.run(upload.ts, upload.mac, upload.file, upload.body, JSON.stringify(upload.weakened));
    this.history.pruneSoon();
  }

  async overrides(mac: Mac): Promise<OverrideUpload[]> {
    const rows = this.stmts.overrides.all(mac) as (Omit<OverrideUpload, 'weakened'> & { weakened: string })[];
    return rows.map((r) => ({ ...r, weakened: JSON.parse(r.weakened) as string[] }));
  }

  async close(): Promise<void> {
    await this.history.close();
    this.db.close();
  }
}
