/** Opening the state database while other connections hold or race for its locks. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBusyError, openStateDatabase, prepareStateDatabase, retryWhileBusy, stateDatabasePath } from '../../src/store/sqlite-open.js';

const freshFile = () => stateDatabasePath(mkdtempSync(join(tmpdir(), 'gg-open-')));
const busy = (code = 'SQLITE_BUSY') => Object.assign(new Error('database is locked'), { code });

/** A real SQLITE_BUSY_SNAPSHOT: a reader that wants to write after another connection committed past its snapshot. */
function realBusyError(): unknown {
  const file = freshFile();
  prepareStateDatabase(file);
  const [reader, writer] = [openStateDatabase(file), openStateDatabase(file)];
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM events').get();
    writer.prepare("INSERT INTO events (ts, reason, severity) VALUES ('t', 'r', 'info')").run();
    reader.prepare("INSERT INTO events (ts, reason, severity) VALUES ('t', 'r', 'info')").run();
    return undefined;
  } catch (err) {
    return err;
  } finally {
    reader.close();
    writer.close();
  }
}

describe('retryWhileBusy', () => {
  it('recognises the error better-sqlite3 throws when a lock cannot be had', () => {
    const err = realBusyError();
    expect(err).toBeInstanceOf(Database.SqliteError);
    expect(isBusyError(err)).toBe(true);
    expect(isBusyError(new Error('no such table: events'))).toBe(false);
    expect(isBusyError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT' }))).toBe(false);
  });

  it('tries again after a busy failure and returns the first success', () => {
    let calls = 0;
    const value = retryWhileBusy(
      () => {
        calls++;
        if (calls < 3) throw busy(calls === 1 ? 'SQLITE_BUSY' : 'SQLITE_BUSY_SNAPSHOT');
        return 'opened';
      },
      1000,
      1,
    );
    expect(value).toBe('opened');
    expect(calls).toBe(3);
  });

  it('passes any other error straight through', () => {
    let calls = 0;
    expect(() =>
      retryWhileBusy(
        () => {
          calls++;
          throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
        },
        1000,
        1,
      ),
    ).toThrow('disk I/O error');
    expect(calls).toBe(1);
  });

  it('gives up with the busy error once its time is spent', () => {
    let calls = 0;
    const started = Date.now();
    expect(() =>
      retryWhileBusy(
        () => {
          calls++;
          throw busy();
        },
        60,
        10,
      ),
    ).toThrow('database is locked');
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThanOrEqual(7);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('openStateDatabase', () => {
  it('creates the schema in WAL mode and opens an existing file without touching its rows', () => {
    const file = freshFile();
    const first = openStateDatabase(file);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    first.prepare("INSERT INTO credentials (mac, generation) VALUES ('001565000001', 3)").run();
    first.close();
    const again = openStateDatabase(file);
    expect(again.prepare('SELECT generation FROM credentials').pluck().get()).toBe(3);
    expect(again.prepare('SELECT v FROM state_version').pluck().get()).toBe(1);
    again.close();
  });

  it("waits for another connection's write transaction instead of failing", async () => {
    const file = freshFile();
    prepareStateDatabase(file);
    // a writer on another thread holds the write lock for 300 ms
    const { Worker } = await import('node:worker_threads');
    const holder = new Worker(
      `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)});
      db.exec('BEGIN IMMEDIATE');
      require('node:worker_threads').parentPort.postMessage('locked');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
      db.exec('COMMIT');
      db.close();`,
      { eval: true },
    );
    await new Promise((locked) => holder.once('message', locked));
    const started = Date.now();
    const db = openStateDatabase(file);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    db.close();
    await holder.terminate();
  });
});
