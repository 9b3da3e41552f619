/**
 * Hostile, found by the attacker's pass of #17: idle connections to the ADMIN port. The phone listeners had caps, the
 * admin listener none, so 20,000 silent connections from one address used every descriptor of the process (20,000
 * open files) and every phone's fetch failed. Here `ghostguard serve` runs under a 2,048 open-file limit on
 * 127.154.3.1 while a child process (stopped by PID) holds 3,000 silent connections to its admin port from one address
 * and reopens any the server closes: the process stays far from its limit, a phone from its own address fetches, the
 * operator's browser from another address gets the login page, and the shedding is a connection-limit event.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('curl');
const HOST = '127.154.3.1';
const PORT = 23410;
const FLOODER = '127.154.3.100';
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:15:42';
let serve: ServeProcess;

beforeAll(async () => {
  const yaml = fleetYaml([{ mac: '00:15:65:00:15:42', vendor: 'yealink', model: 'T46U' }]).replace(
    'server:\n',
    `server:\n  host: ${HOST}\n  adminHost: ${HOST}\n`,
  );
  serve = await startServe(yaml, PORT, ['--duration', '300'], ['prlimit', '--nofile=2048:2048']);
});
afterAll(async () => {
  await serve?.stop();
});

const curl = (source: string, url: string): Promise<string> =>
  new Promise((resolve) => {
    const child = spawn(peers.path('curl'), [
      '-sk',
      '-m',
      '10',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-A',
      UA,
      '--interface',
      source,
      url,
    ]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', () => resolve(out));
  });

describe.skipIf(peers.missing)(`idle connections to the admin port${peers.note}`, () => {
  it('3,000 from one address under a 2,048 open-file limit: phones fetch, the operator logs in, the flood is shed', async () => {
    const adminPort = Number(/admin:\s+https:\/\/[\d.]+:(\d+)\//.exec(serve.output())![1]);
    const spec = { host: HOST, port: adminPort, sources: [FLOODER], count: 3000, seconds: 25, reopenMs: 500 };
    const flood = spawn(process.execPath, [join(import.meta.dirname, '../helpers/idle-flood.mjs'), JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stats = '';
    flood.stdout!.on('data', (d: Buffer) => (stats = d.toString().trim().split('\n').pop() ?? stats));
    try {
      await new Promise((r) => setTimeout(r, 8000));
      const fds = readdirSync(`/proc/${serve.child.pid}/fd`).length;
      const phone = await Promise.all(Array.from({ length: 5 }, () => curl('127.154.3.2', `https://${HOST}:${PORT}/y000000000108.cfg`)));
      const operator = await curl('127.154.3.3', `https://${HOST}:${adminPort}/login`);
      process.stdout.write(`admin flood: ${stats}; server descriptors ${fds}\n`);
      expect(JSON.parse(stats).opened).toBeGreaterThan(1000);
      // the admin listener holds at most 32 from the flooder (256 in all), far inside the limit
      expect(fds).toBeLessThan(400);
      expect(phone).toEqual(['200', '200', '200', '200', '200']);
      expect(operator).toBe('200');
    } finally {
      flood.kill('SIGTERM');
    }
    await new Promise((r) => setTimeout(r, 200)); // events.jsonl is written in 50 ms batches
    const events = readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8');
    expect(events).toMatch(
      /"reason":"connection-limit","source":"127\.154\.3\.100","detail":"admin listener: connection closed at the per-address/,
    );
  }, 60_000);
});
