/**
 * Prints the response-time distributions of unknown vs known-but-denied MACs side by side, measured over real
 * HTTPS on loopback. An existence oracle would show up as a shifted distribution.
 * Usage: node bin/run-ts.mjs bench/denial-timing.ts [requests-per-kind]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { VENDORS } from '../vendors/index.js';
import { Runtime } from '../src/app/runtime.js';
import { DEFAULT_LIMITS } from '../src/provisioning/abuse-guard.js';

const perKind = Number(process.argv[2] ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'gg-bench-'));
const devices = Array.from(
  { length: 1000 },
  (_, i) =>
    `  - { mac: "0015650${(0x10000 + i).toString(16)}", vendor: yealink, model: T46U, site: hq, adminPassword: generate, disabled: ${i % 2 === 0}, lines: [{ extension: "${1000 + i}", password: generate }] }`,
);
writeFileSync(
  join(dir, 'gg.yaml'),
  `server:\n  tls: auto\n  dataDir: ${join(dir, 'data')}\nsites:\n  hq: { registrar: 127.0.0.10 }\ndevices:\n${devices.join('\n')}\n`,
);
// Limits lifted so the benchmark measures the answer, not the ban.
const limits = {
  ...DEFAULT_LIMITS,
  addressChallenges: 1e9,
  subnetChallenges: 1e9,
  perAddress: { burst: 1e9, perSecond: 1e9 },
  perSubnet: { burst: 1e9, perSecond: 1e9 },
};
const runtime = await Runtime.create({ configPath: join(dir, 'gg.yaml'), vendors: VENDORS, env: {}, limits });
for (const d of runtime.config.inventory.devices) runtime.store.closeEnrolment(d.mac, undefined, new Date(Date.now() - 86400_000));
const [url] = await runtime.listen('127.0.0.1', 0);
const dispatcher = new Agent({ connect: { rejectUnauthorized: false, localAddress: '127.0.9.1' }, connections: 1 });

async function timeOne(mac: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await request(`${url}/${mac}.cfg`, {
    dispatcher,
    headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${mac.match(/../g)!.join(':')}` },
  });
  await res.body.dump();
  if (res.statusCode !== 401) throw new Error(`${mac}: unexpected ${res.statusCode}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Kinds are interleaved request by request so warm-up and drift hit all of them alike. */
async function sample(kinds: readonly ((i: number) => string)[], rounds: number): Promise<number[][]> {
  const out = kinds.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++) for (const [k, macFor] of kinds.entries()) out[k]!.push(await timeOne(macFor(i)));
  return out.map((xs) => xs.sort((a, b) => a - b));
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const kinds = [
  (i: number) => `001565e${(i % 65536).toString(16).padStart(5, '0')}`,
  (i: number) => `0015650${(0x10001 + 2 * (i % 500)).toString(16)}`,
  (i: number) => `0015650${(0x10000 + 2 * (i % 500)).toString(16)}`,
];
await sample(kinds, 300);
const [unknown, denied, disabled] = (await sample(kinds, perKind)) as [number[], number[], number[]];
console.log(`denial response times over HTTPS, ${perKind} requests each (ms)`);
console.log('kind                    p10     p50     p90     p99     mean');
for (const [name, xs] of [
  ['unknown MAC', unknown],
  ['known, not enrolled', denied],
  ['known, disabled', disabled],
] as const) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `${name.padEnd(22)} ${[10, 50, 90, 99].map((p) => pct(xs, p).toFixed(3).padStart(7)).join(' ')} ${mean.toFixed(3).padStart(8)}`,
  );
}
await dispatcher.close();
await runtime.close();
