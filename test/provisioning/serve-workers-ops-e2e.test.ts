/**
 * The moving parts of `ghostguard serve --workers 2`, as real processes on 127.124.x: a captured Digest header is served
 * once cluster-wide even when replayed to both workers at the same instant; a worker killed with SIGKILL is replaced
 * and logged, and the dashboard comes back on its port; SIGTERM of the primary under traffic stops everything cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { parseMac } from '../../src/model/mac.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';

const ROOT = join(import.meta.dirname, '../..');
const HOST = '127.124.0.1';
const MACS = ['00:15:65:00:12:51', '00:15:65:00:12:52', '00:15:65:00:12:53'];
const UA = (mac: string) => `Yealink SIP-T46U 108.86.0.45 ${mac}`;

interface Serve {
  child: ChildProcess;
  dir: string;
  path: string;
  output: () => string;
  port: number;
  adminPort: number;
}
const started: Serve[] = [];

async function serveWorkers(port: number, adminPort: number): Promise<Serve> {
  const yaml = fleetYaml(MACS.map((mac) => ({ mac, vendor: 'yealink', model: 'T46U' }))).replace(
    'server:\n',
    `server:\n  host: ${HOST}\n  port: ${port}\n  adminHost: ${HOST}\n  adminPort: ${adminPort}\n  dataDir: DATA_DIR\n`,
  );
  const { dir, path } = writeTempConfig(yaml);
  writeFileSync(path, readFileSync(path, 'utf8').replace('DATA_DIR', join(dir, 'data')));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', path, '--duration', '120', '--workers', '2'],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const serve = { child, dir, path, output: () => output, port, adminPort };
  started.push(serve);
  await until(() => output.includes('workers:') || child.exitCode !== null, 40_000);
  if (!output.includes('workers:')) throw new Error(`serve did not start: ${output}`);
  return serve;
}

async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

const exited = (child: ChildProcess) =>
  new Promise<number | string | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code, signal) => r(signal ?? code)),
  );

afterAll(async () => {
  for (const s of started) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await exited(s.child);
    }
  }
});

async function get(
  serve: Serve,
  from: string,
  path: string,
  headers: Record<string, string>,
  port = serve.port,
): Promise<{ status: number; headers: Record<string, unknown> }> {
  const c = new Client(`https://${HOST}:${port}`, { localAddress: from, connect: { rejectUnauthorized: false } });
  try {
    const res = await c.request({ method: 'GET', path, headers });
    await res.body.text();
    return { status: res.statusCode, headers: res.headers };
  } finally {
    await c.close();
  }
}

function credentials(serve: Serve): Inventory {
  const { config } = parseConfig(readFileSync(serve.path, 'utf8'), serve.path, catalogueOf(VENDORS));
  const masterKey = Buffer.from(readFileSync(join(serve.dir, 'data', 'master.key'), 'utf8').trim(), 'hex');
  return new Inventory(config!, { masterKey, env: {} }, 1);
}

describe('serve --workers 2: replay, worker death', () => {
  it('a Digest header sent to both workers at the same instant is served exactly once; a worker killed with SIGKILL is replaced and the dashboard returns', async () => {
    const serve = await serveWorkers(21251, 21252);
    const inventory = credentials(serve);
    const mac = parseMac(MACS[0]!)!;
    const uri = `/${mac}.cfg`;
    expect((await get(serve, '127.124.5.1', uri, { 'user-agent': UA(MACS[0]!) })).status).toBe(200); // enrolment
    for (let trial = 0; trial < 5; trial++) {
      const challenge = await get(serve, `127.124.6.${trial + 1}`, uri, { 'user-agent': UA(MACS[0]!) });
      expect(challenge.status).toBe(401);
      const headers = {
        'user-agent': UA(MACS[0]!),
        authorization: digestHeader(
          inventory.provisioningUsername(mac),
          inventory.provisioningPassword(mac, 0),
          'GET',
          uri,
          nonceFrom(challenge.headers['www-authenticate'] as string),
        ),
      };
      // six fresh connections at once: the primary hands them to both workers in turn
      const statuses = await Promise.all(
        Array.from({ length: 6 }, (_, k) => get(serve, `127.124.7.${trial * 8 + k + 1}`, uri, headers).then((r) => r.status)),
      );
      expect(
        statuses.filter((s) => s === 200),
        `trial ${trial}: ${statuses.join(' ')}`,
      ).toHaveLength(1);
      expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    }

    const [operatorPid, otherPid] = /workers: (\d+) \(dashboard, schedules\), (\d+)/.exec(serve.output())!.slice(1).map(Number);
    expect((await get(serve, '127.124.8.1', '/login', {}, serve.adminPort)).status).toBe(200);
    process.kill(operatorPid!, 'SIGKILL');
    await until(() => /replaced worker/.test(serve.output()), 30_000);
    expect(serve.output()).toMatch(/worker \d+ \(pid \d+, dashboard and schedules\) was killed by SIGKILL; starting a replacement/);
    expect(serve.output()).toMatch(/worker \d+ \(pid \d+\) replaced worker \d+; it serves the dashboard and schedules now/);
    // the dashboard answers again on its port, from the replacement; phones were never without a worker
    let admin = 0;
    for (let i = 0; i < 40 && admin !== 200; i++) {
      admin = await get(serve, '127.124.8.2', '/login', {}, serve.adminPort).then(
        (r) => r.status,
        () => 0,
      );
      if (admin !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(admin).toBe(200);
    expect((await get(serve, '127.124.5.1', '/y000000000028.cfg', { 'user-agent': UA(MACS[1]!) })).status).toBe(200);
    // the other worker was untouched; killing it too is also survived
    process.kill(otherPid!, 'SIGKILL');
    await until(() => (serve.output().match(/replaced worker/g) ?? []).length >= 2, 30_000);
    expect((await get(serve, '127.124.5.2', '/y000000000028.cfg', { 'user-agent': UA(MACS[1]!) })).status).toBe(200);
    serve.child.kill('SIGTERM');
    expect(await exited(serve.child)).toBe(0);
  }, 180_000);
});

describe('serve --workers 2: SIGTERM of the primary under traffic', () => {
  it('stops cleanly every time: exit 0, no IPC channel error', async () => {
    for (let trial = 0; trial < 2; trial++) {
      const serve = await serveWorkers(21261 + trial, 21271 + trial);
      let stop = false;
      const load = Array.from({ length: 6 }, async (_, k) => {
        let n = 0;
        while (!stop && n < 5000) {
          n++;
          // unknown MACs (denials reported to the primary), challenges and shared files
          const path = n % 3 === 0 ? '/y000000000028.cfg' : `/0015650${(0x9000 + k * 1000 + n).toString(16)}.cfg`;
          await get(serve, `127.124.${10 + trial}.${k + 1}`, path, { 'user-agent': UA(MACS[0]!) }).catch(() => undefined);
        }
      });
      await new Promise((r) => setTimeout(r, 600));
      serve.child.kill('SIGTERM');
      const code = await exited(serve.child);
      stop = true;
      await Promise.all(load);
      expect(code, serve.output()).toBe(0);
      expect(serve.output()).not.toMatch(/ERR_IPC_CHANNEL_CLOSED|Error \[|Unhandled|starting a replacement/);
      expect(serve.output()).toContain('stopped');
    }
  }, 240_000);
});
