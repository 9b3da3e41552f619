/** The SQLite state store: written-behind history, the source → MAC lookup, cross-process cache invalidation. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseMac } from '../../src/model/mac.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { FetchRecord } from '../../src/store/store.js';

const A = parseMac('00:15:65:00:00:01')!;
const B = parseMac('00:15:65:00:00:02')!;
const open: SqliteStore[] = [];
const newStore = (file = join(mkdtempSync(join(tmpdir(), 'gg-store-')), 'state.sqlite')) => {
  const store = new SqliteStore(file);
  open.push(store);
  return { store, file };
};
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

const fetch = (mac: string, source: string, file: string, n: number): FetchRecord => ({
  ts: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  mac,
  source,
  userAgent: 'Yealink SIP-T46U 108.86.0.45',
  file,
  sha256: `sha${n}`,
  auth: 'digest',
  status: 200,
});

describe('fetch history', () => {
  it('reads its own queued writes, newest first', async () => {
    const { store } = newStore();
    for (let n = 1; n <= 5; n++) await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, n));
    expect((await store.fetchHistory(A)).map((f) => f.sha256)).toEqual(['sha5', 'sha4', 'sha3', 'sha2', 'sha1']);
    expect(await store.fetchHistory(A, 2)).toHaveLength(2);
    expect(await store.fetchHistory(B)).toEqual([]);
  });

  it('answers the last fetch from an address, following it when another phone takes the address over', async () => {
    const { store } = newStore();
    await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, 1));
    await store.recordFetch(fetch(A, '127.0.70.1', 'y000000000108.cfg', 2));
    expect(await store.lastFetchBySource('127.0.70.1')).toMatchObject({ mac: A, sha256: 'sha2' });
    await store.recordFetch(fetch(B, '127.0.70.1', `${B}.cfg`, 3));
    expect(await store.lastFetchBySource('127.0.70.1')).toMatchObject({ mac: B, sha256: 'sha3' });
    await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, 4));
    expect(await store.lastFetchBySource('127.0.70.1')).toMatchObject({ mac: A, sha256: 'sha4' });
    expect(await store.lastFetchBySource('127.0.70.2')).toBeUndefined();
  });

  it('is visible to another process once written behind', async () => {
    const { store, file } = newStore();
    await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, 1));
    await store.flush();
    const other = new Database(file, { readonly: true });
    expect(other.prepare('SELECT COUNT(*) AS n FROM fetches').get()).toEqual({ n: 1 });
    other.close();
  });
});

/** the store re-reads the shared state version at most every 200 ms (Date.now): the clock is moved, not waited for */
const pastExternalCheck = () => vi.advanceTimersByTime(250);

describe('cached credential reads', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('notice a rotation committed by another process', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, file } = newStore();
    expect((await store.credentials(A)).generation).toBe(0);
    const cli = new SqliteStore(file);
    await cli.rotateCredentials(A, true);
    await cli.close();
    pastExternalCheck();
    expect(await store.credentials(A)).toMatchObject({ generation: 1, previousGeneration: 0, sipGeneration: 1 });
  });
});

describe('the in-memory index of enrolments and credentials', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is loaded whole when the store opens and read again only when the change counter moves', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const file = join(mkdtempSync(join(tmpdir(), 'gg-store-')), 'state.sqlite');
    const writer = new SqliteStore(file);
    await writer.openMissingEnrolments([A, B], new Date('2026-02-01T00:00:00.000Z'), new Date('2026-01-01T00:00:00.000Z'));
    await writer.closeEnrolment(B, '127.145.2.1', new Date('2026-01-02T00:00:00.000Z'));
    await writer.rotateCredentials(B, true);
    await writer.close();
    const { store } = newStore(file);
    // rows changed behind the store's back without the counter: the index, not a statement, answers
    const raw = new Database(file);
    raw.exec('DROP TRIGGER enrolments_update_bumps; DROP TRIGGER credentials_update_bumps');
    raw.exec("UPDATE enrolments SET pinned_source = '127.145.2.99'; UPDATE credentials SET generation = 9");
    pastExternalCheck();
    expect(await store.enrolment(A)).toEqual({ mac: A, openedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-02-01T00:00:00.000Z' });
    expect(await store.enrolment(B)).toMatchObject({ closedAt: '2026-01-02T00:00:00.000Z', pinnedSource: '127.145.2.1' });
    expect(await store.credentials(B)).toEqual({ generation: 1, previousGeneration: 0, sipGeneration: 1 });
    expect(await store.credentials(A)).toEqual({ generation: 0, sipGeneration: 0 });
    // a change that moves the counter (another process's rotate): everything is read again
    raw.exec('UPDATE state_version SET v = v + 1');
    raw.close();
    pastExternalCheck();
    expect(await store.enrolment(B)).toMatchObject({ pinnedSource: '127.145.2.99' });
    expect((await store.credentials(B)).generation).toBe(9);
  });
});

describe('the history writer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits on its own thread without dropping cached credential reads', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, file } = newStore();
    await store.rotateCredentials(A, false);
    expect((await store.credentials(A)).generation).toBe(1);
    pastExternalCheck();
    expect((await store.credentials(A)).generation).toBe(1);
    // change the row behind the store's back, without the version bump: only a cache drop could reveal it
    const raw = new Database(file);
    raw.exec('DROP TRIGGER credentials_update_bumps; UPDATE credentials SET generation = 7');
    raw.close();
    for (let n = 0; n < 3000; n++) await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, n));
    await store.flush();
    pastExternalCheck();
    expect((await store.credentials(A)).generation).toBe(1);
    expect(await store.fetchHistory(A, 5000)).toHaveLength(3000);
    const reader = new Database(store.file, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) FROM fetch_versions').pluck().get()).toBe(3000);
    reader.close();
  });
});

