/**
 * The crash bound of the fetch history: `ghostguard serve` is SIGKILLed in the middle of an enrolment storm (every
 * phone fetches its device file once, inside its window), then the state database is opened as it was left and
 * compared with what the phones received. Per trial it prints the device files served (200 and a whole body received),
 * the history rows and `enrolment-closed` events that reached the database, and the enrolments closed — these must
 * never be fewer than the files served, since a window is closed durably before its file leaves.
 * Usage: node bin/run-ts.mjs bench/kill9-history.ts [trials] [ms-of-storm-before-the-kill]
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'undici';
import { GRANDSTREAM_UA } from '../test/helpers/flood-scenario.js';
import { fleetYaml } from '../test/helpers/runtime.js';
import { startServe } from '../test/helpers/serve-process.js';

const trials = Number(process.argv[2] ?? 5);
const stormMs = Number(process.argv[3] ?? 2500);
const HOST = '127.136.0.1';
const PORT = 21360;
const DEVICES = 6000;
const SOURCES = Array.from({ length: 64 }, (_, i) => `127.136.200.${1 + i}`);
const macOf = (i: number) => `000b8236${(i >> 8).toString(16).padStart(2, '0')}${(i & 255).toString(16).padStart(2, '0')}`;
const devices = Array.from({ length: DEVICES }, (_, i) => ({
  mac: macOf(i).match(/../g)!.join(':'),
  vendor: 'grandstream',
  model: 'GXP2140',
}));

interface Trial {
  served: number;
  historyRows: number;
  lostRows: number;
  closedEvents: number;
  enrolmentsClosed: number;
  stormMs: number;
}

async function trial(): Promise<Trial> {
  const serve = await startServe(fleetYaml(devices).replace('server:\n', `server:\n  host: ${HOST}\n`), PORT, ['--duration', '600']);
  const origin = `https://${HOST}:${PORT}`;
  let next = 0;
  let served = 0;
  let killed = false;
  const started = Date.now();
  const phones = SOURCES.map(async (source) => {
    const client = new Client(origin, { localAddress: source, connect: { rejectUnauthorized: false }, pipelining: 1 });
    try {
      for (let i = next++; i < DEVICES && !killed; i = next++) {
        const mac = macOf(i);
        const res = await client.request({ method: 'GET', path: `/cfg${mac}.xml`, headers: { 'user-agent': GRANDSTREAM_UA(mac) } });
        const body = await res.body.text();
        if (res.statusCode === 200 && body.length > 0 && !killed) served++;
      }
    } catch {
      // the connection died with the server
    } finally {
      await client.destroy().catch(() => {});
    }
  });
  await new Promise((r) => setTimeout(r, stormMs));
  killed = true;
  serve.child.kill('SIGKILL');
  await new Promise((r) => serve.child.once('exit', r));
  await Promise.all(phones);
  const db = new Database(join(serve.dir, 'data', 'state.sqlite'));
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  const historyRows = count("SELECT count(*) FROM fetches WHERE auth != 'none' AND status = 200");
  const closedEvents = count("SELECT count(*) FROM events WHERE reason = 'enrolment-closed'");
  const enrolmentsClosed = count('SELECT count(*) FROM enrolments WHERE closed_at IS NOT NULL');
  db.close();
  return { served, historyRows, lostRows: served - historyRows, closedEvents, enrolmentsClosed, stormMs: Date.now() - started };
}

const results: Trial[] = [];
for (let t = 0; t < trials; t++) {
  const r = await trial();
  results.push(r);
  console.log(JSON.stringify(r));
}
const worst = Math.max(...results.map((r) => r.lostRows));
const rate = results.reduce((n, r) => n + r.served / (r.stormMs / 1000), 0) / results.length;
console.log(
  JSON.stringify({
    trials,
    worstLostRows: worst,
    meanServedPerSecond: Math.round(rate),
    worstLostMs: Math.round((worst / rate) * 1000),
    enrolmentCloseNeverBehind: results.every((r) => r.enrolmentsClosed >= r.served),
  }),
);
