/**
 * The state store a server or command uses, from `server.store`: the SQLite file in the data directory (the default),
 * or PostgreSQL at a postgres:// URL, whose schema is migrated first (under an advisory lock: replicas migrate once).
 */
import { GhostguardError } from '../model/errors.js';
import type { Retention } from './retention.js';
import { migratePostgres } from './postgres-migrations.js';
import { isPostgresUrl, openPostgresPool } from './postgres-pool.js';
import { PostgresStore } from './postgres-store.js';
import { stateDatabasePath } from './sqlite-open.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

export interface StoreChoice {
  store?: string;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  onWriteError?: (message: string) => void;
  retention?: Retention;
  /** PostgreSQL: history records held while the database is away (server.historyQueue) */
  historyQueue?: number;
}

export async function openStore(c: StoreChoice): Promise<Store> {
  if (!isPostgresUrl(c.store)) return new SqliteStore(stateDatabasePath(c.dataDir), c.onWriteError, c.retention);
  const pool = openPostgresPool(c.store, c.env);
  // a connection the server drops while idle: reported, and the pool makes a new one on the next query
  pool.on('error', (err) => c.onWriteError?.(`state database: ${err.message}`));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof GhostguardError) throw err;
    throw new GhostguardError('GG_ERR_STORE', `server.store: PostgreSQL not reachable: ${(err as Error).message}`);
  }
  return new PostgresStore(pool, c.onWriteError, true, c.retention, c.historyQueue);
}
