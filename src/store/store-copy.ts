/**
 * `ghostguard store copy`: moves an installation's state from its SQLite file into PostgreSQL. The target's
 * migrations are applied first; then, in one transaction, the state tables are locked, found empty (or emptied, when
 * asked), and every table of store-copy-tables.ts is copied in batches (a bounded number of rows and bytes each, read
 * from one snapshot of the source, inserted with one `unnest` statement per batch), so memory does not grow with the
 * state. Any failure rolls the whole copy back: the target is left as it was.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type pg from 'pg';
import { GhostguardError } from '../model/errors.js';
import { keyFingerprint, recordKeyFingerprint } from './postgres-key.js';
import { migratePostgres } from './postgres-migrations.js';
import { inTransaction, openPostgresPool, postgresText } from './postgres-pool.js';
import { type CopiedTable, COPIED_TABLES, type CopyType } from './store-copy-tables.js';
import { MIGRATIONS } from './sqlite-migrations.js';
import { stateDatabasePath } from './sqlite-open.js';

const BATCH_ROWS = 1000;
/** text per batch: a few large override bodies or snapshots make a batch of their own */
const BATCH_BYTES = 4 * 1024 * 1024;

export interface CopyRequest {
  /** the SQLite state file, or the data directory holding it */
  from: string;
  /** a postgres:// URL as `server.store` takes it (password as env:NAME) */
  to: string;
  env: Readonly<Record<string, string | undefined>>;
  /** empty the target's state tables first (in the same transaction) instead of refusing a target that holds state */
  replace?: boolean;
  batchRows?: number;
  batchBytes?: number;
}

export interface CopyReport {
  source: string;
  /** migrations applied to the target before the copy */
  migrated: number[];
  /** rows copied per table, in copy order */
  tables: { table: string; rows: number }[];
  /** the fingerprint of the master key beside the source, now the one every replica must hold (none: no master.key there) */
  keyFingerprint?: string;
}

export async function copyStore(request: CopyRequest): Promise<CopyReport> {
  const { file, db } = openSource(request.from);
  const fingerprint = fingerprintBeside(file);
  const pool = openPostgresPool(request.to, request.env, 1);
  pool.on('error', () => {});
  try {
    let migrated: number[];
    try {
      migrated = await migratePostgres(pool);
    } catch (err) {
      if (err instanceof GhostguardError) throw err;
      throw new GhostguardError('GG_ERR_STORE', `PostgreSQL not reachable: ${(err as Error).message}`);
    }
    const limits = { rows: request.batchRows ?? BATCH_ROWS, bytes: request.batchBytes ?? BATCH_BYTES };
    const tables = await inTransaction(pool, async (client) => {
      await client.query("SET LOCAL statement_timeout = '60s'");
      const names = COPIED_TABLES.map((t) => t.table).join(', ');
      // no replica writes state while the copy checks and fills these tables
      await client.query(`LOCK TABLE ${names} IN EXCLUSIVE MODE`);
      await refuseHeldState(client, request.replace === true);
      if (request.replace) await client.query(`TRUNCATE ${names} RESTART IDENTITY`);
      if (fingerprint) await recordKeyFingerprint(client, fingerprint, request.replace === true);
      // one read transaction: every table is read from the same snapshot of the source
      db.exec('BEGIN');
      const copied: CopyReport['tables'] = [];
      for (const t of COPIED_TABLES) copied.push({ table: t.table, rows: await copyTable(db, client, t, limits) });
      // sequences are not transactional: moved on only once every row is in
      for (const t of COPIED_TABLES.filter((x) => x.serial))
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${t.table}', '${t.serial}'), GREATEST(MAX(${t.serial}), 1), MAX(${t.serial}) IS NOT NULL) FROM ${t.table}`,
        );
      return copied;
    });
    return { source: file, migrated, tables, ...(fingerprint ? { keyFingerprint: fingerprint } : {}) };
  } finally {
    db.close();
    await pool.end();
  }
}

