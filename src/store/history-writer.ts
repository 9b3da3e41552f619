/**
 * Writes the fetch history and security events behind the phone path: records queue here as flat value lists, go to a
 * writer thread in batches, and are committed there in one transaction per batch. The thread that answers phones
 * never runs an INSERT or waits for SQLite's write lock (which several `serve --workers` processes share).
 * Enrolment closes go to the same thread but are awaited: each is on disk (synchronous = FULL) before its promise
 * resolves, and closes arriving while one commit runs share the next (a group commit).
 */
import { Worker } from 'node:worker_threads';
import { GhostguardError } from '../model/errors.js';
import { DEFAULT_RETENTION, type Retention } from './retention.js';
import type { FetchRecord, SecurityEvent } from './store.js';

const FLUSH_MS = 50;
const FLUSH_AT = 1000;
/** how long a reader waits for the writer to commit what this process queued */
const WAIT_MS = 10_000;
/** the age and override caps are enforced this often, and this soon after an upload */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_SOON_MS = 1000;

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

type WaitResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
/** Atomics.waitAsync (Node >= 16; its type is in a newer lib than this project targets) */
const waitAsync = (Atomics as unknown as { waitAsync(a: Int32Array, i: number, v: number, ms: number): WaitResult }).waitAsync;

export class HistoryWriter {
  private worker?: Worker;
  private readonly committed = new Int32Array(new SharedArrayBuffer(4));
  /** records joined into one string (fields by \x1f, records by \x1e): a batch crosses to the thread as one copy */
  private fetches = '';
  private events: (string | null)[] = [];
  private queued = 0;
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private pruneSoonTimer?: NodeJS.Timeout;
  /** enrolment closes not yet sent (closed_at, pinned source, MAC triples) and who waits for them */
  private closes: (string | null)[] = [];
  private closeWaiters: Waiter[] = [];
  /** the batch of closes being committed now: the next is sent when it is acknowledged */
  private committing?: { seq: number; waiters: Waiter[] };
  private stateSeq = 0;
  private readonly pendingCloses = new Set<Promise<void>>();
  /** the last write error the thread reported (disk full, database locked beyond the timeout) */
  lastError?: string;
  /** records the thread reported it could not write */
  dropped = 0;

  constructor(
    private readonly file: string,
    private readonly onError: (message: string) => void = () => {},
    private readonly retention: Retention = DEFAULT_RETENTION,
    /** told, once per committed batch of closes and before any of its callers resume, how many rows it changed */
    private readonly onStateCommitted: (changes: number) => void = () => {},
  ) {}

  /** Closes an enrolment durably, off this thread; resolves once it is on disk, rejects when it could not be written. */
  closeEnrolment(mac: string, closedAt: string, pinnedSource: string | null): Promise<void> {
    const closed = new Promise<void>((resolve, reject) => {
      this.closes.push(closedAt, pinnedSource, mac);
      this.closeWaiters.push({ resolve, reject });
      if (!this.committing) this.sendCloses();
    });
    this.pendingCloses.add(closed);
    const settled = () => this.pendingCloses.delete(closed);
    closed.then(settled, settled);
    return closed;
  }

  /** resolves once every close asked for so far is committed or failed */
  async closesSettled(): Promise<void> {
    await Promise.allSettled([...this.pendingCloses]);
  }

  private sendCloses(): void {
    if (this.closeWaiters.length === 0) return;
    this.committing = { seq: ++this.stateSeq, waiters: this.closeWaiters };
    const closes = this.closes;
    this.closes = [];
    this.closeWaiters = [];
    const thread = this.thread();
    // an awaited commit keeps the process alive (the thread is otherwise unref'd), as flush's timer does
    thread.ref();
    thread.postMessage({ stateSeq: this.committing.seq, closes });
  }

  private closesCommitted(m: { stateSeq: number; changes?: number; stateError?: string }): void {
    const batch = this.committing;
    if (!batch || batch.seq !== m.stateSeq) return;
    this.committing = undefined;
    this.worker?.unref();
    if (m.stateError === undefined) {
      this.onStateCommitted(m.changes ?? 0);
      for (const w of batch.waiters) w.resolve();
    } else {
      this.report(`enrolment closes not written: ${m.stateError}`);
      for (const w of batch.waiters) w.reject(new GhostguardError('GG_ERR_STORE', m.stateError));
    }
    this.sendCloses();
  }

