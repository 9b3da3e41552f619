/**
 * The two state-store backends a test runs a server (or a Store) against, so one suite covers both without copying it:
 *
 *   for (const backend of storeBackends()) describe.skipIf(backend.missing)(`… on ${backend.name}${backend.note}`, () => {
 *     afterAll(() => backend.stop());
 *     … const target = await backend.target(); startRuntime(withStore(yaml, target)) …
 *     … await target.query('SELECT count(*) AS n FROM events', dataDir) …   // the test's own connection, not the Store
 *   });
 *
 * SQLite is the data directory's file; PostgreSQL is one throwaway cluster per test file (started on first use, a fresh
 * database per target, stopped by PID in stop()).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { migratePostgres } from '../../src/store/postgres-migrations.js';
import type { Retention } from '../../src/store/retention.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { type PostgresCluster, startPostgresCluster } from './postgres-cluster.js';
import { systemPeers } from './system-peers.js';

export interface StoreTarget {
  /** lines for the `server:` section ('' on SQLite: the data directory's own file) */
  readonly serverYaml: string;
  /** rows of a query through a connection of the test's own (SQLite: `dataDir`'s state file; PostgreSQL: this database) */
  query<T = Record<string, unknown>>(sql: string, dataDir: string): Promise<T[]>;
  /** a Store on this target, opened directly (no server) */
  open(dataDir: string, retention?: Retention): Promise<Store>;
}

export interface StoreBackend {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** true when the backend's system peers are missing (the describe is skipped; under CI the file fails instead) */
  readonly missing: boolean;
  readonly note: string;
  /** a fresh, empty state */
  target(): Promise<StoreTarget>;
  stop(): Promise<void>;
}

/** The config text with the target's store lines under `server:`. */
export const withStore = (yaml: string, target: StoreTarget): string => yaml.replace('server:\n', `server:\n${target.serverYaml}`);

const sqliteBackend: StoreBackend = {
  name: 'SQLite',
  missing: false,
  note: '',
  async target() {
    return {
      serverYaml: '',
      async query<T>(sql: string, dataDir: string) {
        const db = new Database(join(dataDir, 'state.sqlite'), { readonly: true });
        try {
          return db.prepare(sql).all() as T[];
        } finally {
          db.close();
        }
      },
      async open(dataDir: string, retention?: Retention) {
        return new SqliteStore(join(dataDir, 'state.sqlite'), undefined, retention);
      },
    };
  },
  async stop() {},
};

function postgresBackend(): StoreBackend {
  const peers = systemPeers('postgres', 'initdb');
  let cluster: Promise<PostgresCluster> | undefined;
  const pools: pg.Pool[] = [];
  let databases = 0;
  return {
    name: 'PostgreSQL',
    missing: peers.missing,
    note: peers.note,
    async target() {
      cluster ??= startPostgresCluster();
      const c = await cluster;
      const database = `gg_backend_${++databases}`;
      await c.createDatabase(database);
      const pool = new pg.Pool({ ...c.clientConfig(database), max: 4 });
      pool.on('error', () => {});
      pools.push(pool);
      return {
        serverYaml: `  store: "${c.url(database)}"\n`,
        async query<T>(sql: string) {
          return (await pool.query(sql)).rows as T[];
        },
        async open(_dataDir: string, retention?: Retention) {
          await migratePostgres(pool);
          return new PostgresStore(pool, undefined, false, retention);
        },
      };
    },
    async stop() {
      for (const p of pools.splice(0)) await p.end();
      if (cluster) await (await cluster).stop();
      cluster = undefined;
    },
  };
}

/** SQLite, then PostgreSQL. */
export function storeBackends(): StoreBackend[] {
  return [sqliteBackend, postgresBackend()];
}

/** One backend by name (a file that runs a suite on PostgreSQL only, beside another file running it on SQLite). */
export function storeBackend(name: StoreBackend['name']): StoreBackend {
  return name === 'SQLite' ? sqliteBackend : postgresBackend();
}
