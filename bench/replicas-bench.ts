/**
 * Replicas boot-storm benchmark, through real HAProxy (TCP mode, `balance roundrobin`, `send-proxy-v2`, health checks,
 * redispatch; the replicas read the phone's address from the PROXY header): N phones, each from its own loopback
 * address, fetch the shared boot file, get a challenge for their device file and fetch it with their own Digest
 * credentials (no enrolment window), retrying as real phones do. Four setups in one run: one replica on SQLite, one
 * replica on a throwaway PostgreSQL (state and coordination there), two replicas on it, and two replicas with one
 * killed with SIGKILL a third of the way through the storm (every phone must still boot; the fetch history is counted).
 * Usage: node bin/run-ts.mjs bench/replicas-bench.ts [--phones 2000] [--concurrency 200]
 * Traffic stays on 127.142.0.0/16; HAProxy, every server and the PostgreSQL cluster are started here and stopped by PID.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { parseConfig } from '../src/model/config-parse.js';
import { Inventory } from '../src/model/inventory.js';
import { parseMac } from '../src/model/mac.js';
import { catalogueOf } from '../src/model/model-catalogue.js';
import { VENDORS } from '../vendors/index.js';
import { type BootOutcome, bootPhone } from '../test/helpers/booting-phone.js';
import { startHaproxy } from '../test/helpers/haproxy.js';
import { startPostgresCluster } from '../test/helpers/postgres-cluster.js';
import { type Replica, startReplica } from '../test/helpers/replica.js';
import { findPeer } from '../test/helpers/system-peers.js';

const { values: args } = parseArgs({
  options: { phones: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '200' } },
});
const PHONES = Number(args.phones);
const CONCURRENCY = Number(args.concurrency);
const KEY = randomBytes(32).toString('hex');
const HOST = '127.142.0.1';
const BALANCER = { host: '127.142.0.20', port: 20460 };
const BALANCER_SOURCE = '127.142.0.19';
const macOf = (i: number) => `001565${(0x320000 + i).toString(16).padStart(6, '0')}`;
/** each phone its own address: 250 per /24 from 127.142.20.0 */
const addressOf = (i: number) => `127.142.${20 + Math.floor(i / 250)}.${1 + (i % 250)}`;

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
    `  host: ${HOST}`,
    '  dataDir: data',
    '  adminPort: 0',
    '  publicUrl: https://127.142.0.20:8443/',
    '  tls: auto',
    `  store: "${store}"`,
    '  enrolmentWindowHours: 0',
    `  proxyProtocol: { from: [${BALANCER_SOURCE}] }`,
    '  rateLimits: { perSubnet: { burst: 1000000, perSecond: 1000000 }, subnetChallenges: 1000000, subnetFailures: 1000000 }',
    'sites:',
    '  hq:',
    '    registrar: 127.0.0.10',
    'devices:',
    ...devices,
    '',
  ].join('\n');
}

interface Result {
  label: string;
  seconds: number;
  booted: number;
  retries: number;
  requests: number;
  p50: number;
  p99: number;
  /** the kill variant: device-file rows in the history, and phones with more than one */
  history?: { rows: number; phonesWithout: number; phonesWithTwo: number };
}

async function storm(label: string, inventory: Inventory, killOne?: Replica): Promise<Result> {
  const outcomes: BootOutcome[] = [];
  let next = 0;
  let booted = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < PHONES) {
        const i = next++;
        const m = parseMac(macOf(i))!;
        const outcome = await bootPhone({
          origin: `https://${BALANCER.host}:${BALANCER.port}`,
          address: addressOf(i),
          mac: macOf(i),
          username: inventory.provisioningUsername(m),
          password: inventory.provisioningPassword(m, 0),
        });
        outcomes.push(outcome);
        if (outcome.booted && ++booted === Math.floor(PHONES / 3) && killOne) killOne.child.kill('SIGKILL');
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const latencies = outcomes.flatMap((o) => o.latencies).sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    label,
    seconds,
    booted,
    retries: outcomes.reduce((n, o) => n + o.retries, 0),
    requests: latencies.length,
    p50: pct(0.5),
    p99: pct(0.99),
  };
}

