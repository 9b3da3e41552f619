/**
 * Hostile: MAC guessing spread over 40 /24s (127.136.64-103.x), each far below its own /24 ban, over real HTTPS. Phones
 * doing their normal Digest boot from the same 40 networks first (each challenge paid back by the authenticated fetch)
 * raise nothing; the harvest raises exactly one high `distributed-guessing` event once the unpaid denials reach
 * `rateLimits.spreadGuesses` from at least `spreadSubnets` networks — and no source or /24 is banned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const PHONE = '00:15:65:00:36:40';
const NETWORKS = 40;
const SPREAD_GUESSES = 120;
const address = (n: number) => `127.136.${64 + n}.${10 + n}`;
const ua = (mac: string) => `Yealink SIP-T46U 108.86.0.45 ${mac}`;
const transport = socketTransport();
let runtime: Runtime;

beforeAll(async () => {
  const yaml = fleetYaml([{ mac: PHONE, vendor: 'yealink', model: 'T46U' }]).replace(
    '  tls: auto\n',
    `  tls: auto\n  rateLimits: { spreadGuesses: ${SPREAD_GUESSES}, spreadSubnets: 16 }\n`,
  );
  ({ runtime } = await startRuntime(yaml));
  await transport.started(runtime);
});

afterAll(async () => {
  await transport.close(runtime);
  await runtime.close();
});

const get = (from: string, mac: string, authorization?: string) =>
  transport.send(runtime, from, {
    method: 'GET',
    url: `/${parseMac(mac)}.cfg`,
    headers: { 'user-agent': ua(mac), ...(authorization ? { authorization } : {}) },
  });

describe('guessing spread over many /24s', () => {
  it('normal Digest boots raise nothing; the spread harvest raises one high distributed-guessing event and bans nobody', async () => {
    const mac = parseMac(PHONE)!;
    await runtime.store.closeEnrolment(mac, undefined, new Date(Date.now() - 3600_000));
    const inventory = runtime.config.inventory;
    for (let round = 0; round < 4; round++) {
      for (let n = 0; n < NETWORKS; n++) {
        const challenge = await get(address(n), PHONE);
        expect(challenge.statusCode).toBe(401);
        const auth = digestHeader(
          inventory.provisioningUsername(mac),
          inventory.provisioningPassword(mac, 0),
          'GET',
          `/${mac}.cfg`,
          nonceFrom(challenge.headers['www-authenticate']),
        );
        expect((await get(address(n), PHONE, auth)).statusCode).toBe(200);
      }
    }
    expect(await runtime.store.events({ reason: 'distributed-guessing' })).toEqual([]);

    const statuses = new Set<number>();
    for (let guess = 0; guess < 5; guess++) {
      for (let n = 0; n < NETWORKS; n++) {
        const guessed = `00:15:65:${(0x70 + guess).toString(16)}:${n.toString(16).padStart(2, '0')}:99`;
        statuses.add((await get(address(n), guessed)).statusCode);
      }
    }
    expect([...statuses]).toEqual([401]);
    const alerts = await runtime.store.events({ reason: 'distributed-guessing' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'high' });
    expect(alerts[0]!.detail).toMatch(new RegExp(`^${SPREAD_GUESSES} refused requests .* from (1[6-9]|[2-4]\\d) networks in 10 min`));
    expect(await runtime.store.events({ reason: 'banned' })).toEqual([]);
  });
});
