/**
 * A phone's normal Digest flow — a request without credentials, the 401 challenge, the authenticated fetch — is not a
 * security event. Driven with curl (an independent Digest client) over HTTPS from 127.126.1.x: three `curl --digest`
 * fetches of a device whose enrolment is closed leave no event; a phone that cannot authenticate (it never answers the
 * challenge and comes back without credentials) leaves exactly one 'not-enrolled' event, however often it retries.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMac, type Mac } from '../../src/model/mac.js';
import type { Runtime } from '../../src/app/runtime.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('curl');
const run = promisify(execFile);
const MAC = parseMac('00:15:65:00:12:61') as Mac;
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:12:61';
const PHONE = '127.126.1.10';
const RESET_PHONE = '127.126.1.11';

let runtime: Runtime;
let base: string;

beforeAll(async () => {
  ({ runtime } = await startRuntime(fleetYaml([{ mac: '00:15:65:00:12:61', vendor: 'yealink', model: 'T46U' }])));
  await runtime.store.closeEnrolment(MAC, undefined, new Date(Date.now() - 3600_000));
  const [url] = await runtime.listen('127.126.0.1', 0);
  base = url!.replace('localhost', '127.126.0.1');
});

afterAll(async () => {
  await runtime?.close();
});

/** curl from a given loopback address; returns the HTTP status of the last response. */
async function curl(from: string, args: string[]): Promise<string> {
  const { stdout } = await run(
    peers.path('curl'),
    ['-sk', '--interface', from, '-A', UA, '-o', '/dev/null', '-w', '%{http_code}', ...args, `${base}/${MAC}.cfg`],
    { timeout: 20_000 },
  );
  return stdout;
}

describe.skipIf(peers.missing)(`Digest without noise${peers.note}`, () => {
  it('three curl --digest fetches: 200 each, no security event', async () => {
    const inventory = runtime.config.inventory;
    const user = `${inventory.provisioningUsername(MAC)}:${inventory.provisioningPassword(MAC, 0)}`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await curl(PHONE, ['--digest', '-u', user]));
    expect(statuses).toEqual(['200', '200', '200']);
    expect((await runtime.store.fetchHistory(MAC)).filter((f) => f.source === PHONE && f.auth === 'digest')).toHaveLength(3);
    expect(await runtime.store.events({ mac: MAC })).toEqual([]);
  });

  it('a phone that never answers the challenge: one not-enrolled event, however often it retries', async () => {
    expect(await curl(RESET_PHONE, [])).toBe('401');
    expect(await runtime.store.events({ reason: 'not-enrolled' })).toEqual([]);
    for (let i = 0; i < 3; i++) expect(await curl(RESET_PHONE, [])).toBe('401');
    // a refusal's events are recorded a moment after its 401 (the history look-up waits for the writer thread)
    await expect.poll(async () => (await runtime.store.events({ reason: 'not-enrolled' })).length).toBe(1);
    const events = await runtime.store.events({ reason: 'not-enrolled' });
    expect(events[0]).toMatchObject({ source: RESET_PHONE, mac: MAC, severity: 'medium' });
    expect((await runtime.store.events({ mac: MAC })).map((e) => e.source)).toEqual([RESET_PHONE]);
  });
});
