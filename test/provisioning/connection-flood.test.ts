/**
 * Hostile, the full size: 20,000 idle connections from one address and 10,000 from 64 addresses while 300
 * phones boot from their own addresses, against a real `ghostguard serve` over HTTPS with its default connection caps
 * and a 20,000 open-file limit. The attackers are child processes (each holds at most 10,000 connections, under its
 * own open-file limit), reopen every connection the server closes, and are stopped by PID. Without the caps the server
 * ran out of descriptors and reset every phone; with them it holds at most `server.connections.total` (10,000), sheds
 * the heaviest source's idle connections, boots all 300 phones, and SIGTERM exits promptly with the floods connected.
 * Addresses 127.146.x, port 24610.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootPhones, floodPhoneMac, floodUnderWay, startFloods, type Flood } from '../helpers/flood-scenario.js';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const HOST = '127.146.0.1';
const PORT = 24610;
const PHONES = 300;
const floods: Flood[] = [];
let serve: ServeProcess | undefined;

afterAll(async () => {
  for (const f of floods) await f.stop();
  await serve?.stop();
});

const openFiles = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

describe('connection floods at full size', () => {
  it('20,000 idle connections from one address and 10,000 from 64: all 300 phones from other addresses boot, SIGTERM exits promptly', async () => {
    const started = Date.now();
    const devices = Array.from({ length: PHONES }, (_, i) => ({
      mac: floodPhoneMac(i).match(/../g)!.join(':'),
      vendor: 'grandstream',
      model: 'GXP2140',
    }));
    const yaml = fleetYaml(devices).replace('server:\n', `server:\n  host: ${HOST}\n`);
    // the limit; root (CI) may set it whatever the login's hard limit
    serve = await startServe(yaml, PORT, ['--duration', '300'], ['prlimit', '--nofile=20000:20000']);
    const pid = serve.child.pid!;
    const one = ['127.146.1.1'];
    const many = Array.from({ length: 64 }, (_, i) => `127.146.${2 + (i >> 4)}.${1 + (i & 15)}`);
    floods.push(...startFloods({ host: HOST, port: PORT, sources: one, count: 20_000, seconds: 150, reopenMs: 1000 }));
    floods.push(...startFloods({ host: HOST, port: PORT, sources: many, count: 10_000, seconds: 150, reopenMs: 1000 }));
    await floodUnderWay(floods, 30_000, 60_000);
    const floodMs = Date.now() - started;
    const attempted = floods.reduce((n, f) => n + f.latest().opened + f.latest().failed, 0);
    expect(attempted).toBeGreaterThanOrEqual(30_000);

    const phones = Array.from({ length: PHONES }, (_, i) => ({
      mac: floodPhoneMac(i),
      source: `127.146.${200 + Math.floor(i / 200)}.${1 + (i % 200)}`,
    }));
    let mostFiles = 0;
    const sampler = setInterval(() => (mostFiles = Math.max(mostFiles, openFiles(pid))), 250);
    const results = await bootPhones(`https://${HOST}:${PORT}`, phones, 30).finally(() => clearInterval(sampler));
    const failed = results.map((codes, i) => ({ mac: phones[i]!.mac, codes })).filter((r) => r.codes.some((c) => c !== 200));
    expect(failed).toEqual([]);

    // the caps did the work: the server held thousands of the floods' connections but never more than its total cap
    // (+ its own files), shed most of them (the per-address cap, the total cap, the idle timeout), and logged it,
    // throttled to one low event per source and minute
    expect(mostFiles).toBeGreaterThan(1_000);
    expect(mostFiles).toBeLessThan(10_000 + 512);
    expect(floods.reduce((n, f) => n + f.latest().closedByServer, 0)).toBeGreaterThan(10_000);
    expect(peakRssMb(pid)).toBeLessThan(600);

    // SIGTERM while the floods still hold their connections
    const t0 = Date.now();
    const code = await serve.stop();
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const events = readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; source?: string; severity: string; detail?: string });
    const limitEvents = events.filter((e) => e.reason === 'connection-limit');
    expect(limitEvents.some((e) => e.source === '127.146.1.1' && /per-address/.test(e.detail ?? ''))).toBe(true);
    expect(limitEvents.length).toBeLessThan(300);
    expect(limitEvents.every((e) => e.severity === 'low')).toBe(true);
    console.log(
      `full-size flood: ${attempted} connections attempted in ${floodMs} ms, ${mostFiles} server fds at most, ${Date.now() - started} ms in all`,
    );
  }, 150_000);
});
