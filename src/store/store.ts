/**
 * Runtime state behind one interface, so a shared database can replace SQLite without touching the callers. Every method
 * answers with a Promise: a database across the network cannot answer synchronously.
 */
import type { Mac } from '../model/mac.js';

import type { EventSeverity, SecurityReason } from '../model/security-events.js';

export type { EventSeverity, SecurityReason } from '../model/security-events.js';

export interface SecurityEvent {
  ts: string;
  reason: SecurityReason;
  severity: EventSeverity;
  source?: string;
  mac?: string;
  file?: string;
  detail?: string;
}

export type AuthMethod = 'digest' | 'enrolment' | 'none';

export interface FetchRecord {
  ts: string;
  mac: string;
  source: string;
  userAgent: string;
  file: string;
  sha256: string;
  auth: AuthMethod;
  status: number;
}

export interface Enrolment {
  mac: string;
  openedAt: string;
  expiresAt: string;
  closedAt?: string;
  pinnedSource?: string;
}

export interface CredentialState {
  generation: number;
  /** the previous generation stays valid until the phone has fetched with the new one */
  previousGeneration?: number;
  sipGeneration: number;
}

export interface OverrideUpload {
  ts: string;
  mac: string;
  file: string;
  body: string;
  weakened: string[];
}

export type EnrolmentFreshness = 'exact' | 'recent';

export interface Store {
  /** queues the record (taken before it returns) for the next batch: a crash may lose the last batch interval's records */
  recordFetch(fetch: FetchRecord): Promise<void>;
  /**
   * Where present (a store shared by replicas), a delivered file's record: resolves once it is committed, with the
   * others queued meanwhile (group commit); the phone's file leaves only then, so a replica killed mid-storm loses no
   * row of a file it delivered. Rejects when it could not be written (the file is then not served).
   */
  recordDelivery?(fetch: FetchRecord): Promise<void>;
  fetchHistory(mac: Mac, limit?: number): Promise<FetchRecord[]>;
  lastFetchBySource(source: string): Promise<FetchRecord | undefined>;
  recordEvent(event: SecurityEvent): Promise<void>;
  events(filter?: { reason?: SecurityReason; mac?: string; limit?: number }): Promise<SecurityEvent[]>;
  /** opens (or reopens) the window; a reopened one forgets the source the last enrolment pinned: the next first fetch pins anew */
  openEnrolment(mac: Mac, expiresAt: Date, now?: Date): Promise<void>;
  /** opens a window for every MAC that never had one, in one transaction; returns how many were opened */
  openMissingEnrolments(macs: readonly Mac[], expiresAt: Date, now?: Date): Promise<number>;
  /**
   * The device's enrolment window. 'exact' (the default) is the row as it is now, whoever changed it; 'recent' may be a
   * view a fraction of a second old where another process changed it, for a caller that only reads the
   * pinned source of a phone already holding credentials.
   */
  enrolment(mac: Mac, freshness?: EnrolmentFreshness): Promise<Enrolment | undefined>;
  closeEnrolment(mac: Mac, pinnedSource: string | undefined, now?: Date): Promise<void>;
  credentials(mac: Mac): Promise<CredentialState>;
  rotateCredentials(mac: Mac, alsoSip: boolean): Promise<CredentialState>;
  confirmCredentials(mac: Mac): Promise<void>;
  saveOverride(upload: OverrideUpload): Promise<void>;
  overrides(mac: Mac): Promise<OverrideUpload[]>;
  readonly auditRuns: AuditRunStore;
  readonly scheduleRuns: ScheduleRunStore;
  readonly snapshots: SnapshotStore;
  readonly sessions: SessionRecords;
  /** the last error the background history writer reported, if any */
  readonly historyWriteError?: string;
  /** the state database as this process sees it, and the history records waiting for it */
  queueStatus(): HistoryQueueStatus;
  /** resolves once the fetch and event records this process queued are written (reads already wait for them) */
  flush(): Promise<void>;
  /** enforces the retention caps of `server.retention` now (they also hold on their own, behind the request path) */
  prune(): Promise<void>;
  close(): Promise<void>;
}

/** What GET /api/status shows of the state database and the fetch-history and event records on their way to it. */
export interface HistoryQueueStatus {
  backend: 'sqlite' | 'postgres';
  /** false after a write failed for want of the database, until one succeeds */
  reachable: boolean;
  /** records held in memory, not yet written */
  queued: number;
  /** records given up: beyond the bound while the database was away, refused by it, or lost by the writer */
  dropped: number;
  /** the bound on `queued` while the database is away (server.historyQueue); absent: SQLite, whose file is never away */
  limit?: number;
}

export interface StoredFinding {
  host: string;
  mac?: string;
  vendor?: string;
  model?: string;
  rule: string;
  state: string;
  severity: string;
  evidence: string[];
  fix: string[];
}