  /** the thread stopped: closes it had, or that wait, were never confirmed on disk */
  private closesLost(err: Error): void {
    const waiters = [...(this.committing?.waiters ?? []), ...this.closeWaiters];
    this.committing = undefined;
    this.closes = [];
    this.closeWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  fetch(f: FetchRecord): void {
    // the phone path refuses User-Agents and file names with control characters; other callers get them blanked
    const ua = f.userAgent.includes('\x1e') || f.userAgent.includes('\x1f') ? f.userAgent.replace(/[\x1e\x1f]/g, ' ') : f.userAgent;
    this.fetches += `${f.ts}\x1f${f.mac}\x1f${f.source}\x1f${ua}\x1f${f.file}\x1f${f.sha256}\x1f${f.auth}\x1f${f.status}\x1e`;
    this.added();
  }

  event(e: SecurityEvent): void {
    this.events.push(e.ts, e.reason, e.severity, e.source ?? null, e.mac ?? null, e.file ?? null, e.detail ?? null);
    this.added();
  }

  /** records queued here, not yet handed to the writer thread */
  get waiting(): number {
    return this.queued;
  }

  /** Hands everything queued to the writer without waiting. */
  send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queued === 0) return;
    this.thread().postMessage({ seq: ++this.seq, fetches: this.fetches, events: this.events });
    this.fetches = '';
    this.events = [];
    this.queued = 0;
  }

  /** Enforces the age and override caps now, on the writer thread (after what is queued); `flush` waits for it. */
  prune(): void {
    this.send();
    this.thread().postMessage({ seq: ++this.seq, prune: true });
  }

  /** An upload was stored: the override caps are enforced within a second, however many arrive meanwhile. */
  pruneSoon(): void {
    this.pruneSoonTimer ??= setTimeout(() => {
      this.pruneSoonTimer = undefined;
      this.prune();
    }, PRUNE_SOON_MS).unref();
  }

  /** Sends what is queued and waits (without blocking the event loop) until the writer has committed it: reads after this see this process's writes. */
  async flush(): Promise<void> {
    this.send();
    const target = this.seq;
    if (Atomics.load(this.committed, 0) >= target) return;
    // an asynchronous wait does not keep the process alive by itself: without this a CLI closing its store would exit
    // (code 13, a top-level await never settled) before the writer thread committed
    const alive = setTimeout(() => {}, WAIT_MS);
    try {
      const deadline = Date.now() + WAIT_MS;
      for (let seen = Atomics.load(this.committed, 0); seen < target; seen = Atomics.load(this.committed, 0)) {
        const left = deadline - Date.now();
        const wait = left > 0 ? waitAsync(this.committed, 0, seen, left) : undefined;
        if (!wait || (wait.async ? await wait.value : wait.value) === 'timed-out') {
          this.report(`history writer did not commit within ${WAIT_MS} ms`);
          return;
        }
      }
    } finally {
      clearTimeout(alive);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    clearTimeout(this.pruneSoonTimer);
    await this.closesSettled();
    await this.flush();
    this.worker?.postMessage({ close: true });
    this.worker?.unref();
    this.worker = undefined;
  }

  private added(): void {
    if (++this.queued >= FLUSH_AT) this.send();
    else if (!this.timer) this.timer = setTimeout(() => this.send(), FLUSH_MS);
  }

  private thread(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL('./history-writer-thread.mjs', import.meta.url), {
        workerData: { file: this.file, done: this.committed.buffer, retention: this.retention },
        // it holds one batch (≤ 1,000 records) at a time
        resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 },
      });
      this.worker.on('message', (m: { error?: string; lost?: number; stateSeq?: number; changes?: number; stateError?: string }) => {
        if (m.stateSeq !== undefined) this.closesCommitted(m as { stateSeq: number });
        else if (m.error) {
          this.dropped += m.lost ?? 0;
          this.report(`${m.lost} history records not written: ${m.error}`);
        }
      });
      this.worker.on('error', (err) => {
        // what it had not committed is lost; the next batch starts a new writer, and nobody waits for the old one
        this.worker = undefined;
        this.closesLost(err);
        Atomics.store(this.committed, 0, this.seq);
        Atomics.notify(this.committed, 0);
        this.report(`history writer stopped: ${err.message}`);
      });
      this.worker.unref();
      if (!this.pruneTimer) {
        this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
        this.pruneTimer.unref();
      }
    }
    return this.worker;
  }

  private report(message: string): void {
    this.lastError = message;
    this.onError(message);
  }
}
