/** `store copy` moves every table of the SQLite schema, or names why it leaves one behind: a new table must be added. */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStateDatabase } from '../../src/store/sqlite-open.js';
import { COPIED_TABLES, TABLES_LEFT_BEHIND } from '../../src/store/store-copy-tables.js';

describe('store copy: the tables it moves', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gg-copy-tables-')), 'state.sqlite');
  openStateDatabase(file).close();
  const db = new Database(file, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];

  it('every table of a fresh SQLite state database is copied or left behind with a reason, none both', () => {
    const copied = COPIED_TABLES.map((t) => t.table);
    expect([...copied, ...Object.keys(TABLES_LEFT_BEHIND)].sort()).toEqual(tables);
    expect(copied.filter((t) => t in TABLES_LEFT_BEHIND)).toEqual([]);
  });

  it('every column of a copied SQLite table is read (by name, or as its rowid)', () => {
    for (const t of COPIED_TABLES) {
      const columns = (db.prepare(`PRAGMA table_info(${t.table})`).all() as { name: string; pk: number; type: string }[])
        // an INTEGER PRIMARY KEY is the rowid itself
        .filter((c) => !(c.pk === 1 && c.type === 'INTEGER'))
        .map((c) => c.name);
      const read = t.columns.map((c) => c.from ?? c.name);
      expect(
        columns.filter((c) => !read.includes(c)),
        t.table,
      ).toEqual([]);
    }
  });
});
