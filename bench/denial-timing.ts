/**
 * Looks for an existence oracle in the answer times over real HTTPS on loopback, the phone's own path: device-file
 * requests without credentials for unknown, known-but-not-enrolled and known-disabled MACs, each
 *   cold   — a MAC never asked for before (nothing cached),
 *   warm   — a MAC asked for many times,
 *   repeat — the second ask from the same address in a row (a known device's repeated challenge is where the server
 *            looks for an unanswered challenge and decides on an event),
 * and the shared boot file whose User-Agent names a known or an unknown MAC (never banned, so an attacker may repeat it
 * at will). Kinds are interleaved request by request, in a new random order each round, so drift, warm-up and the
 * after-effects of one request on the next hit all alike. Prints percentiles and the
 * difference of each kind's median and mean from the unknown MAC's, with a bootstrap 95 % interval of the median's.
 * The server runs as `ghostguard serve` in a process of its own, the client here, as an attacker's would be.
 * Usage: node bin/run-ts.mjs bench/denial-timing.ts [requests-per-kind]
 */
import { Agent, request } from 'undici';
import { startServe } from '../test/helpers/serve-process.js';

const perKind = Number(process.argv[2] ?? 2000);
// enough devices that every cold request names a device of its kind never asked for before
const KNOWN = 2 * (perKind + 300) + 1000;
const macOf = (i: number) => `0015650${(0x10000 + i).toString(16)}`;
const devices = Array.from(
  { length: KNOWN },
  (_, i) =>
    `  - { mac: "${macOf(i)}", vendor: yealink, model: T46U, site: hq, adminPassword: generate, disabled: ${i % 2 === 0}, lines: [{ extension: "${1000 + i}", password: generate }] }`,
);
// the server is a process of its own, as it is to an attacker: work it does after answering cannot show in the client's
// clock except as load. Windows of 0 hours (every device is outside its window); limits lifted so the benchmark
// measures the answer, not the ban.
const serve = await startServe(
  `server:\n  host: 127.136.0.4\n  tls: auto\n  enrolmentWindowHours: 0\n` +
    '  rateLimits: { perAddress: { burst: 1000000000, perSecond: 1000000000 }, perSubnet: { burst: 1000000000, perSecond: 1000000000 }, ' +
    'addressChallenges: 1000000000, subnetChallenges: 1000000000, spreadGuesses: 1000000000 }\n' +
    `sites:\n  hq: { registrar: 127.0.0.10 }\ndevices:\n${devices.join('\n')}\n`,
  21364,
  ['--duration', '3600'],
);
const url = 'https://127.136.0.4:21364';
const dispatcher = new Agent({ connect: { rejectUnauthorized: false, localAddress: '127.136.9.200' }, connections: 1 });
const colons = (mac: string) => mac.match(/../g)!.join(':');

