/**
 * Two `ghostguard serve` replicas as real processes, each with its own data directory and the same master key, on one
 * throwaway PostgreSQL (`server.store: postgres://…`): a harvester banned by replica A is refused by replica B, a
 * Digest header A accepted is refused when replayed to B, a replica with another master key refuses to start, and the
 * schedule runs on one replica only and moves to the survivor when the leader is killed with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { parseMac } from '../../src/model/mac.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { until } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb');
const ROOT = join(import.meta.dirname, '../..');
const MAC = '00:15:65:00:32:10';
const KEY = randomBytes(32).toString('hex');
const UA = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;
const ADMIN_PASSWORD = 'replica-admin-password-132';

interface Replica {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

describe.skipIf(peers.missing)(`two serve replicas on one PostgreSQL${peers.note}`, () => {
  let cluster: PostgresCluster;
  let root: string;
  let configText: string;
  const replicas: Replica[] = [];

  const startReplica = async (name: string, port: number, masterKey = KEY, waitReady = true, extra = ''): Promise<Replica> => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'data', 'master.key'), `${masterKey}\n`, { mode: 0o600 });
    const path = join(dir, 'ghostguard.yaml');
    // the same file on every replica (as from one git checkout): relative data directory, port on the command line
    writeFileSync(path, configText + extra);
    const args = ['serve', '--config', path, '--port', String(port), '--duration', '120'];
    const child = spawn(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GHOSTGUARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const replica = { child, port, output: () => output, exited };
    replicas.push(replica);
    if (waitReady) await until(() => output.includes('phones:') || child.exitCode !== null, 30_000, `${name} ready`);
    return replica;
  };

  beforeAll(async () => {
    cluster = await startPostgresCluster({ port: 20030 });
    await cluster.createDatabase('gg_replicas');
    root = mkdtempSync(join(tmpdir(), 'gg-replicas-'));
    const server = [
      'server:',
      '  dataDir: data',
      '  adminPort: 0',
      `  store: "${cluster.url('gg_replicas')}"`,
      '  enrolmentWindowHours: 0',
      '  rateLimits: { addressChallenges: 20, addressFailures: 5 }',
      '',
    ].join('\n');
    const schedule = [
      'schedules:',
      '  - name: replica-sweep',
      '    targets: [127.132.7.1]',
      '    every: 3s',
      '    options: { sipPorts: [20097], httpPorts: [20098], httpsPorts: [20099], snmpPort: 20096, timeoutMs: 200, retries: 0 }',
    ].join('\n');
    const yaml = fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }], schedule).replace('server:\n', server);
    configText = yaml;
    await startReplica('a', 20031);
    await startReplica('b', 20032);
    for (const r of replicas) expect(r.output(), r.output()).toContain('phones:');
  });

  afterAll(async () => {
    for (const r of replicas) {
      if (r.child.exitCode === null && !r.child.signalCode) r.child.kill('SIGTERM');
      await r.exited;
    }
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const client = (port: number, address: string) =>
    new Client(`https://127.0.0.1:${port}`, { localAddress: address, connect: { rejectUnauthorized: false } });
  const get = async (c: Client, path: string, headers: Record<string, string> = {}) => {
    const res = await c.request({ method: 'GET', path, headers: { 'user-agent': UA, ...headers } });
    await res.body.text();
    return res;
  };

  it('a replica whose master key differs refuses to start with GG_ERR_CLUSTER_KEY_MISMATCH', async () => {
    const stranger = await startReplica('stranger', 20033, randomBytes(32).toString('hex'), false);
    const code = await stranger.exited;
    expect(code).toBe(2);
    expect(stranger.output()).toContain('GG_ERR_CLUSTER_KEY_MISMATCH');
    expect(stranger.output()).not.toContain('phones:');
  });

  it('a Digest header replica A accepted is refused when replayed to replica B', async () => {
    const [a, b] = replicas;
    const m = parseMac(MAC)!;
    const uri = `/${m}.cfg`;
    const { config } = parseConfig(configText, join(root, 'a', 'ghostguard.yaml'), catalogueOf(VENDORS));
    const inventory = new Inventory(config!, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    const toA = client(a!.port, '127.132.8.1');
    const challenge = await get(toA, uri);
    expect(challenge.statusCode).toBe(401);
    const authorization = digestHeader(
      inventory.provisioningUsername(m),
      inventory.provisioningPassword(m, 0),
      'GET',
      uri,
      nonceFrom(challenge.headers['www-authenticate']),
    );
    expect((await get(toA, uri, { authorization })).statusCode).toBe(200);
    await toA.close();
    const toB = client(b!.port, '127.132.8.2');
    expect((await get(toB, uri, { authorization })).statusCode).toBe(401);
    // B serves the same phone with a header of its own: the refusal was the replay, nothing else
    const fresh = await get(toB, uri);
    const own = digestHeader(
      inventory.provisioningUsername(m),
      inventory.provisioningPassword(m, 0),
      'GET',
      uri,
      nonceFrom(fresh.headers['www-authenticate']),
    );
    expect((await get(toB, uri, { authorization: own })).statusCode).toBe(200);
    await toB.close();
  });

  it('a MAC harvester banned by replica A is refused by replica B within a second', async () => {
    const [a, b] = replicas;
    const harvester = '127.132.6.1';
    const toA = client(a!.port, harvester);
    let bannedAt = -1;
    for (let i = 0; i < 100 && bannedAt < 0; i++) {
      const mac = `001565${(0x500000 + i * 7919).toString(16).slice(-6)}`;
      const res = await get(toA, `/${mac}.cfg`, { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${mac.match(/../g)!.join(':')}` });
      if (res.statusCode === 403) bannedAt = i;
    }
    await toA.close();
    expect(bannedAt).toBeGreaterThan(0);
    const banned = Date.now();
    const toB = client(b!.port, harvester);
    // a shared file costs the harvester nothing at B: only a ban B learned refuses it
    await until(async () => (await get(toB, '/y000000000000.boot')).statusCode === 403, 1000, 'B refuses the harvester');
    expect(Date.now() - banned).toBeLessThan(1000);
    await toB.close();
    // a phone from another address is still served by B
    const phone = client(b!.port, '127.132.6.2');
    expect((await get(phone, '/y000000000000.boot')).statusCode).toBe(200);
    await phone.close();
  });

  it('GET /api/status lists both replicas with one inventory version; a replica serving another raises inventory-mismatch', async () => {
    const status = async (r: Replica) => {
      const url = /admin: {2}(https:\/\/[^ ]+\/)/.exec(r.output())![1]!;
      const c = new Client(new URL(url).origin, { connect: { rejectUnauthorized: false } });
      const res = await c.request({
        method: 'GET',
        path: '/api/status',
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
      });
      const body = (await res.body.json()) as { replicas: { id: string; inventoryVersion: string; self: boolean }[] };
      await c.close();
      return body.replicas;
    };
    const [a, b] = replicas;
    const seen = await status(b!);
    expect(seen).toHaveLength(2);
    expect(seen.filter((r) => r.self)).toHaveLength(1);
    expect(new Set(seen.map((r) => r.inventoryVersion)).size).toBe(1);
    const events = (name: string) => {
      try {
        return readFileSync(join(root, name, 'data', 'events.jsonl'), 'utf8');
      } catch {
        return '';
      }
    };
    expect(events('a')).not.toContain('inventory-mismatch');
    // a third replica whose file has one more line (not yet updated from git, say)
    const late = await startReplica('late', 20034, KEY, true, '# edited on this replica only\n');
    await until(
      () => events('a').includes('inventory-mismatch') && events('late').includes('inventory-mismatch'),
      15_000,
      'mismatch events',
    );
    expect(new Set((await status(a!)).map((r) => r.inventoryVersion)).size).toBe(2);
    late.child.kill('SIGTERM');
    await late.exited;
    replicas.splice(replicas.indexOf(late), 1);
  });

  it('the schedule runs on one replica; SIGKILL of that replica moves it to the survivor', async () => {
    const runs = (r: Replica) => (r.output().match(/schedule replica-sweep: audit #/g) ?? []).length;
    const skipped = (r: Replica) => r.output().includes('schedule replica-sweep: tick skipped: another replica runs the schedules');
    const [a, b] = replicas;
    await until(() => runs(a!) + runs(b!) >= 2, 20_000, 'two scheduled runs');
    const leader = runs(a!) > 0 ? a! : b!;
    const follower = leader === a ? b! : a!;
    expect(runs(follower)).toBe(0);
    await until(() => skipped(follower), 10_000, 'the follower skips its ticks');
    const before = runs(follower);
    leader.child.kill('SIGKILL');
    await leader.exited;
    await until(() => runs(follower) > before, 15_000, 'the survivor runs the schedule');
    expect(follower.output()).toContain('this replica now runs the schedules');
  });

  it('losing the database: device files fail closed (not counted against the phone), shared files still served, /api/status says so', async () => {
    const survivor = replicas.find((r) => r.child.exitCode === null && !r.child.signalCode)!;
    await cluster.stop();
    const url = /admin: {2}(https:\/\/[^ ]+\/)/.exec(survivor.output())![1]!;
    const status = async () => {
      const c = new Client(new URL(url).origin, { connect: { rejectUnauthorized: false } });
      const res = await c.request({
        method: 'GET',
        path: '/api/status',
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
      });
      const body = (await res.body.json()) as { coordination: { scope: string; connected: boolean } };
      await c.close();
      return body.coordination;
    };
    await until(async () => (await status()).connected === false, 5000, 'status shows the database lost');
    expect((await status()).scope).toBe('postgres');
    const m = parseMac(MAC)!;
    const uri = `/${m}.cfg`;
    const { config } = parseConfig(configText, join(root, 'a', 'ghostguard.yaml'), catalogueOf(VENDORS));
    const inventory = new Inventory(config!, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    const phone = client(survivor.port, '127.132.9.1');
    expect((await get(phone, '/y000000000000.boot')).statusCode).toBe(200);
    // more tries than the failure budget (5), fewer than the challenge budget (20): never banned for the database being away
    for (let i = 0; i < 10; i++) {
      const challenge = await get(phone, uri);
      expect(challenge.statusCode).toBe(401);
      const authorization = digestHeader(
        inventory.provisioningUsername(m),
        inventory.provisioningPassword(m, 0),
        'GET',
        uri,
        nonceFrom(challenge.headers['www-authenticate']),
      );
      expect((await get(phone, uri, { authorization })).statusCode).toBe(401);
    }
    expect((await get(phone, '/y000000000000.boot')).statusCode).toBe(200);
    await phone.close();
  });
});
