/** The PostgreSQL backend against the Store conformance suite (test/store/conformance.ts), on a throwaway cluster. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhostguardError } from '../../src/model/errors.js';
import { migratePostgres, POSTGRES_MIGRATIONS } from '../../src/store/postgres-migrations.js';
import { PostgresHistoryQueue } from '../../src/store/postgres-history-queue.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { systemPeers } from '../helpers/system-peers.js';
import { storeConformance } from './conformance.js';

const peers = systemPeers('postgres', 'initdb');

describe.skipIf(peers.missing)(`PostgreSQL store${peers.note}`, () => {
  let cluster: PostgresCluster;
  const pools: pg.Pool[] = [];
  let databases = 0;
  const pool = (database: string) => {
    const p = new pg.Pool({ ...cluster.clientConfig(database), max: 4 });
    p.on('error', () => {});
    pools.push(p);
    return p;
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(async () => {
    for (const p of pools) await p.end();
    await cluster?.stop();
  });

  storeConformance('PostgreSQL', async () => {
    const database = `gg_conformance_${++databases}`;
    await cluster.createDatabase(database);
    const first = pool(database);
    await migratePostgres(first);
    return { store: new PostgresStore(first), reopen: () => new PostgresStore(pool(database)) };
  });

  it('a history batch whose COMMIT went through but whose answer was lost is written once, not again when retried', async () => {
    await cluster.createDatabase('gg_lost_commit');
    const real = pool('gg_lost_commit');
    await migratePostgres(real);
    let lost = 0;
    // a pool whose first COMMIT reaches the database and then loses its answer, as a connection dropped at that moment
    const flaky = {
      query: real.query.bind(real),
      on: real.on.bind(real),
      connect: async () => {
        const client = await real.connect();
        return {
          release: (err?: Error) => client.release(err),
          query: async (sql: string, values?: unknown[]) => {
            const answer = await client.query(sql, values);
            if (sql === 'COMMIT' && lost++ === 0) throw new Error('Connection terminated unexpectedly');
            return answer;
          },
        };
      },
    } as unknown as pg.Pool;
    const lines: string[] = [];
    const queue = new PostgresHistoryQueue(flaky, (m) => lines.push(m), 100);
    for (let n = 0; n < 5; n++)
      queue.event({ ts: new Date(Date.UTC(2026, 2, 1, 0, 0, n)).toISOString(), reason: 'unknown-mac', severity: 'low', detail: `n${n}` });
    await queue.flush();
    expect(queue.status()).toMatchObject({ reachable: false, queued: 5, dropped: 0 });
    const deadline = Date.now() + 5000;
    while (queue.status().queued > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(queue.status()).toMatchObject({ reachable: true, queued: 0, dropped: 0 });
    const { rows } = await real.query('SELECT detail FROM events ORDER BY id');
    expect(rows.map((r: { detail: string }) => r.detail)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(lines[0]).toContain('history writes held');
    await queue.close();
  });

  describe('migrations', () => {
    it('replicas starting together migrate once; again applies nothing; a newer schema is refused untouched', async () => {
      await cluster.createDatabase('gg_migrate');
      const [a, b, c] = [pool('gg_migrate'), pool('gg_migrate'), pool('gg_migrate')];
      const applied = await Promise.all([migratePostgres(a), migratePostgres(b), migratePostgres(c)]);
      expect(applied.flat()).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
      expect(await migratePostgres(a)).toEqual([]);
      await a.query("INSERT INTO schema_version (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01')");
      const refused = await migratePostgres(b).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(GhostguardError);
      expect((refused as GhostguardError).code).toBe('GG_ERR_STORE_SCHEMA');
      const versions = await a.query('SELECT version FROM schema_version ORDER BY version');
      expect(versions.rows.map((r: { version: number }) => r.version)).toEqual([...POSTGRES_MIGRATIONS.map((m) => m.version), 99]);
      expect(POSTGRES_MIGRATIONS.map((m) => m.version)).toEqual(POSTGRES_MIGRATIONS.map((_, i) => i + 1));
    });
  });
});