/** device-file deliveries in the history of one database: rows, phones without one, phones with more than one */
async function historyOf(config: pg.ClientConfig): Promise<NonNullable<Result['history']>> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const r = await client.query<{ mac: string; n: string }>(
      "SELECT mac, count(*) AS n FROM fetches WHERE status = 200 AND file = mac || '.cfg' GROUP BY mac",
    );
    const counts = new Map(r.rows.map((row) => [row.mac, Number(row.n)]));
    const all = Array.from({ length: PHONES }, (_, i) => counts.get(macOf(i)) ?? 0);
    return {
      rows: all.reduce((a, b) => a + b, 0),
      phonesWithout: all.filter((n) => n === 0).length,
      phonesWithTwo: all.filter((n) => n > 1).length,
    };
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const haproxyBin = findPeer('haproxy');
  if (!haproxyBin) throw new Error('haproxy is not installed (Debian package haproxy)');
  const root = mkdtempSync(join(tmpdir(), 'gg-replicas-bench-'));
  const pgCluster = await startPostgresCluster({ port: 20150 });
  const replicas: Replica[] = [];
  const stopAll = async () => {
    for (const r of replicas.splice(0)) await r.stop();
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
    const inventory = new Inventory(config, { masterKey: Buffer.from(KEY, 'hex'), env: {} }, 1);
    const results: Result[] = [];
    const setups = [
      { label: '1 replica, SQLite', store: 'sqlite', replicas: 1, kill: false },
      { label: '1 replica, PostgreSQL', store: 'postgres', replicas: 1, kill: false },
      { label: '2 replicas, PostgreSQL', store: 'postgres', replicas: 2, kill: false },
      { label: '2 replicas, PostgreSQL, one SIGKILLed at 1/3', store: 'postgres', replicas: 2, kill: true },
    ];
    for (const [n, setup] of setups.entries()) {
      const db = `gg_bench_${n}`;
      if (setup.store === 'postgres') await pgCluster.createDatabase(db);
      const text = configText(setup.store === 'sqlite' ? 'sqlite' : pgCluster.url(db));
      const ports = Array.from({ length: setup.replicas }, (_, i) => 20461 + i);
      for (const [i, port] of ports.entries())
        replicas.push(await startReplica({ root, name: `s${n}-${i}`, configText: text, port, masterKey: KEY }));
      const balancer = await startHaproxy({
        bin: haproxyBin,
        listen: BALANCER,
        servers: ports.map((port) => ({ host: HOST, port })),
        source: BALANCER_SOURCE,
        proxy: 'send-proxy-v2',
      });
      try {
        const result = await storm(setup.label, inventory, setup.kill ? replicas[0] : undefined);
        if (setup.kill) {
          await new Promise((r) => setTimeout(r, 500));
          result.history = await historyOf(pgCluster.clientConfig(db));
        }
        results.push(result);
        console.error(`${setup.label}: ${result.booted}/${PHONES} booted in ${result.seconds.toFixed(1)} s`);
      } finally {
        await balancer.stop();
        await stopAll();
      }
    }

    console.log(
      `\n${PHONES} phones (each its own address), ${CONCURRENCY} at a time, through HAProxy (roundrobin, send-proxy-v2); boot file, challenge, Digest fetch; measured under load\n`,
    );
    console.log('| setup | phones booted | seconds | phones/s | requests/s | p50 ms | p99 ms | retries |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const r of results)
      console.log(
        `| ${r.label} | ${r.booted} / ${PHONES} | ${r.seconds.toFixed(1)} | ${(r.booted / r.seconds).toFixed(0)} | ${(r.requests / r.seconds).toFixed(0)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.retries} |`,
      );
    for (const r of results)
      if (r.history)
        console.log(
          `\n${r.label}: ${r.history.rows} device-file rows in the history for ${PHONES} phones; ${r.history.phonesWithout} phone(s) without one, ${r.history.phonesWithTwo} with two (a delivery committed by the killed replica whose answer never arrived)`,
        );
  } finally {
    await stopAll();
    await pgCluster.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
