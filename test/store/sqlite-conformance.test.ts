/** The SQLite backend against the Store conformance suite (test/store/conformance.ts). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { storeConformance } from './conformance.js';

storeConformance('SQLite', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gg-conformance-')), 'state.sqlite');
  return { store: new SqliteStore(file), reopen: () => new SqliteStore(file) };
});
