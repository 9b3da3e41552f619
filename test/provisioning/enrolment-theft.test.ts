/**
 * Hostile: an enrolment stolen inside its window, over real HTTPS from 127.123.10.x. The thief must at least name the
 * MAC in the User-Agent as the vendor's firmware does; its re-fetches after the window closed are bounded; and when the
 * real phone arrives without credentials from another address, a high enrolment-conflict event names the enrolling
 * address and User-Agent — while the phone gets the same 401 as any other refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const MAC = '00:15:65:00:0a:01';
const GS_MAC = '00:0b:82:46:0a:01';
const THIEF = '127.123.10.66';
const PHONE = '127.123.10.10';
const transport = socketTransport();
let runtime: Runtime;

beforeAll(async () => {
  ({ runtime } = await startRuntime(
    fleetYaml([
      { mac: MAC, vendor: 'yealink', model: 'T46U' },
      { mac: GS_MAC, vendor: 'grandstream', model: 'GXP2140' },
    ]),
  ));
  await transport.started(runtime);
});

afterAll(async () => {
  await transport.close(runtime);
  await runtime.close();
});

const get = (address: string, userAgent: string) =>
  transport.send(runtime, address, { method: 'GET', url: `/${parseMac(MAC)}.cfg`, headers: { 'user-agent': userAgent } });

describe('enrolment theft', () => {
  it('a Yealink User-Agent without the MAC cannot enrol; the thief is bounded after close; the real phone raises enrolment-conflict', async () => {
    const mac = parseMac(MAC)!;
    expect((await get(THIEF, 'Yealink SIP-T46U 108.86.0.45')).statusCode).toBe(401);
    expect((await runtime.store.events({ reason: 'ua-url-mismatch', mac }))[0]).toMatchObject({ source: THIEF });

    const thiefUa = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;
    expect((await get(THIEF, thiefUa)).statusCode).toBe(200);
    expect((await runtime.store.events({ reason: 'enrolment-closed', mac }))[0]).toMatchObject({ source: THIEF, detail: thiefUa });
    const regrabs = [];
    for (let i = 0; i < 5; i++) regrabs.push((await get(THIEF, thiefUa)).statusCode);
    expect(regrabs).toEqual([200, 200, 200, 401, 401]);

    const first = await get(PHONE, `Yealink SIP-T46U 108.86.0.45 ${MAC}`);
    const second = await get(PHONE, `Yealink SIP-T46U 108.86.0.45 ${MAC}`);
    expect([first.statusCode, second.statusCode]).toEqual([401, 401]);
    // a refusal's events are recorded a moment after its 401 (the history look-up waits for the writer thread)
    await expect.poll(async () => (await runtime.store.events({ reason: 'enrolment-conflict', mac })).length).toBe(1);
    const conflict = await runtime.store.events({ reason: 'enrolment-conflict', mac });
    expect(conflict[0]).toMatchObject({ severity: 'high', source: PHONE });
    expect(conflict[0]!.detail).toContain(`enrolled by ${THIEF} (${thiefUa})`);
  });

  it('a Grandstream User-Agent without its DevId cannot enrol either (the firmware always sends it); with it, the phone enrols', async () => {
    const mac = parseMac(GS_MAC)!;
    const fetch = (userAgent: string) =>
      transport.send(runtime, '127.146.40.1', { method: 'GET', url: `/cfg${mac}.xml`, headers: { 'user-agent': userAgent } });
    expect((await fetch('Grandstream Model HW GXP2140 SW 1.0.9.14')).statusCode).toBe(401);
    expect((await runtime.store.events({ reason: 'ua-url-mismatch', mac }))[0]).toMatchObject({ source: '127.146.40.1' });
    expect(await runtime.store.events({ reason: 'enrolment-closed', mac })).toEqual([]);
    expect((await fetch(`Grandstream Model HW GXP2140 SW 1.0.9.14 DevId ${mac}`)).statusCode).toBe(200);
    expect((await runtime.store.events({ reason: 'enrolment-closed', mac }))[0]).toMatchObject({ source: '127.146.40.1' });
  });
});
