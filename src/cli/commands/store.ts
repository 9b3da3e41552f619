/** `ghostguard store migrate`: applies the state store's schema migrations alone (serve also applies them at start). */
import { migratePostgres } from '../../store/postgres-migrations.js';
import { isPostgresUrl, openPostgresPool } from '../../store/postgres-pool.js';
import { openStateDatabase, stateDatabasePath } from '../../store/sqlite-open.js';
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