async function timeOne(path: string, mac: string, expect: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await request(`${url}${path}`, { dispatcher, headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${colons(mac)}` } });
  await res.body.dump();
  if (res.statusCode !== expect) throw new Error(`${path} ${mac}: unexpected ${res.statusCode}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

interface Kind {
  name: string;
  /** the MAC of the i-th request */
  mac: (i: number) => string;
  /** ask once untimed first (the repeat kinds) */
  twice?: boolean;
  shared?: boolean;
}

let unknownSeq = 0;
const unknownMac = () => `001565e${(unknownSeq++ % 0xfffff).toString(16).padStart(5, '0')}`;
// cold: walk the device list once; denied = odd indexes (enabled, not enrolled), disabled = even ones
let coldDenied = 1;
let coldDisabled = 0;
const warm = (i: number, parity: number) => macOf(2 * (perKind + 300) + 2 * (i % 250) + parity);

async function sample(kinds: readonly Kind[], rounds: number): Promise<number[][]> {
  const out = kinds.map(() => [] as number[]);
  const order = kinds.map((_, k) => k);
  for (let i = 0; i < rounds; i++) {
    // a new order every round: what one request leaves behind (a write being committed) lands on every kind alike
    for (let j = order.length - 1; j > 0; j--) {
      const r = Math.floor(Math.random() * (j + 1));
      [order[j], order[r]] = [order[r]!, order[j]!];
    }
    for (const k of order) {
      const kind = kinds[k]!;
      const mac = kind.mac(i);
      const path = kind.shared ? '/y000000000000.boot' : `/${mac}.cfg`;
      const status = kind.shared ? 200 : 401;
      if (kind.twice) await timeOne(path, mac, status);
      out[k]!.push(await timeOne(path, mac, status));
    }
  }
  return out.map((xs) => xs.sort((a, b) => a - b));
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 95 % bootstrap interval of median(a) − median(b), in µs */
function medianDiffInterval(a: number[], b: number[]): [number, number] {
  const resample = (xs: number[]) =>
    Array.from({ length: xs.length }, () => xs[Math.floor(Math.random() * xs.length)]!).sort((x, y) => x - y);
  const diffs = Array.from({ length: 400 }, () => (pct(resample(a), 50) - pct(resample(b), 50)) * 1000).sort((x, y) => x - y);
  return [diffs[10]!, diffs[389]!];
}

function report(title: string, names: string[], samples: number[][]): void {
  console.log(`\n${title}, ${perKind} requests each (ms; Δ in µs against the first row)`);
  console.log('kind                         p10     p50     p90     p99     mean   Δp50 [95 % interval]   Δmean');
  const base = samples[0]!;
  for (const [k, xs] of samples.entries()) {
    const [lo, hi] = medianDiffInterval(xs, base);
    const d50 = (pct(xs, 50) - pct(base, 50)) * 1000;
    const dMean = (mean(xs) - mean(base)) * 1000;
    console.log(
      `${names[k]!.padEnd(26)} ${[10, 50, 90, 99].map((p) => pct(xs, p).toFixed(3).padStart(7)).join(' ')} ${mean(xs).toFixed(3).padStart(8)}` +
        (k === 0 ? '' : `  ${d50.toFixed(1).padStart(6)} [${lo.toFixed(1)}, ${hi.toFixed(1)}]  ${dMean.toFixed(1).padStart(7)}`),
    );
  }
}

const kinds: Kind[] = [
  { name: 'cold: unknown MAC', mac: () => unknownMac() },
  { name: 'cold: known, not enrolled', mac: () => macOf((coldDenied += 2) - 2) },
  { name: 'cold: known, disabled', mac: () => macOf((coldDisabled += 2) - 2) },
  { name: 'warm: unknown MAC', mac: (i) => `001565f${(i % 250).toString(16).padStart(5, '0')}` },
  { name: 'warm: known, not enrolled', mac: (i) => warm(i, 1) },
  { name: 'warm: known, disabled', mac: (i) => warm(i, 0) },
  { name: 'repeat: unknown MAC', mac: () => unknownMac(), twice: true },
  { name: 'repeat: known, not enrolled', mac: () => macOf((coldDenied += 2) - 2), twice: true },
  { name: 'shared file: unknown MAC', mac: (i) => `001565f${(i % 250).toString(16).padStart(5, '0')}`, shared: true },
  { name: 'shared file: known MAC', mac: (i) => warm(i, 1), shared: true },
];
// warm-up of the code paths (not of the MACs the cold kinds use: those start past the warm-up's)
await sample(
  kinds.map((k) => ({ ...k, mac: k.name.startsWith('warm') || k.name.startsWith('shared') ? k.mac : () => unknownMac() })),
  300,
);
const s = await sample(kinds, perKind);
console.log('denial response times over HTTPS on loopback (measured under load)');
report(
  'cold',
  kinds.slice(0, 3).map((k) => k.name),
  s.slice(0, 3),
);
report(
  'warm',
  kinds.slice(3, 6).map((k) => k.name),
  s.slice(3, 6),
);
report(
  'repeat (second ask from the same address)',
  kinds.slice(6, 8).map((k) => k.name),
  s.slice(6, 8),
);
report(
  'shared boot file naming a MAC (200)',
  kinds.slice(8, 10).map((k) => k.name),
  s.slice(8, 10),
);
await dispatcher.close();
await serve.stop();
