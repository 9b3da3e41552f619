/**
 * The PostgreSQL pool `server.store` opens is bounded: 60 queries at once against a throwaway cluster all complete,
 * while PostgreSQL's own view (pg_stat_activity, read from a separate connection) never shows more than the pool's
 * 10 connections to the database.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresPool, POOL_DEFAULTS } from '../../src/store/postgres-pool.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb');
const DATABASE = 'gg_pool_bound';

describe.skipIf(peers.missing)(`the PostgreSQL pool${peers.note}`, () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    await cluster.createDatabase(DATABASE);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('holds at most its bound of connections while 60 queries wait their turn, and answers them all', async () => {
    const pool = openPostgresPool(cluster.url(DATABASE), {});
    // connections the cluster's stop ends are no failure of the test
    pool.on('error', () => {});
    const observer = new pg.Client(cluster.clientConfig(DATABASE));
    observer.on('error', () => {});
    await observer.connect();
    try {
      const connections = async () =>
        (
          await observer.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [DATABASE],
          )
        ).rows[0]!.n;
      let busiest = 0;
      let done = false;
      const queries = Promise.all(
        Array.from({ length: 60 }, (_, i) => pool.query<{ i: number }>('SELECT $1::int AS i, pg_sleep(0.1)', [i])),
      );
      const watching = (async () => {
        // bounded: the queries take about 0.6 s in six rounds of ten
        for (let k = 0; k < 500 && !done; k++) {
          busiest = Math.max(busiest, await connections());
          await new Promise((r) => setTimeout(r, 10));
        }
      })();
      const answers = await queries;
      done = true;
      await watching;
      expect(answers.map((a) => a.rows[0]!.i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      expect(POOL_DEFAULTS.max).toBe(10);
      expect(busiest).toBe(POOL_DEFAULTS.max);
    } finally {
      await observer.end();
      await pool.end();
    }
  });
});
