/**
 * `ghostguard store migrate` through the CLI: on a throwaway PostgreSQL the first run applies the whole schema (state
 * and coordination tables), the next finds it up to date; a database the previous release created (coordination
 * tables made outside the numbered migrations) is adopted: its rows kept, its schema then as pg_dump prints a new one.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { main } from '../../src/cli/main.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { writeTempConfig } from '../helpers/runtime.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'pg_dump');

/** the coordination tables as the previous release created them, under its own lock (src/cluster/postgres-schema.ts then) */
const PREVIOUS_RELEASE_COORDINATION = [
  'CREATE TABLE IF NOT EXISTS gg_cluster_key (id smallint PRIMARY KEY CHECK (id = 1), fingerprint text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE IF NOT EXISTS gg_bans (key text PRIMARY KEY, until_ms bigint NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_guard_counts (key text PRIMARY KEY, since timestamptz NOT NULL, count integer NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_replicas (id text PRIMARY KEY, inventory_version text NOT NULL, seen_at timestamptz NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_nonce_counts (nonce text PRIMARY KEY, last_count bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())',
];

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false });
  return { code, out, err };
}

describe.skipIf(peers.missing)(`ghostguard store migrate${peers.note}`, () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    await cluster.createDatabase('gg_store_migrate');
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('applies the PostgreSQL schema once, then reports it up to date', async () => {
    const { dir, path } = writeTempConfig(
      `server:\n  dataDir: data\n  store: "${cluster.url('gg_store_migrate')}"\nsites:\n  hq: { registrar: 127.0.0.2 }\ndevices: []\n`,
    );
    const first = await cli(['store', 'migrate', '-c', path], dir);
    expect(first).toMatchObject({ code: 0, out: 'PostgreSQL: applied migration(s) 1, 2, 3, 4\n' });
    expect(await cli(['store', 'migrate', '-c', path], dir)).toMatchObject({ code: 0, out: 'PostgreSQL: schema up to date\n' });
    const client = new pg.Client(cluster.clientConfig('gg_store_migrate'));
    await client.connect();
    const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    await client.end();
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toEqual(
      expect.arrayContaining(['enrolments', 'gg_bans', 'gg_cluster_key', 'gg_guard_counts', 'gg_nonce_counts', 'gg_replicas']),
    );
  });

  it("adopts a database the previous release created: its rows kept, then the same schema as a new one's", async () => {
    const configFor = (database: string) =>
      writeTempConfig(
        `server:\n  dataDir: data\n  store: "${cluster.url(database)}"\nsites:\n  hq: { registrar: 127.0.0.2 }\ndevices: []\n`,
      );
    await cluster.createDatabase('gg_previous');
    const previous = new pg.Pool(cluster.clientConfig('gg_previous'));
    // the previous release: migration 1 (unchanged since), then its coordination tables with a replica's rows in them
    await migratePostgres(previous, POSTGRES_MIGRATIONS.slice(0, 1));
    for (const sql of PREVIOUS_RELEASE_COORDINATION) await previous.query(sql);
    await previous.query("INSERT INTO gg_cluster_key (id, fingerprint) VALUES (1, 'f1f1')");
    await previous.query("INSERT INTO gg_bans (key, until_ms) VALUES ('127.141.5.1', 4102444800000)");
    await previous.query("INSERT INTO gg_nonce_counts (nonce, last_count) VALUES ('n-1', 3)");
    await previous.query(
      "INSERT INTO credentials (mac, generation, previous_generation, sip_generation) VALUES ('001565004105', 2, NULL, 1)",
    );
    const old = configFor('gg_previous');
    expect(await cli(['store', 'migrate', '-c', old.path], old.dir)).toMatchObject({
      code: 0,
      out: 'PostgreSQL: applied migration(s) 2, 3, 4\n',
    });
    const rows = await previous.query(
      `SELECT (SELECT fingerprint FROM gg_cluster_key) AS key, (SELECT key FROM gg_bans) AS ban,
              (SELECT last_count FROM gg_nonce_counts WHERE nonce = 'n-1') AS nc, (SELECT generation FROM credentials) AS generation`,
    );
    await previous.end();
    expect(rows.rows).toEqual([{ key: 'f1f1', ban: '127.141.5.1', nc: '3', generation: 2 }]);

    await cluster.createDatabase('gg_new');
    const fresh = configFor('gg_new');
    expect((await cli(['store', 'migrate', '-c', fresh.path], fresh.dir)).code).toBe(0);
    const schema = (database: string) =>
      execFileSync(
        peers.path('pg_dump'),
        ['--schema-only', '--no-owner', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', database],
        {
          encoding: 'utf8',
        },
      )
        // pg_dump 15.14+ brackets its output with a random \restrict key
        .replace(/^\\(un)?restrict .*$/gm, '');
    expect(schema('gg_previous')).toBe(schema('gg_new'));
  });
});
