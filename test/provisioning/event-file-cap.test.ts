/**
 * events.jsonl is capped (`server.retention.eventsFileMb`, `eventsFiles`): ~12,000 refused requests (about 300 bytes of
 * event each, 3.6 MB in all) against a 1 MB cap and 2 rotated copies leave events.jsonl, .1 and .2, each within the cap
 * and each rotated copy full to within one line, the oldest gone; what the files hold together is exactly the newest
 * events the database holds, in order (every security event reaches both sinks). A file moved away by someone else
 * (logrotate) is noticed: the next events go to a new events.jsonl.
 */
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { routerTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const MB = 1024 * 1024;
const LIFTED = '{ burst: 1000000000, perSecond: 1000000000 }';
let runtime: Runtime;
let data: string;

beforeAll(async () => {
  const yaml = fleetYaml([{ mac: '00:15:65:00:46:01', vendor: 'yealink', model: 'T46U' }]).replace(
    '  tls: auto\n',
    '  tls: auto\n  retention: { eventsFileMb: 1, eventsFiles: 2 }\n' +
      `  rateLimits: { perAddress: ${LIFTED}, perSubnet: ${LIFTED}, addressFailures: 1000000000, subnetFailures: 1000000000, ` +
      'addressChallenges: 1000000000, subnetChallenges: 1000000000, spreadGuesses: 1000000000 }\n',
  );
  let dir: string;
  ({ runtime, dir } = await startRuntime(yaml));
  data = join(dir, 'data');
  await routerTransport.started(runtime);
});

afterAll(async () => {
  await routerTransport.close(runtime);
  await runtime.close();
});

/** one refused request: a `bad-path` event carrying its ~190-character path */
async function refuse(i: number): Promise<void> {
  const res = await routerTransport.send(runtime, `127.146.${1 + (i % 50)}.${1 + (i % 200)}`, {
    method: 'GET',
    url: `/${'x'.repeat(180)}${i}.cfg`,
    headers: { 'user-agent': 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:46:01' },
  });
  expect(res.statusCode).toBe(400);
}

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);
const waitFor = async (ok: () => boolean) => {
  for (const deadline = Date.now() + 10_000; !ok() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
};

describe('events.jsonl size cap', () => {
  it('rotates at the cap, keeps 2 copies, and together they are the newest events the database holds', async () => {
    const total = 12_000;
    for (let i = 0; i < total; i++) await refuse(i);
    const files = [join(data, 'events.jsonl.2'), join(data, 'events.jsonl.1'), join(data, 'events.jsonl')];
    await waitFor(
      () =>
        lines(files[2]!)
          .at(-1)
          ?.includes(`x${total - 1}.cfg`) ?? false,
    );
    for (const f of files) expect(statSync(f).size, f).toBeLessThanOrEqual(1 * MB);
    for (const f of files.slice(0, 2)) expect(statSync(f).size, f).toBeGreaterThan(0.99 * MB);
    expect(existsSync(join(data, 'events.jsonl.3'))).toBe(false);
    expect((statSync(files[0]!).mode & 0o777).toString(8)).toBe('600');

    const inFiles = files.flatMap(lines).map((l) => JSON.parse(l) as { reason: string; file?: string; source?: string; ts: string });
    expect(inFiles.length).toBeGreaterThan(6000);
    expect(inFiles.length).toBeLessThan(total);
    // the database keeps every one (its own cap is 1,000,000 rows); its newest are what the files hold, in order
    const inDb = (await runtime.store.events({ limit: 1_000_000 })).filter((e) => e.reason === 'bad-path').reverse();
    expect(inDb).toHaveLength(total);
    expect(inFiles).toEqual(inDb.slice(total - inFiles.length));
  }, 120_000);

  it('a file moved away by someone else is noticed: the next events start a new events.jsonl', async () => {
    renameSync(join(data, 'events.jsonl'), join(data, 'shipped.jsonl'));
    await refuse(20_000);
    await waitFor(() => existsSync(join(data, 'events.jsonl')));
    await waitFor(() => lines(join(data, 'events.jsonl')).length > 0);
    expect(lines(join(data, 'events.jsonl'))).toHaveLength(1);
    expect(lines(join(data, 'events.jsonl'))[0]).toContain('x20000.cfg');
    expect(lines(join(data, 'shipped.jsonl')).some((l) => l.includes('x20000.cfg'))).toBe(false);
  });
});
