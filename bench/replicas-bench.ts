/**
 * Replicas boot-storm benchmark: N phones (Digest required: no enrolment window) each fetch the shared boot file, get
 * a challenge for their device file and fetch it with their own credentials — against one replica on SQLite, one
 * replica on a throwaway PostgreSQL (`server.store`: every authenticated fetch claims its nonce-count there) and two
 * replicas on it (phones split between them by the client; no load balancer in front), in one run.
 * Usage: node bin/run-ts.mjs bench/replicas-bench.ts [--phones 2000] [--concurrency 200]
 * Traffic stays on 127.0.0.1; every server and the PostgreSQL cluster are started here and stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { parseConfig } from '../src/model/config-parse.js';
import { Inventory } from '../src/model/inventory.js';
import { parseMac } from '../src/model/mac.js';
import { catalogueOf } from '../src/model/model-catalogue.js';
import { VENDORS } from '../vendors/index.js';
import { digestHeader, nonceFrom } from '../test/helpers/digest-client.js';
import { startPostgresCluster } from '../test/helpers/postgres-cluster.js';

const { values: args } = parseArgs({
  options: { phones: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '200' } },
});
const PHONES = Number(args.phones);
const CONCURRENCY = Number(args.concurrency);
const ROOT = join(import.meta.dirname, '..');
const KEY = randomBytes(32).toString('hex');
const macOf = (i: number) => `001565${(0x320000 + i).toString(16).padStart(6, '0')}`;
const UA = (mac: string) => `Yealink SIP-T46U 108.86.0.45 ${mac.match(/../g)!.join(':')}`;

function configText(store: string): string {
  const devices = Array.from({ length: PHONES }, (_, i) =>
    [
      `  - mac: "${macOf(i)}"`,
      '    vendor: yealink',
      '    model: T46U',
      '    site: hq',
      '    adminPassword: generate',
      '    lines:',
      '      - { extension: "100", password: generate }',
    ].join('\n'),
  );
  return [
    'server:',
    '  dataDir: data',
    '  adminPort: 0',
    '  publicUrl: https://127.0.0.1:8443/',
    '  tls: auto',
    `  store: "${store}"`,
    '  enrolmentWindowHours: 0',
    '  rateLimits: { perAddress: { burst: 1000000, perSecond: 1000000 }, perSubnet: { burst: 1000000, perSecond: 1000000 }, addressChallenges: 1000000, subnetChallenges: 1000000 }',
    'sites:',
    '  hq:',
    '    registrar: 127.0.0.10',
    'devices:',
    ...devices,
    '',
  ].join('\n');
}

interface Server {
  child: ChildProcess;
  port: number;
  exited: Promise<unknown>;
}

async function startServer(root: string, name: string, text: string, port: number): Promise<Server> {
  const dir = join(root, name);
  mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'data', 'master.key'), `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'ghostguard.yaml'), text);
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '-c', join(dir, 'ghostguard.yaml'), '--port', String(port)],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  const deadline = Date.now() + 60_000;
  while (!out.includes('phones:')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, exited };
}

interface Result {
  label: string;
  seconds: number;
  phones: number;
  failed: number;
  requests: number;
  p50: number;
  p99: number;
}

async function storm(label: string, ports: number[], inventory: Inventory): Promise<Result> {
  const pools = ports.map((p) => new Pool(`https://127.0.0.1:${p}`, { connections: 64, connect: { rejectUnauthorized: false } }));
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const timed = async (pool: Pool, path: string, headers: Record<string, string>) => {
    const t = performance.now();
    const res = await pool.request({ method: 'GET', path, headers });
    await res.body.text();
    latencies.push(performance.now() - t);
    return res;
  };
  const phone = async (i: number) => {
    const mac = macOf(i);
    const pool = pools[i % pools.length]!;
    const headers = { 'user-agent': UA(mac) };
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await timed(pool, '/y000000000000.boot', headers);
        const challenge = await timed(pool, `/${mac}.cfg`, headers);
        const m = parseMac(mac)!;
        const authorization = digestHeader(
          inventory.provisioningUsername(m),
          inventory.provisioningPassword(m, 0),
          'GET',
          `/${mac}.cfg`,
          nonceFrom(challenge.headers['www-authenticate']),
        );
        if ((await timed(pool, `/${mac}.cfg`, { ...headers, authorization })).statusCode === 200) return;
      } catch {
        // a phone retries its boot sequence
      }
    }
    failed++;
  };
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < PHONES) await phone(next++);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  await Promise.all(pools.map((p) => p.close()));
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { label, seconds, phones: PHONES - failed, failed, requests: latencies.length, p50: pct(0.5), p99: pct(0.99) };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'gg-replicas-bench-'));
  const pg = await startPostgresCluster({ port: 20050 });
  const servers: Server[] = [];
  const stopAll = async () => {
    for (const s of servers.splice(0)) {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  };
  try {
    const sqliteText = configText('sqlite');
    const { config, issues } = parseConfig(sqliteText, join(root, 'x.yaml'), catalogueOf(VENDORS));
    if (!config)
      throw new Error(
        issues
          .slice(0, 3)
          .map((i) => i.message)
          .join('; '),
      );
    const inventory = new Inventory(config!, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    const results: Result[] = [];

    servers.push(await startServer(root, 'sqlite', sqliteText, 20051));
    results.push(await storm('1 replica, SQLite', [20051], inventory));
    await stopAll();

    for (const n of [1, 2]) {
      const db = `gg_bench_${n}`;
      await pg.createDatabase(db);
      const text = configText(pg.url(db));
      for (let i = 0; i < n; i++) servers.push(await startServer(root, `pg${n}-${i}`, text, 20052 + i));
      results.push(
        await storm(
          `${n} replica${n > 1 ? 's' : ''}, PostgreSQL`,
          servers.map((s) => s.port),
          inventory,
        ),
      );
      await stopAll();
    }

    console.log(
      `\n${PHONES} phones, ${CONCURRENCY} at a time, 3 requests each (boot file, challenge, Digest fetch); measured under load\n`,
    );
    console.log('| setup | phones booted | failed | seconds | phones/s | requests/s | p50 ms | p99 ms |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results)
      console.log(
        `| ${r.label} | ${r.phones} | ${r.failed} | ${r.seconds.toFixed(1)} | ${(r.phones / r.seconds).toFixed(0)} | ${(r.requests / r.seconds).toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
      );
  } finally {
    await stopAll();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
