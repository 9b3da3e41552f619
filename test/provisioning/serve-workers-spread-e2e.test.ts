/**
 * `serve --workers 2` as real processes: guessing spread over six /24s, one connection per /24, which node:cluster's
 * round robin hands to the workers in turn — so each worker sees about half, below `spreadGuesses` — raises exactly
 * one `distributed-guessing` event: the unpaid denials are counted where the workers' reports meet (the primary).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const PORT = 22020;
const SPREAD_GUESSES = 40;
let serve: ServeProcess;

beforeAll(async () => {
  const limits = `server:\n  rateLimits: { spreadGuesses: ${SPREAD_GUESSES}, spreadSubnets: 4 }\n`;
  const yaml = fleetYaml([{ mac: '00:15:65:00:52:20', vendor: 'yealink', model: 'T46U' }]).replace('server:\n', limits);
  serve = await startServe(yaml, PORT, ['--workers', '2']);
});
afterAll(async () => {
  await serve?.stop();
});

const alerts = () => {
  try {
    return readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('"distributed-guessing"'));
  } catch {
    return [];
  }
};

const guess = async (network: number, n: number): Promise<number[]> => {
  const c = new Client(`https://127.0.0.1:${PORT}`, { localAddress: `127.152.${40 + network}.9`, connect: { rejectUnauthorized: false } });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const mac = `00:15:65:${(0x60 + network).toString(16)}:${i.toString(16).padStart(2, '0')}:78`;
    const res = await c.request({
      method: 'GET',
      path: `/${mac.replaceAll(':', '')}.cfg`,
      headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${mac}` },
    });
    await res.body.text();
    out.push(res.statusCode);
  }
  await c.close();
  return out;
};

describe('serve --workers 2: the spread alert counts every worker', () => {
  it('48 guesses from six /24s, spread over both workers: exactly one distributed-guessing event', async () => {
    for (let network = 0; network < 6; network++) expect(new Set(await guess(network, 8))).toEqual(new Set([401]));
    const deadline = Date.now() + 5000;
    while (alerts().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // more guesses in the same window raise nothing more
    await guess(6, 4);
    await new Promise((r) => setTimeout(r, 500));
    const lines = alerts();
    expect(lines).toHaveLength(1);
    const event = JSON.parse(lines[0]!) as { severity: string; detail: string };
    expect(event.severity).toBe('high');
    expect(event.detail).toMatch(new RegExp(`^${SPREAD_GUESSES} refused requests .* from [4-6] networks in 10 min`));
  });
});