export interface AuditRunRecord {
  id: number;
  startedAt: string;
  finishedAt?: string;
  targets: string[];
  summary?: unknown;
}

export interface RunDiff {
  /** failing now, not failing (or absent) before */
  newFailures: StoredFinding[];
  /** failing before, not failing now */
  resolved: StoredFinding[];
  /** hosts seen in only one of the runs */
  hostsAdded: string[];
  hostsGone: string[];
}

/** Audit runs and their findings, so runs can be listed and compared run to run. */
export interface AuditRunStore {
  startRun(startedAt: Date, targets: readonly string[]): Promise<number>;
  /** stores every finding and the summary at once */
  finishRun(runId: number, finishedAt: Date, summary: unknown, findings: readonly StoredFinding[]): Promise<void>;
  /** newest first */
  runs(limit?: number): Promise<AuditRunRecord[]>;
  run(runId: number): Promise<AuditRunRecord | undefined>;
  findings(runId: number): Promise<StoredFinding[]>;
  /** the latest finished run before `runId` over the same targets */
  previousRun(runId: number): Promise<number | undefined>;
  diff(beforeId: number, afterId: number): Promise<RunDiff>;
}

/** none: nothing changed (or a baseline); log-only: changes, no webhook configured; skipped: run stopped early or aborted */
export type DeliveryState = 'none' | 'log-only' | 'delivered' | 'failed' | 'skipped';

export interface ScheduleRunRecord {
  runId: number;
  schedule: string;
  signature: string;
  startedAt: string;
  finishedAt: string;
  /** every target was scanned */
  complete: boolean;
  previousRunId?: number;
  /** hosts that answered */
  hosts: number;
  phones: number;
  /** devices with a ghost-call rule failing */
  exposed: number;
  /** failing findings of every check */
  failing: number;
  unknownDevices: number;
  changes: number;
  delivery: DeliveryState;
  attempts: number;
}

/** Which audit runs belong to which schedule, with the counts the trend shows and what became of the notification. */
export interface ScheduleRunStore {
  record(run: ScheduleRunRecord): Promise<void>;
  setDelivery(runId: number, delivery: DeliveryState, attempts: number): Promise<void>;
  /** the latest complete run of this schedule over these targets before `beforeRunId` */
  baseline(schedule: string, signature: string, beforeRunId: number): Promise<number | undefined>;
  last(schedule: string): Promise<ScheduleRunRecord | undefined>;
  /** the newest `limit` runs of a schedule, oldest first */
  recent(schedule: string, limit: number): Promise<ScheduleRunRecord[]>;
  /** every schedule that has runs on record */
  schedules(): Promise<string[]>;
}

/** One distinct file body served (by sha256), as the fetch history notes it. */
export interface ServedVersion {
  /** increasing cursor */
  id: number;
  ts: string;
  mac: string;
  file: string;
  sha256: string;
  userAgent: string;
}

export interface Snapshot {
  sha256: string;
  mac: string;
  file: string;
  ts: string;
  body: string;
}

/** Served file versions, and the text of the device files among them (masked) for the dashboard's diff. */
export interface SnapshotStore {
  /** the cursor of the newest version served (0 when none) */
  latestVersion(): Promise<number>;
  /** versions after `cursor`, oldest first (a version recorded a moment ago may show only once the history is committed) */
  versionsAfter(cursor: number, limit: number): Promise<ServedVersion[]>;
  has(sha256: string): Promise<boolean>;
  /** stores a snapshot and keeps only the newest `keep` per device file */
  put(snapshot: Snapshot, keep: number): Promise<void>;
  get(sha256: string): Promise<Snapshot | undefined>;
}

/** Idle and absolute expiry of dashboard sessions, and how many are kept at once (the oldest dropped). */
export interface SessionLimits {
  idleMs: number;
  maxAgeMs: number;
  max: number;
}

export interface StoredSession {
  user: string;
  /** epoch milliseconds */
  createdAt: number;
  lastSeen: number;
}

/**
 * Dashboard sessions, shared by every process and replica on the same state, so a login made on one is valid on all and
 * a logout or expiry ends it everywhere. Keyed by the sha256 of the session token: the token itself (the cookie) is
 * never stored, so whoever reads the database cannot log in with what they read.
 */
export interface SessionRecords {
  /** stores a new session; drops expired ones and the oldest beyond `limits.max` */
  create(tokenSha256: string, user: string, at: number, limits: SessionLimits): Promise<void>;
  /** the live session with this hash, its lastSeen moved to `at`; undefined (and the row gone) when unknown or expired */
  touch(tokenSha256: string, at: number, limits: SessionLimits): Promise<StoredSession | undefined>;
  destroy(tokenSha256: string): Promise<void>;
}
