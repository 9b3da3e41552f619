/**
 * `ghostguard store migrate`: applies the state store's schema migrations alone (serve also applies them at start).
 * `ghostguard store copy`: moves an installation's SQLite state into PostgreSQL (src/store/store-copy.ts).
 */
import { dirname } from 'node:path';
import { GhostguardError } from '../../model/errors.js';
import { migratePostgres } from '../../store/postgres-migrations.js';
import { isPostgresUrl, openPostgresPool } from '../../store/postgres-pool.js';
import { openStateDatabase, stateDatabasePath } from '../../store/sqlite-open.js';
import { copyStore } from '../../store/store-copy.js';
import { loadConfig } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export async function storeMigrateCommand(options: { config?: string }, io: CliIo): Promise<number> {
  const { config } = loadConfig(options, io);
  const store = config.server.store;
  if (!isPostgresUrl(store)) {
    openStateDatabase(stateDatabasePath(config.server.dataDir)).close();
    io.out(`SQLite state in ${config.server.dataDir}: schema up to date\n`);
    return EXIT.ok;
  }
  const pool = openPostgresPool(store, io.env, 1);
  pool.on('error', () => {});
  try {
    const applied = await migratePostgres(pool);
    io.out(applied.length ? `PostgreSQL: applied migration(s) ${applied.join(', ')}\n` : 'PostgreSQL: schema up to date\n');
    return EXIT.ok;
  } finally {
    await pool.end();
  }
}

/** `ghostguard store copy --from <state file> --to <postgres url> [--replace]`: one transaction, counts per table. */
export async function storeCopyCommand(options: { from: string; to: string; replace?: boolean }, io: CliIo): Promise<number> {
  if (!isPostgresUrl(options.to)) throw new GhostguardError('GG_ERR_USAGE', '--to must be a postgres:// URL (as server.store takes it)');
  const password = decodeURIComponent(new URL(options.to).password);
  if (password && !password.startsWith('env:'))
    throw new GhostguardError('GG_ERR_USAGE', '--to: write the password as env:NAME (the variable holding it), never on the command line');
  const started = Date.now();
  const report = await copyStore({ from: options.from, to: options.to, env: io.env, replace: options.replace });
  if (report.migrated.length) io.out(`PostgreSQL: applied migration(s) ${report.migrated.join(', ')}\n`);
  io.out(`copied ${report.source} into ${withoutPassword(options.to)} in one transaction:\n`);
  const width = Math.max(...report.tables.map((t) => t.table.length));
  for (const t of report.tables) io.out(`  ${t.table.padEnd(width)}  ${String(t.rows).padStart(9)}\n`);
  const total = report.tables.reduce((n, t) => n + t.rows, 0);
  io.out(`  ${'total'.padEnd(width)}  ${String(total).padStart(9)} rows, committed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  io.out(
    report.keyFingerprint
      ? `master key fingerprint ${report.keyFingerprint.slice(0, 16)} recorded: every replica needs the master.key of ${dirname(report.source)}\n`
      : `no master.key beside ${report.source}: copy the installation's master.key to every replica before starting one\n`,
  );
  return EXIT.ok;
}

function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  return u.toString();
}
