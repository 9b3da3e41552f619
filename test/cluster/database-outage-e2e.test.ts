/**
 * Losing the database: a `serve` replica on a throwaway PostgreSQL whose postmaster is stopped by PID mid-traffic and
 * started again. While it is away the replica's events queue in memory up to server.historyQueue (the rest dropped and
 * counted), GET /api/status says so, and a device file in its enrolment window is still never served; when it
 * returns the queue is written: psql (not the Store) finds every record kept, once each, in the order it happened.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { psqlRows } from '../helpers/psql.js';
import { adminJson, phoneClient, type ReplicaProcess, startReplica, until } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql');
const ADMIN_PASSWORD = 'outage-admin-password-143';
const DATABASE = 'gg_outage';
const PHONE = '00:15:65:00:43:20';
const BOUND = 40;

interface Status {
  database: { backend: string; reachable: boolean; queued: number; dropped: number; limit: number };
  coordination: { connected: boolean };
}

/**
 * The n-th probe's model: a shared file asked for by a model nobody knows is refused with an `unrenderable-request`
 * event naming it (no database needed to decide that), so the events table shows which probes were written, in order.
 */
const probeModel = (n: number) => `X${String(n).padStart(4, '0')}`;

describe.skipIf(peers.missing)(`history and events held while PostgreSQL is away${peers.note}`, () => {
  let cluster: PostgresCluster;
  let root: string;
  let replica: ReplicaProcess;

  beforeAll(async () => {
    cluster = await startPostgresCluster({ port: 21441 });
    await cluster.createDatabase(DATABASE);
    root = mkdtempSync(join(tmpdir(), 'gg-outage-'));
    const server = [
      'server:',
      '  dataDir: data',
      '  adminPort: 0',
      `  store: "${cluster.url(DATABASE)}"`,
      `  historyQueue: ${BOUND}`,
      // every probe is refused and counted: no ban may cut the traffic short
      '  rateLimits: { addressChallenges: 100000, subnetChallenges: 100000 }',
      '',
    ].join('\n');
    const configText = fleetYaml([{ mac: PHONE, vendor: 'yealink', model: 'T46U' }]).replace('server:\n', server);
    replica = await startReplica({
      root,
      name: 'a',
      port: 21442,
      configText,
      masterKeyHex: randomBytes(32).toString('hex'),
      adminPassword: ADMIN_PASSWORD,
    });
  }, 90_000);

  afterAll(async () => {
    await replica?.stop();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('queues to the bound while the database is away, drops and counts the rest, writes the queue in order once it is back', async () => {
    const status = () => adminJson<Status>(replica, '/api/status', ADMIN_PASSWORD);
    const phone = phoneClient(replica.port, '127.143.20.1');
    const probe = async (n: number) => {
      const res = await phone.request({
        method: 'GET',
        path: '/y000000000000.boot',
        headers: { 'user-agent': `Yealink SIP-${probeModel(n)} 108.86.0.45` },
      });
      await res.body.text();
      expect(res.statusCode).toBe(404);
    };
    const written = () =>
      psqlRows(cluster, DATABASE, "SELECT detail FROM events WHERE reason = 'unrenderable-request' ORDER BY id").map(([d]) => d!);

    expect((await status()).database).toEqual({ backend: 'postgres', reachable: true, queued: 0, dropped: 0, limit: BOUND });
    for (let n = 0; n < 10; n++) await probe(n);
    await until(() => written().length === 10, 5000, 'the first ten events written');

    const before = cluster.pid;
    await cluster.pause();
    // 60 probes while it is away: the first 40 queue, the last 20 are dropped and counted
    for (let n = 10; n < 70; n++) await probe(n);
    await until(async () => (await status()).database.reachable === false, 5000, 'status shows the database away');
    const away = await status();
    expect(away.database).toEqual({ backend: 'postgres', reachable: false, queued: BOUND, dropped: 20, limit: BOUND });
    // a device file in its enrolment window is not served without the database to close the window (fail closed)
    const deviceFile = await phone.request({
      method: 'GET',
      path: `/${PHONE.replaceAll(':', '')}.cfg`,
      headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${PHONE}` },
    });
    const body = await deviceFile.body.text();
    expect(deviceFile.statusCode).not.toBe(200);
    expect(body).not.toContain('account.1');

    await cluster.resume();
    expect(cluster.pid).not.toBe(before);
    // the queue is retried every second: once written, traffic goes on
    await until(async () => (await status()).database.queued === 0, 15_000, 'the queue written');
    for (let n = 70; n < 100; n++) await probe(n);
    await phone.close();
    await until(() => written().length >= 80, 15_000, 'the last probes written');
    const after = await status();
    expect(after.database).toMatchObject({ reachable: true, queued: 0, dropped: 20 });

    const expected = [
      ...Array.from({ length: 50 }, (_, n) => probeModel(n)),
      ...Array.from({ length: 30 }, (_, n) => probeModel(70 + n)),
    ].map((model) => `yealink model ${model}`);
    // each kept record once, in the order it happened; the twenty that arrived with the queue full are not there
    expect(written()).toEqual(expected);
    expect(replica.output()).toContain('history writes held');
    expect(replica.output()).toContain('database reachable again');
  });
});
