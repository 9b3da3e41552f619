/**
 * `serve --workers 2` as real processes: one address's request rate is counted across both workers. Two connections
 * from one address reach different workers (node:cluster's round robin); each worker alone would admit its own full
 * bucket. Limits from the config: a burst of 40 per address, refilled at one every 5 seconds.
 */
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const PORT = 20010;
const ADDRESS = '127.132.2.1';
const MAC = '00:15:65:00:32:01';
let serve: ServeProcess;

beforeAll(async () => {
  const limits =
    'server:\n  rateLimits:\n    perAddress: { burst: 40, perSecond: 0.2 }\n    perSubnet: { burst: 100000, perSecond: 100000 }\n';
  const yaml = fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace('server:\n', limits);
  serve = await startServe(yaml, PORT, ['--workers', '2']);
});
afterAll(async () => {
  await serve?.stop();
});

const statuses = async (clients: Client[], n: number): Promise<number[]> => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await clients[i % clients.length]!.request({
      method: 'GET',
      path: '/y000000000000.boot',
      headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}` },
    });
    await res.body.text();
    out.push(res.statusCode);
  }
  return out;
};

describe('serve --workers 2: rate buckets shared', () => {
  it('an address that spent its burst across both workers is refused by both, though each has tokens of its own', async () => {
    const clients = [0, 1].map(
      () => new Client(`https://127.0.0.1:${PORT}`, { localAddress: ADDRESS, connect: { rejectUnauthorized: false } }),
    );
    const first = await statuses(clients, 40);
    expect(first.filter((s) => s === 200).length).toBe(40);
    // the counts meet at the primary (flushed every 50 ms) and the dry bucket reaches both workers
    await new Promise((r) => setTimeout(r, 400));
    const second = await statuses(clients, 20);
    await Promise.all(clients.map((c) => c.close()));
    // per-process buckets would have admitted 20 more on each worker; shared, at most the tokens refilled meanwhile
    expect(second.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    expect(second.filter((s) => s === 429).length).toBeGreaterThanOrEqual(18);
  });
});
