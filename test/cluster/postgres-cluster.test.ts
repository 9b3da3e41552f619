import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb');

describe.skipIf(peers.missing)(`throwaway PostgreSQL cluster${peers.note}`, () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster({ host: '127.132.0.1', port: 20001 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers select 1 through pg over its unix socket and over its loopback address', async () => {
    const overSocket = new pg.Client(cluster.clientConfig());
    await overSocket.connect();
    const viaSocket = await overSocket.query('select 1 as one');
    await overSocket.end();
    expect(viaSocket.rows).toEqual([{ one: 1 }]);

    const overTcp = new pg.Client({ connectionString: cluster.url() });
    await overTcp.connect();
    const viaTcp = await overTcp.query("select 1 as one, current_setting('fsync') as fsync, current_user as who");
    await overTcp.end();
    expect(viaTcp.rows).toEqual([{ one: 1, fsync: 'off', who: 'postgres' }]);
  });

  it('gives each test its own database', async () => {
    await cluster.createDatabase('gg_helper_probe');
    const client = new pg.Client(cluster.clientConfig('gg_helper_probe'));
    await client.connect();
    const { rows } = await client.query('select current_database() as db');
    await client.end();
    expect(rows).toEqual([{ db: 'gg_helper_probe' }]);
  });

  it('stops by PID and removes its directory', async () => {
    const second = await startPostgresCluster({ port: 20002 });
    expect(existsSync(second.dir)).toBe(true);
    const client = new pg.Client({ connectionString: second.url() });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    await second.stop();
    expect(existsSync(second.dir)).toBe(false);
    expect(() => process.kill(second.pid, 0)).toThrow();
  });
});
