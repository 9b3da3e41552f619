/** Versioned migrations of the state database: ordered, recorded, transactional, and adopting databases from before versioning. */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS, schemaVersion } from '../../src/store/sqlite-migrations.js';
import { openStateDatabase } from '../../src/store/sqlite-open.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { parseMac } from '../../src/model/mac.js';

const BEFORE_VERSIONING = readFileSync(new URL('../fixtures/store/state-before-versioning.sql', import.meta.url), 'utf8');
const tempFile = () => join(mkdtempSync(join(tmpdir(), 'gg-migrate-')), 'state.sqlite');
const A = parseMac('00:15:65:00:00:c3')!;

function schemaOf(db: Database.Database): string[] {
  return db
    .prepare(
      "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != 'schema_version' ORDER BY type, name",
    )
    .pluck()
    .all() as string[];
}

function versions(file: string): { version: number; name: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name FROM schema_version ORDER BY version').all() as { version: number; name: string }[];
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('are numbered 1, 2, 3 … in order, each named', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) expect(m.name.length).toBeGreaterThan(5);
  });

  it('a new database gets every migration, recorded in schema_version', () => {
    const file = tempFile();
    openStateDatabase(file).close();
    expect(versions(file)).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it('opening again applies nothing (idempotent)', () => {
    const file = tempFile();
    openStateDatabase(file).close();
    const db = openStateDatabase(file);
    expect(db.transaction(() => applyMigrations(db))()).toEqual([]);
    db.close();
    expect(versions(file)).toHaveLength(MIGRATIONS.length);
  });

  it('adopts a database created before versioning: same schema as a new one, its data kept', async () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(BEFORE_VERSIONING);
    old.prepare('INSERT INTO credentials (mac, generation, previous_generation, sip_generation) VALUES (?, 3, 2, 1)').run(A);
    old.prepare("INSERT INTO audit_runs (started_at, targets) VALUES ('2026-03-01T00:00:00.000Z', '[\"127.128.9.1\"]')").run();
    const before = schemaOf(old);
    old.close();
    const store = new SqliteStore(file);
    expect(await store.credentials(A)).toEqual({ generation: 3, previousGeneration: 2, sipGeneration: 1 });
    expect((await store.auditRuns.runs()).map((r) => r.targets)).toEqual([['127.128.9.1']]);
    await store.close();
    expect(versions(file).map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const fresh = tempFile();
    openStateDatabase(fresh).close();
    const [adopted, created] = [new Database(file, { readonly: true }), new Database(fresh, { readonly: true })];
    expect(schemaOf(adopted)).toEqual(schemaOf(created));
    // everything it had is kept; only what migrations after versioning began (4: dashboard sessions) add is new
    expect(schemaOf(adopted).filter((o) => !before.includes(o))).toEqual(['table dashboard_sessions']);
    expect(before.every((o) => schemaOf(adopted).includes(o))).toBe(true);
    adopted.close();
    created.close();
  });

  it('a failing migration leaves the database as it was (one transaction)', () => {
    const db = new Database(':memory:');
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken on purpose', sql: 'CREATE TABLE t1 (a); CREATE TABLE nope (' },
    ];
    expect(() => db.transaction(() => applyMigrations(db, broken))()).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'fetches'").pluck().get()).toBe(0);
    db.close();
  });

  it('a database written by a newer ghostguard is refused, untouched', () => {
    const file = tempFile();
    openStateDatabase(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', '2027-01-01T00:00:00.000Z')").run(
      MIGRATIONS.length + 1,
    );
    db.close();
    expect(() => openStateDatabase(file)).toThrow(expect.objectContaining({ code: 'GG_ERR_STORE_SCHEMA' }));
    expect(versions(file)).toHaveLength(MIGRATIONS.length + 1);
  });
});