/** The fingerprint of the data directory's master key (the one its phones' passwords derive from), if it is there. */
function fingerprintBeside(stateFile: string): string | undefined {
  const keyFile = join(dirname(stateFile), 'master.key');
  return existsSync(keyFile) ? keyFingerprint(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'hex')) : undefined;
}

/** The state file, opened read-only (the copy never changes its source), after checking it is ghostguard's. */
function openSource(from: string): { file: string; db: Database.Database } {
  const file = existsSync(from) && statSync(from).isDirectory() ? stateDatabasePath(from) : from;
  if (!existsSync(file)) throw new GhostguardError('GG_ERR_STORE_SOURCE', `${file} does not exist`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!tables.has('credentials') || !tables.has('fetches'))
      throw new GhostguardError('GG_ERR_STORE_SOURCE', `${file} is a SQLite database without ghostguard's state tables`);
    const version = tables.has('schema_version')
      ? (db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_version').pluck().get() as number)
      : 0;
    const latest = MIGRATIONS.at(-1)!.version;
    if (version > latest)
      throw new GhostguardError(
        'GG_ERR_STORE_SCHEMA',
        `${file} is at schema version ${version}; this ghostguard knows up to ${latest} (copy it with the release that wrote it)`,
      );
    return { file, db };
  } catch (err) {
    db?.close();
    if (err instanceof GhostguardError) throw err;
    throw new GhostguardError('GG_ERR_STORE_SOURCE', `${file}: ${(err as Error).message}`);
  }
}

async function refuseHeldState(client: pg.PoolClient, replace: boolean): Promise<void> {
  const held: string[] = [];
  for (const t of COPIED_TABLES)
    if ((await client.query(`SELECT EXISTS (SELECT 1 FROM ${t.table}) AS held`)).rows[0].held) held.push(t.table);
  if (held.length > 0 && !replace)
    throw new GhostguardError(
      'GG_ERR_STORE_NOT_EMPTY',
      `the target already holds ghostguard state (${held.join(', ')}); nothing was copied. --replace empties those tables first`,
    );
}

const toPostgres = (type: CopyType, v: unknown): unknown => (type === 'boolean' && typeof v === 'number' ? v !== 0 : postgresText(v));

/** Copies one table in batches; returns its row count. A table an older schema does not have yet copies nothing. */
async function copyTable(
  db: Database.Database,
  client: pg.PoolClient,
  t: CopiedTable,
  limits: { rows: number; bytes: number },
): Promise<number> {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t.table)) return 0;
  const read = db
    .prepare(`SELECT rowid, ${t.columns.map((c) => c.from ?? c.name).join(', ')} FROM ${t.table} WHERE rowid > ? ORDER BY rowid`)
    .raw(true);
  const insert = `INSERT INTO ${t.table} (${t.columns.map((c) => c.name).join(', ')})
    SELECT * FROM unnest(${t.columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')})`;
  let after = Number.MIN_SAFE_INTEGER;
  let total = 0;
  for (;;) {
    const columns = t.columns.map((): unknown[] => []);
    let first = 0;
    let rows = 0;
    let bytes = 0;
    // leaving the loop early closes the statement; the next batch reads on from the last rowid
    for (const row of read.iterate(after) as Iterable<unknown[]>) {
      after = row[0] as number;
      if (rows === 0) first = after;
      t.columns.forEach((c, i) => {
        const v = row[i + 1];
        if (typeof v === 'string') bytes += v.length;
        columns[i]!.push(toPostgres(c.type, v));
      });
      if (++rows >= limits.rows || bytes >= limits.bytes) break;
    }
    if (rows === 0) return total;
    try {
      await client.query(insert, columns);
    } catch (err) {
      throw new GhostguardError(
        'GG_ERR_STORE',
        `${t.table}: ${(err as Error).message} (one of the rows with rowid ${first} to ${after}); nothing was copied`,
      );
    }
    total += rows;
  }
}
