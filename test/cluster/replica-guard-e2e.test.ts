/**
 * Rate buckets and the guessing-spread alert across two `ghostguard serve` replicas on one throwaway PostgreSQL, as
 * real processes. One address's requests split over A and B are limited by one bucket (burst 40, then one every
 * 5 s), not one per replica; guessing spread over six /24s, half through each replica — each half below
 * `spreadGuesses` — raises exactly one `distributed-guessing` event for the cluster; a harvester banned through A is
 * still refused by B after B restarts; credentials rotated with the CLI on the shared database reach the file B had
 * rendered and cached; an enrolment window one replica closed by serving the phone is closed on the other. Rows read
 * back with psql.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'undici';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { parseMac } from '../../src/model/mac.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { psqlRows } from '../helpers/psql.js';
import { phoneClient, type ReplicaProcess, sleep, startReplica, until } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql');
const KEY = randomBytes(32).toString('hex');
const DATABASE = 'gg_guard';
const MAC = '00:15:65:00:52:10';
const SPREAD_GUESSES = 40;
const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

describe.skipIf(peers.missing)(`rate buckets and the spread alert shared by two replicas${peers.note}`, () => {
  let cluster: PostgresCluster;
  let root: string;
  let a: ReplicaProcess;
  let b: ReplicaProcess;
  let spec: Omit<Parameters<typeof startReplica>[0], 'name' | 'port'>;

  beforeAll(async () => {
    cluster = await startPostgresCluster({ port: 22010 });
    await cluster.createDatabase(DATABASE);
    root = mkdtempSync(join(tmpdir(), 'gg-replica-guard-'));
    const server = [
      'server:',
      '  dataDir: data',
      '  adminPort: 0',
      `  store: "${cluster.url(DATABASE)}"`,
      '  enrolmentWindowHours: 0',
      '  rateLimits:',
      '    perAddress: { burst: 40, perSecond: 0.2 }',
      '    perSubnet: { burst: 100000, perSecond: 100000 }',
      `    spreadGuesses: ${SPREAD_GUESSES}`,
      '    spreadSubnets: 4',
      '    addressChallenges: 20',
      '',
    ].join('\n');
    const configText = fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace('server:\n', server);
    spec = { root, configText, masterKeyHex: KEY, adminPassword: 'guard-admin-password-152' };
    [a, b] = await Promise.all([startReplica({ ...spec, name: 'a', port: 22011 }), startReplica({ ...spec, name: 'b', port: 22012 })]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const get = async (c: Client, path: string, mac = MAC) => {
    const res = await c.request({ method: 'GET', path, headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${mac}` } });
    await res.body.text();
    return res.statusCode;
  };
  /** n requests from one address, taking turns between the replicas */
  const alternate = async (clients: Client[], n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(await get(clients[i % clients.length]!, '/y000000000000.boot'));
    return out;
  };

  it('one address over both replicas gets one bucket: after its burst, refused by both though each has tokens of its own', async () => {
    const address = '127.152.2.1';
    const clients = [phoneClient(a.port, address), phoneClient(b.port, address)];
    const first = await alternate(clients, 40);
    expect(first.filter((s) => s === 200)).toHaveLength(40);
    // each replica admitted 20 of its own 40; the shared bucket, written every 100 ms, is empty
    await sleep(500);
    const second = await alternate(clients, 20);
    await Promise.all(clients.map((c) => c.close()));
    // per-replica buckets would admit these 20 (20 more on each); shared, at most the tokens refilled since (0.2/s)
    expect(second.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    expect(second.filter((s) => s === 429).length).toBeGreaterThanOrEqual(18);
    const [row] = psqlRows(cluster, DATABASE, `SELECT tokens FROM gg_rate_buckets WHERE key = 'a:${address}'`);
    expect(Number(row![0])).toBeLessThan(1);
    // another address keeps its own bucket
    const other = phoneClient(b.port, '127.152.2.2');
    expect(await get(other, '/y000000000000.boot')).toBe(200);
    await other.close();
  });

  it('guessing spread over six /24s, half through each replica, each half below the threshold: exactly one event', async () => {
    const alerts = () => Number(psqlRows(cluster, DATABASE, "SELECT count(*) FROM events WHERE reason = 'distributed-guessing'")[0]![0]);
    const guess = async (replica: ReplicaProcess, network: number, n: number) => {
      const c = phoneClient(replica.port, `127.152.${20 + network}.9`);
      const statuses = new Set<number>();
      for (let i = 0; i < n; i++) {
        const mac = `00:15:65:${(0x60 + network).toString(16)}:${i.toString(16).padStart(2, '0')}:77`;
        statuses.add(await get(c, `/${mac.replaceAll(':', '')}.cfg`, mac));
      }
      await c.close();
      return [...statuses];
    };
    // 24 unpaid denials through A from three /24s: below 40 for the cluster too
    for (const network of [0, 1, 2]) expect(await guess(a, network, 8)).toEqual([401]);
    await sleep(600);
    expect(alerts()).toBe(0);
    // 24 more through B from three other /24s: B alone is below 40, together 48 from six /24s
    for (const network of [3, 4, 5]) expect(await guess(b, network, 8)).toEqual([401]);
    await until(() => alerts() >= 1, 5000, 'the distributed-guessing event');
    // both replicas flushed everything since, and a few more guesses: still one for the window
    await guess(a, 6, 4);
    await guess(b, 7, 4);
    await sleep(1000);
    expect(alerts()).toBe(1);
    const [event] = psqlRows(cluster, DATABASE, "SELECT severity, detail FROM events WHERE reason = 'distributed-guessing'");
    expect(event![0]).toBe('high');
    // the alert fires at the first flush holding 40 from 4+ networks: B's flush may land after its 2nd network (5 in all)
    expect(event![1]).toMatch(/^4\d refused requests not paid back by an authenticated fetch from [5-8] networks in 10 min/);
    expect(Number(psqlRows(cluster, DATABASE, "SELECT count(*) FROM events WHERE reason = 'banned'")[0]![0])).toBe(0);
  });

  it('a harvester banned through A is refused by B, and still after B restarts (the ban is in the database)', async () => {
    const harvester = '127.152.3.1';
    const toA = phoneClient(a.port, harvester);
    let banned = false;
    for (let i = 0; i < 30 && !banned; i++) {
      const mac = `00:15:65:7${i % 10}:${i.toString(16).padStart(2, '0')}:33`;
      banned = (await get(toA, `/${mac.replaceAll(':', '')}.cfg`, mac)) === 403;
    }
    await toA.close();
    expect(banned).toBe(true);
    const boot = async () => {
      const c = phoneClient(b.port, harvester);
      const status = await get(c, '/y000000000000.boot');
      await c.close();
      return status;
    };
    await until(async () => (await boot()) === 403, 1000, 'B refuses the harvester');
    expect(await b.stop()).toBe(0);
    b = await startReplica({ ...spec, name: 'b', port: 22012 });
    expect(await boot()).toBe(403);
    const [ban] = psqlRows(cluster, DATABASE, `SELECT until_ms FROM gg_bans WHERE key = '${harvester}'`);
    expect(Number(ban![0])).toBeGreaterThan(Date.now());
    // a phone from another address is served by the restarted replica
    const phone = phoneClient(b.port, '127.152.3.2');
    expect(await get(phone, '/y000000000000.boot')).toBe(200);
    await phone.close();
  });

  it('credentials rotated with ghostguard rotate --sip on the shared database: B, which had cached the file, serves the new one', async () => {
    const m = parseMac(MAC)!;
    const uri = `/${m}.cfg`;
    const { config } = parseConfig(spec.configText, join(root, 'a', 'ghostguard.yaml'), catalogueOf(VENDORS));
    const inventory = new Inventory(config!, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    const fetchFromB = async () => {
      const c = phoneClient(b.port, '127.152.4.1');
      const challenge = await c.request({ method: 'GET', path: uri, headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}` } });
      await challenge.body.text();
      // the first generation's credentials: still accepted after a rotation until the phone fetches with the new ones
      const authorization = digestHeader(
        inventory.provisioningUsername(m),
        inventory.provisioningPassword(m, 0),
        'GET',
        uri,
        nonceFrom(challenge.headers['www-authenticate']),
      );
      const res = await c.request({
        method: 'GET',
        path: uri,
        headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}`, authorization },
      });
      const body = await res.body.text();
      await c.close();
      expect(res.statusCode).toBe(200);
      return body;
    };
    const cli = (...args: string[]) =>
      run(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), ...args, '-c', join(root, 'a', 'ghostguard.yaml')], {
        cwd: join(root, 'a'),
        timeout: 60_000,
      });
    const sipPassword = async () => {
      const { stdout } = await cli('sip-credentials', MAC, '--format', 'csv');
      return stdout.trim().split('\n')[1]!.split(',')[5]!;
    };
    const before = await fetchFromB();
    expect(await fetchFromB()).toBe(before);
    const oldPassword = await sipPassword();
    expect(before).toContain(oldPassword);
    const rotated = await cli('rotate', MAC, '--sip');
    expect(rotated.stdout).toContain('generation 1');
    const newPassword = await sipPassword();
    expect(newPassword).not.toBe(oldPassword);
    const after = await fetchFromB();
    expect(after).toContain(newPassword);
    expect(after).not.toContain(oldPassword);
  });

  it('an enrolment closed by one replica is closed for all: the file served once through A is refused without credentials by B', async () => {
    const cwd = join(root, 'a');
    const opened = await run(
      process.execPath,
      [join(ROOT, 'bin/ghostguard.mjs'), 'enroll', MAC, '--hours', '1', '-c', join(cwd, 'ghostguard.yaml')],
      {
        cwd,
        timeout: 60_000,
      },
    );
    expect(opened.stdout).toMatch(/enrolment window/i);
    const uri = `/${parseMac(MAC)!}.cfg`;
    const fetch = async (replica: ReplicaProcess) => {
      const c = phoneClient(replica.port, '127.152.5.1');
      const res = await c.request({ method: 'GET', path: uri, headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}` } });
      const body = await res.body.text();
      await c.close();
      return { status: res.statusCode, body };
    };
    const first = await fetch(a);
    expect(first.status).toBe(200);
    expect(first.body).toContain('account.1');
    const second = await fetch(b);
    expect(second.status).toBe(401);
    expect(second.body).not.toContain('account.1');
    const [closed] = psqlRows(cluster, DATABASE, `SELECT closed_at IS NOT NULL FROM enrolments WHERE mac = '${parseMac(MAC)!}'`);
    expect(closed).toEqual(['t']);
  });
});
