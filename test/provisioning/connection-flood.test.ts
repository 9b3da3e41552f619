/**
 * Hostile: idle-connection floods from one address and from 64 addresses while 300 phones boot from their own
 * addresses, against a real `ghostguard serve` over HTTPS. The case — 20,000 + 10,000 connections against a
 * 20,000 open-file limit — is run by bench/connection-flood.ts; here the same proportions on a smaller scale for a
 * 2-core CI: 4,000 + 2,000 connections against a server started with a 2,048 open-file limit (so, with the default
 * caps, 1,536 connections: the limit minus the reserve). Without the caps the server runs out of descriptors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootPhones, floodPhoneMac, floodUnderWay, startFlood, type Flood } from '../helpers/flood-scenario.js';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const HOST = '127.123.0.1';
const PORT = 21100;
const PHONES = 300;
const floods: Flood[] = [];
let serve: ServeProcess | undefined;

afterAll(async () => {
  for (const f of floods) await f.stop();
  await serve?.stop();
});

describe('connection floods', () => {
  it('6,000 idle connections from 1 + 64 addresses: all 300 phones from other addresses boot, SIGTERM exits promptly', async () => {
    const devices = Array.from({ length: PHONES }, (_, i) => ({
      mac: floodPhoneMac(i).match(/../g)!.join(':'),
      vendor: 'grandstream',
      model: 'GXP2140',
    }));
    const yaml = fleetYaml(devices).replace('server:\n', `server:\n  host: ${HOST}\n  connections: { idleSeconds: 5 }\n`);
    serve = await startServe(yaml, PORT, [], ['prlimit', '--nofile=2048:2048']);
    const one = ['127.123.1.1'];
    const many = Array.from({ length: 64 }, (_, i) => `127.123.${2 + (i >> 4)}.${1 + (i & 15)}`);
    floods.push(startFlood({ host: HOST, port: PORT, sources: one, count: 4000, seconds: 90, reopenMs: 1000 }));
    floods.push(startFlood({ host: HOST, port: PORT, sources: many, count: 2000, seconds: 90, reopenMs: 1000 }));
    await floodUnderWay(floods, 6000, 30_000);

    const phones = Array.from({ length: PHONES }, (_, i) => ({
      mac: floodPhoneMac(i),
      source: `127.123.${200 + Math.floor(i / 200)}.${1 + (i % 200)}`,
    }));
    const results = await bootPhones(`https://${HOST}:${PORT}`, phones, 30);
    const failed = results.map((codes, i) => ({ mac: phones[i]!.mac, codes })).filter((r) => r.codes.some((c) => c !== 200));
    expect(failed).toEqual([]);

    // the floods were held to the caps: most of their connections were shed, and that was logged (throttled)
    const shed = floods.reduce((n, f) => n + f.latest().closedByServer, 0);
    expect(shed).toBeGreaterThan(4000);
    const events = readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; source?: string; severity: string });
    const limitEvents = events.filter((e) => e.reason === 'connection-limit');
    expect(limitEvents.some((e) => e.source === '127.123.1.1')).toBe(true);
    expect(limitEvents.length).toBeLessThan(200);
    expect(limitEvents.every((e) => e.severity === 'low')).toBe(true);

    // SIGTERM while the floods still hold connections
    const t0 = Date.now();
    const code = await serve.stop();
    expect(code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 150_000);
});
