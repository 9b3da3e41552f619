/**
 * Two `ghostguard serve` replicas on one throwaway PostgreSQL behind real HAProxy (TCP mode, `balance roundrobin`,
 * `send-proxy-v2`, health checks, redispatch), the replicas reading the phone's address from the PROXY header:
 * a harvester banned via replica A is refused by B through the balancer (the ban keyed on the harvester's address, not
 * HAProxy's), a Digest header accepted by one replica is refused when replayed to the other, and a storm of phones
 * (each from its own address, retrying as real phones do) during which the replica running the schedule is killed with
 * SIGKILL: every phone boots, the fetch history holds exactly one row per delivered device file under the phone's
 * address (read with psql, not through the Store code), and the schedule runs once per interval, on the survivor after.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { parseMac } from '../../src/model/mac.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';
import { bootPhone } from '../helpers/booting-phone.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { type Haproxy, startHaproxy } from '../helpers/haproxy.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { type Replica, startReplica } from '../helpers/replica.js';
import { until } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql', 'haproxy');
const KEY = randomBytes(32).toString('hex');
const HOST = '127.142.0.1';
const PORTS = [20401, 20402];
const BALANCER = { host: '127.142.0.10', port: 20400 };
const BALANCER_SOURCE = '127.142.0.9';
const PHONES = Number(process.env.GG_HAPROXY_E2E_PHONES ?? 2000);
const EVERY_S = 3;
const REPLAY_MAC = '00:15:65:43:ff:01';
const macOf = (i: number) => `001565${(0x420000 + i).toString(16).padStart(6, '0')}`;
const addressOf = (i: number) => `127.142.${10 + Math.floor(i / 200)}.${1 + (i % 200)}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(peers.missing)(`two replicas behind HAProxy on one PostgreSQL${peers.note}`, () => {
  let cluster: PostgresCluster;
  let balancer: Haproxy;
  let root: string;
  let inventory: Inventory;
  const replicas: Replica[] = [];

  /** rows from psql (tab-separated), through the cluster's unix socket */
  const psql = (sql: string): string[][] =>
    execFileSync(
      peers.path('psql'),
      ['-X', '-A', '-t', '-F', '\t', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-d', 'gg_haproxy', '-c', sql],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));

  /** the servers (r0, r1) HAProxy's tcplog names for the connections of one client address, in the order they ended */
  const serversFor = (address: string): string[] =>
    balancer
      .output()
      .split('\n')
      .filter((l) => l.startsWith(`${address}:`))
      .map((l) => / replicas\/(r\d) /.exec(l)?.[1] ?? '?');

  beforeAll(async () => {
    cluster = await startPostgresCluster({ port: 20142 });
    await cluster.createDatabase('gg_haproxy');
    root = mkdtempSync(join(tmpdir(), 'gg-haproxy-replicas-'));
    const devices = [
      { mac: REPLAY_MAC, vendor: 'yealink', model: 'T46U' },
      ...Array.from({ length: PHONES }, (_, i) => ({ mac: macOf(i).match(/../g)!.join(':'), vendor: 'yealink', model: 'T46U' })),
    ];
    const server = [
      'server:',
      `  host: ${HOST}`,
      '  dataDir: data',
      '  adminPort: 0',
      `  store: "${cluster.url('gg_haproxy')}"`,
      '  enrolmentWindowHours: 0',
      `  proxyProtocol: { from: [${BALANCER_SOURCE}] }`,
      '  rateLimits: { addressChallenges: 20, addressFailures: 5, subnetChallenges: 100000, subnetFailures: 100000, perSubnet: { burst: 100000, perSecond: 100000 } }',
      '',
    ].join('\n');
    const schedule = [
      'schedules:',
      '  - name: balanced-sweep',
      '    targets: [127.142.7.1]',
      `    every: ${EVERY_S}s`,
      '    options: { sipPorts: [20497], httpPorts: [20498], httpsPorts: [20499], snmpPort: 20496, timeoutMs: 200, retries: 0 }',
    ].join('\n');
    const configText = fleetYaml(devices, schedule).replace('server:\n', server);
    const { config, issues } = parseConfig(configText, join(root, 'x.yaml'), catalogueOf(VENDORS));
    if (!config) throw new Error(issues.map((i) => i.message).join('; '));
    inventory = new Inventory(config, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    replicas.push(
      ...(await Promise.all(['a', 'b'].map((name, i) => startReplica({ root, name, configText, port: PORTS[i]!, masterKey: KEY })))),
    );
    balancer = await startHaproxy({
      bin: peers.path('haproxy'),
      listen: BALANCER,
      servers: PORTS.map((port) => ({ host: HOST, port })),
      source: BALANCER_SOURCE,
      proxy: 'send-proxy-v2',
    });
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    for (const r of replicas) await r.stop();
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const viaBalancer = (address: string) =>
    new Client(`https://${BALANCER.host}:${BALANCER.port}`, { localAddress: address, connect: { rejectUnauthorized: false } });
  /** one request on a connection of its own (HAProxy balances connections, not requests) */
  const once = async (address: string, path: string, headers: Record<string, string>) => {
    const c = viaBalancer(address);
    try {
      const res = await c.request({ method: 'GET', path, headers });
      await res.body.text();
      return res;
    } finally {
      await c.close();
    }
  };

  it("a harvester banned via replica A is refused by B through the balancer; the balancer's other phones are served", async () => {
    const harvester = '127.142.6.1';
    // straight to A (an address not in proxyProtocol.from is served under its own address)
    const toA = new Client(`https://${HOST}:${PORTS[0]}`, { localAddress: harvester, connect: { rejectUnauthorized: false } });
    let banned = false;
    for (let i = 0; i < 100 && !banned; i++) {
      const mac = `001565${(0x530000 + i * 7919).toString(16).slice(-6)}`;
      const res = await toA.request({
        method: 'GET',
        path: `/${mac}.cfg`,
        headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${mac.match(/../g)!.join(':')}` },
      });
      await res.body.text();
      banned = res.statusCode === 403;
    }
    await toA.close();
    expect(banned).toBe(true);
    await sleep(1000);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await once(harvester, '/y000000000000.boot', { 'user-agent': 'harvester' })).statusCode);
    expect(statuses).toEqual([403, 403, 403, 403]);
    await until(() => serversFor(harvester).length >= 4, 3000, 'haproxy logged the connections');
    expect(new Set(serversFor(harvester))).toEqual(new Set(['r0', 'r1']));
    // the ban is the harvester's, not the balancer's: another phone through the same balancer is served by both
    const other: number[] = [];
    for (let i = 0; i < 2; i++) other.push((await once('127.142.6.2', '/y000000000000.boot', { 'user-agent': 'phone' })).statusCode);
    expect(other).toEqual([200, 200]);
  });

  it('a Digest header accepted by one replica is refused when replayed to the other through the balancer', async () => {
    const phone = '127.142.8.1';
    const m = parseMac(REPLAY_MAC)!;
    const path = `/${m}.cfg`;
    const ua = { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${REPLAY_MAC}` };
    const challenge = await once(phone, path, ua);
    expect(challenge.statusCode).toBe(401);
    const authorization = digestHeader(
      inventory.provisioningUsername(m),
      inventory.provisioningPassword(m, 0),
      'GET',
      path,
      nonceFrom(challenge.headers['www-authenticate']),
    );
    expect((await once(phone, path, { ...ua, authorization })).statusCode).toBe(200);
    expect((await once(phone, path, { ...ua, authorization })).statusCode).toBe(401);
    await until(() => serversFor(phone).length >= 3, 3000, 'haproxy logged the connections');
    const [, accepted, replayed] = serversFor(phone);
    expect(accepted).not.toBe(replayed);
  });

  it(`${PHONES} phones boot through the balancer while the replica running the schedule is SIGKILLed: exactly one history row per delivered file, the schedule moves`, async () => {
    const runs = (r: Replica) => (r.output().match(/schedule balanced-sweep: audit #/g) ?? []).length;
    await until(() => replicas.some((r) => runs(r) > 0), 20_000, 'a first scheduled run');
    const leader = replicas.find((r) => runs(r) > 0)!;
    const survivor = replicas.find((r) => r !== leader)!;
    const survivorRunsBefore = runs(survivor);
    expect(survivorRunsBefore).toBe(0);

    let booted = 0;
    let killedAt = -1;
    const started = Date.now();
    const storm = Array.from({ length: PHONES }, async (_, i) => {
      // phones power up over a few seconds (150 a second), as a site does after a power cut
      await sleep(Math.floor((i / 150) * 1000));
      const m = parseMac(macOf(i))!;
      const outcome = await bootPhone({
        origin: `https://${BALANCER.host}:${BALANCER.port}`,
        address: addressOf(i),
        mac: macOf(i),
        username: inventory.provisioningUsername(m),
        password: inventory.provisioningPassword(m, 0),
      });
      if (outcome.booted && ++booted === Math.floor(PHONES / 3)) {
        killedAt = Date.now() - started;
        leader.child.kill('SIGKILL');
      }
      return outcome;
    });
    const outcomes = await Promise.all(storm);
    const seconds = (Date.now() - started) / 1000;
    expect(killedAt, 'the leader was killed mid-storm').toBeGreaterThan(0);
    expect(await leader.exited).toBeNull();
    const notBooted = outcomes.map((o, i) => (o.booted ? -1 : i)).filter((i) => i >= 0);
    expect(notBooted, `phones that did not boot (storm ${seconds.toFixed(1)} s)`).toEqual([]);

    // the history, read with psql: exactly one 200 row per phone's device file, under the phone's own address
    const expected = new Map(Array.from({ length: PHONES }, (_, i) => [macOf(i), addressOf(i)]));
    const rowsOf = () =>
      psql(`SELECT mac, file, source, count(*) FROM fetches WHERE status = 200 AND mac LIKE '00156542%' GROUP BY mac, file, source`);
    await until(() => rowsOf().length >= PHONES, 5000, 'the survivor wrote its history batches').catch(() => {});
    const rows = rowsOf();
    const byMac = new Map<string, { file: string; source: string; count: number }[]>();
    for (const [mac, file, source, count] of rows)
      byMac.set(mac!, [...(byMac.get(mac!) ?? []), { file: file!, source: source!, count: Number(count) }]);
    // a phone whose Digest fetch the kill cut off may also have a row from the dead replica: committed before the answer
    // left, the answer never arrived (the phone then got its file from the survivor); every other phone has exactly one
    const cut = new Set(outcomes.flatMap((o, i) => (o.deliveryCut ? [macOf(i)] : [])));
    const wrong = [...expected].filter(([mac, address]) => {
      const got = byMac.get(mac);
      const most = cut.has(mac) ? 2 : 1;
      return got?.length !== 1 || got[0]!.count < 1 || got[0]!.count > most || got[0]!.file !== `${mac}.cfg` || got[0]!.source !== address;
    });
    expect(wrong.map(([mac]) => [mac, cut.has(mac), byMac.get(mac)])).toEqual([]);
    expect(rows.length).toBe(PHONES);

    // the schedule: the survivor takes over, and runs stay one interval apart across the handover
    await until(() => runs(survivor) > survivorRunsBefore, 15_000, 'the survivor runs the schedule');
    expect(survivor.output()).toContain('this replica now runs the schedules');
    const starts = psql(`SELECT started_at FROM schedule_runs WHERE schedule = 'balanced-sweep' ORDER BY started_at`).map((r) =>
      Date.parse(r[0]!),
    );
    expect(starts.length).toBeGreaterThanOrEqual(2);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(Math.min(...gaps), `gaps between runs: ${gaps.join(', ')} ms`).toBeGreaterThanOrEqual(EVERY_S * 1000 * 0.9);
  }, 300_000);
});
