/**
 * The idle-connection flood at full size against `ghostguard serve` with its default connection caps and the
 * machine's open-file limit: 20,000 silent connections from one address and 10,000 from 64 addresses (in processes of at
 * most 10,000 each: one process cannot hold more than its own open-file limit), reopened when the server closes them,
 * while 300 phones boot from their own addresses. Prints how many phones booted, the server's RSS, and how long SIGTERM took.
 * Usage: node bin/run-ts.mjs bench/connection-flood.ts [seconds-of-flood-before-the-phones]
 */
import { peakRssMb } from './lib/proc-stats.js';
import { bootPhones, floodPhoneMac, floodUnderWay, startFloods } from '../test/helpers/flood-scenario.js';
import { fleetYaml } from '../test/helpers/runtime.js';
import { startServe } from '../test/helpers/serve-process.js';

const HOST = '127.123.0.1';
const PORT = 21200;
const settle = Number(process.argv[2] ?? 10);
const devices = Array.from({ length: 300 }, (_, i) => ({
  mac: floodPhoneMac(i).match(/../g)!.join(':'),
  vendor: 'grandstream',
  model: 'GXP2140',
}));
const serve = await startServe(fleetYaml(devices).replace('server:\n', `server:\n  host: ${HOST}\n`), PORT, ['--duration', '600']);
const rssBefore = peakRssMb(serve.child.pid!);
const one = ['127.123.1.1'];
const many = Array.from({ length: 64 }, (_, i) => `127.123.${2 + (i >> 4)}.${1 + (i & 15)}`);
const floods = [
  ...startFloods({ host: HOST, port: PORT, sources: one, count: 20_000, seconds: 300, reopenMs: 1000 }),
  ...startFloods({ host: HOST, port: PORT, sources: many, count: 10_000, seconds: 300, reopenMs: 1000 }),
];
await floodUnderWay(floods, 30_000, 120_000);
await new Promise((r) => setTimeout(r, settle * 1000));
const phones = Array.from({ length: 300 }, (_, i) => ({
  mac: floodPhoneMac(i),
  source: `127.123.${200 + Math.floor(i / 200)}.${1 + (i % 200)}`,
}));
const t0 = Date.now();
const results = await bootPhones(`https://${HOST}:${PORT}`, phones, 30);
const bootMs = Date.now() - t0;
const booted = results.filter((codes) => codes.every((c) => c === 200)).length;
const stats = floods.map((f) => f.latest());
const rssPeak = peakRssMb(serve.child.pid!);
const t1 = Date.now();
const code = await serve.stop();
const stopMs = Date.now() - t1;
for (const f of floods) await f.stop();
console.log(
  JSON.stringify(
    {
      booted,
      phones: 300,
      bootMs,
      flood: stats,
      serverRssMb: { before: Math.round(rssBefore), peak: Math.round(rssPeak) },
      sigtermExit: code,
      sigtermMs: stopMs,
    },
    null,
    1,
  ),
);
