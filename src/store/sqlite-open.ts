/**
 * Opens the state database so that several processes can do it at the same moment (`serve --workers`, a `rotate`
 * started while the server boots). Two connections switching a fresh file to WAL, or running the schema, can each
 * hold a read lock and want the write lock: SQLite breaks that deadlock by failing one of them with SQLITE_BUSY at
 * once, without waiting on the busy timeout. The loser simply tries again; the migrations run in one IMMEDIATE
 * transaction, which takes the write lock before reading anything and so waits instead of deadlocking.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations } from './sqlite-migrations.js';

/** where a data directory keeps its state */
export const stateDatabasePath = (dataDir: string): string => join(dataDir, 'state.sqlite');

/** how long one statement waits for another process's write lock */
export const BUSY_TIMEOUT_MS = 5000;
const RETRY_PAUSE_MS = 20;

/** True for SQLite's "database is locked/busy" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED …). */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `step` again after a short pause while it fails with a busy error, until `withinMs` have passed. */
export function retryWhileBusy<T>(step: () => T, withinMs = BUSY_TIMEOUT_MS, pauseMs = RETRY_PAUSE_MS): T {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!isBusyError(err) || Date.now() + pauseMs > deadline) throw err;
      pause(pauseMs);
    }
  }
}

/**
 * The state database holds credential generations, enrolments and uploaded overrides: owner-only (0600). Created so
 * before SQLite opens it — its -wal and -shm files take the database file's mode — and tightened if it already exists.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/** Opens (creating if needed) the state database in WAL mode and brings its schema up to date (sqlite-migrations.ts). */
export function openStateDatabase(file: string): Database.Database {
  ownerOnly(file);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    retryWhileBusy(() => {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    });
    // this connection writes state that a served file depends on (an enrolment closed by it, the credentials it carries):
    // each commit reaches the disk before the file leaves, power loss included. The fetch history and events are
    // written behind on a thread of their own with synchronous = NORMAL (history-writer-thread.mjs).
    db.pragma('synchronous = FULL');
    const schema = db.transaction(() => applyMigrations(db));
    retryWhileBusy(() => schema.immediate());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Creates the database and its schema once, before several processes open it (the primary of `serve --workers`). */
export function prepareStateDatabase(file: string): void {
  openStateDatabase(file).close();
}