describe('the history writer, when it cannot write', () => {
  it('reports the lost records and never leaves a reader waiting', async () => {
    const messages: string[] = [];
    const file = join(mkdtempSync(join(tmpdir(), 'gg-store-')), 'state.sqlite');
    const store = new SqliteStore(file, (m) => messages.push(m));
    open.push(store);
    const raw = new Database(file);
    raw.exec('DROP TABLE fetches');
    raw.close();
    await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, 1));
    const started = performance.now();
    await store.flush();
    expect(performance.now() - started).toBeLessThan(5000);
    await new Promise((r) => setTimeout(r, 50)); // the report arrives as a message
    expect(messages.join(' ')).toMatch(/1 history records not written: .*fetches/);
    expect(await store.events()).toEqual([]);
  });
});

describe('enrolment closes, committed on the writer thread', () => {
  const inFile = (file: string, mac: string) => {
    const reader = new Database(file, { readonly: true });
    try {
      return reader.prepare('SELECT closed_at AS closedAt, pinned_source AS pinnedSource FROM enrolments WHERE mac = ?').get(mac);
    } finally {
      reader.close();
    }
  };

  it('read as closed at once, and are in the file when the promise resolves', async () => {
    const { store, file } = newStore();
    await store.openEnrolment(A, new Date(Date.now() + 3600_000));
    const closing = store.closeEnrolment(A, '127.145.0.10', new Date('2026-01-01T00:00:00.000Z'));
    // the commit is another thread's: not answered yet, but a second claimant already finds the window closed
    expect(await store.enrolment(A)).toMatchObject({ closedAt: '2026-01-01T00:00:00.000Z', pinnedSource: '127.145.0.10' });
    await closing;
    expect(inFile(file, A)).toEqual({ closedAt: '2026-01-01T00:00:00.000Z', pinnedSource: '127.145.0.10' });
    expect(await store.enrolment(A)).toMatchObject({ closedAt: '2026-01-01T00:00:00.000Z', pinnedSource: '127.145.0.10' });
  });

  it('a window another process closed reads closed at once, not after its next look at the change counter', async () => {
    const { store: first, file } = newStore();
    const second = new SqliteStore(file);
    open.push(second);
    await first.openEnrolment(A, new Date(Date.now() + 3600_000));
    // the second process has just looked: its change-counter check would not look again for a while
    expect((await second.enrolment(A))?.closedAt).toBeUndefined();
    await first.closeEnrolment(A, '127.145.0.11');
    expect(await second.enrolment(A)).toMatchObject({ pinnedSource: '127.145.0.11' });
    expect((await second.enrolment(A))?.closedAt).toBeDefined();
  });

  it('many at once all reach the file, and a reopened window is not shut by a close still under way', async () => {
    const { store, file } = newStore();
    const macs = Array.from(
      { length: 300 },
      (_, i) => parseMac(`00:15:65:45:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`)!,
    );
    await store.openMissingEnrolments(macs, new Date(Date.now() + 3600_000));
    const closes = macs.map((m, i) => store.closeEnrolment(m, `127.145.1.${i % 250}`));
    await store.openEnrolment(macs[0]!, new Date(Date.now() + 3600_000));
    await Promise.all(closes);
    expect(inFile(file, macs[0]!)).toEqual({ closedAt: null, pinnedSource: null });
    for (const [i, m] of macs.entries()) if (i > 0) expect(inFile(file, m)).toMatchObject({ pinnedSource: `127.145.1.${i % 250}` });
  });

  it('reject when the commit fails, and the window reads open again', async () => {
    const { store, file } = newStore();
    await store.openEnrolment(A, new Date(Date.now() + 3600_000));
    const raw = new Database(file);
    raw.exec("CREATE TRIGGER no_close BEFORE UPDATE ON enrolments BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
    raw.close();
    await expect(store.closeEnrolment(A, '127.145.0.11')).rejects.toThrow(/refused by test/);
    expect((await store.enrolment(A))?.closedAt).toBeUndefined();
    expect(store.historyWriteError).toMatch(/enrolment closes not written: refused by test/);
  });
});

describe('events', () => {
  it('round-trip without empty fields and filter by reason and MAC', async () => {
    const { store } = newStore();
    await store.recordEvent({ ts: '2026-01-01T00:00:00.000Z', reason: 'unknown-mac', severity: 'medium', source: '127.0.70.9' });
    await store.recordEvent({ ts: '2026-01-01T00:00:01.000Z', reason: 'canary', severity: 'critical', mac: A, detail: 'x' });
    expect(await store.events({ reason: 'canary' })).toEqual([
      { ts: '2026-01-01T00:00:01.000Z', reason: 'canary', severity: 'critical', mac: A, detail: 'x' },
    ]);
    expect(await store.events({ mac: A })).toHaveLength(1);
    expect(await store.events()).toHaveLength(2);
  });
});

describe('schema', () => {
  it('upgrades a database from before the source table (the per-row source index is dropped)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gg-store-')), 'state.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE fetches (id INTEGER PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, source TEXT NOT NULL, user_agent TEXT NOT NULL,
      file TEXT NOT NULL, sha256 TEXT NOT NULL, auth TEXT NOT NULL, status INTEGER NOT NULL);
      CREATE INDEX fetches_source ON fetches (source, id);`);
    old.close();
    const { store } = newStore(file);
    const reader = new Database(file, { readonly: true });
    const indexes = reader.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fetches'").pluck().all();
    reader.close();
    expect(indexes).not.toContain('fetches_source');
    await store.recordFetch(fetch(A, '127.0.70.1', `${A}.cfg`, 1));
    expect(await store.lastFetchBySource('127.0.70.1')).toMatchObject({ mac: A });
  });
});
