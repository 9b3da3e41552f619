/**
 * The one place a PostgreSQL connection pool is made from the config's `server.store` URL: a bounded pool, a
 * statement timeout (a query stuck on a lock never holds a phone's request for long), connect timeout and keepalive;
 * the password comes from the environment variable the URL names (`env:NAME`); TLS from the URL (`?sslmode=require`).
 * A connection the server drops is discarded by the pool and a new one made on the next query: reconnection is the
 * pool's.
 */
import pg from 'pg';
import { GhostguardError } from '../model/errors.js';

export const POOL_DEFAULTS = { max: 10, statementTimeoutMs: 5000, connectTimeoutMs: 5000, idleMs: 30_000 };

export function isPostgresUrl(store: string | undefined): store is `postgres://${string}` | `postgresql://${string}` {
  return store !== undefined && /^postgres(ql)?:\/\//.test(store);
}

/** A connection string with `env:NAME` replaced by that variable's value (URL-encoded). */
export function resolvePostgresUrl(store: string, env: Readonly<Record<string, string | undefined>>): string {
  const url = new URL(store);
  const password = decodeURIComponent(url.password);
  if (!password.startsWith('env:')) return store;
  const name = password.slice(4);
  const value = env[name];
  if (value === undefined || value === '')
    throw new GhostguardError('GG_ERR_SECRET_MISSING', `server.store: the database password variable ${name} is not set`);
  url.password = encodeURIComponent(value);
  return url.toString();
}

export function openPostgresPool(store: string, env: Readonly<Record<string, string | undefined>>, max = POOL_DEFAULTS.max): pg.Pool {
  return new pg.Pool({
    connectionString: resolvePostgresUrl(store, env),
    max,
    statement_timeout: POOL_DEFAULTS.statementTimeoutMs,
    connectionTimeoutMillis: POOL_DEFAULTS.connectTimeoutMs,
    idleTimeoutMillis: POOL_DEFAULTS.idleMs,
    keepAlive: true,
  });
}

/**
 * Text as PostgreSQL can store it: a NUL character, which SQLite keeps and PostgreSQL's text refuses ("invalid byte
 * sequence"), becomes U+FFFD. Without this one hostile value (a garbage upload's parse error, say) would fail the whole
 * batch of history and events it arrived in.
 */
export const postgresText = <T>(v: T): T => (typeof v === 'string' && v.includes('\0') ? (v.replaceAll('\0', '\uFFFD') as T) : v);

/** a pool or one of its connections (inside a transaction) */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Runs `work` on one connection inside BEGIN … COMMIT; rolls back and rethrows when it fails; always releases. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
