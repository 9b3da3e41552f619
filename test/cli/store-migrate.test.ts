/** `ghostguard store migrate` through the CLI: on a throwaway PostgreSQL the first run applies the schema, the next finds it up to date. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { main } from '../../src/cli/main.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { writeTempConfig } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb');

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
    expect(first).toMatchObject({ code: 0, out: 'PostgreSQL: applied migration(s) 1, 2\n' });
    expect(await cli(['store', 'migrate', '-c', path], dir)).toMatchObject({ code: 0, out: 'PostgreSQL: schema up to date\n' });
    const client = new pg.Client(cluster.clientConfig('gg_store_migrate'));
    await client.connect();
    const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    await client.end();
    expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toContain('enrolments');
  });
});
