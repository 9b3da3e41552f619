/**
 * The device page says only what the server enforces: with server.pinSource none, the address of the enrolling fetch
 * is shown as a fact ("first fetched from"), and an authenticated fetch from another address indeed succeeds; with
 * pinSource address it is "pinned to" that address. Addresses: 127.126.2.x.
 */
import { describe, expect, it } from 'vitest';
import { parseMac, type Mac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { dashboardFor, InjectSession } from './session.js';

const PASSWORD = 'labels-test-Pa55word';
const MAC = parseMac('00:15:65:00:12:62') as Mac;
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:12:62';

async function enrolledDevicePage(pinSource: 'none' | 'address') {
  const yaml = fleetYaml([{ mac: '00:15:65:00:12:62', vendor: 'yealink', model: 'T46U' }]).replace(
    'server:\n',
    `server:\n  pinSource: ${pinSource}\n`,
  );
  const { runtime } = await startRuntime(yaml);
  const fetchFrom = async (address: string, authorization?: string) =>
    runtime.app.inject({
      method: 'GET',
      url: `/${MAC}.cfg`,
      remoteAddress: address,
      headers: { 'user-agent': UA, ...(authorization ? { authorization } : {}) },
    });
  expect((await fetchFrom('127.126.2.5')).statusCode).toBe(200); // enrolment: first fetch without credentials
  const challenge = await fetchFrom('127.126.2.6');
  const inventory = runtime.config.inventory;
  const answer = await fetchFrom(
    '127.126.2.6',
    digestHeader(
      inventory.provisioningUsername(MAC),
      inventory.provisioningPassword(MAC, 0),
      'GET',
      `/${MAC}.cfg`,
      nonceFrom(challenge.headers['www-authenticate']),
    ),
  );
  await runtime.store.flush();
  const app = await dashboardFor(runtime, PASSWORD, {
    snapshotIntervalMs: 0,
  });
  const session = new InjectSession(app);
  await session.login(PASSWORD);
  const res = await session.get(`/devices/${MAC}`);
  expect(res.statusCode).toBe(200);
  const page = res.body;
  await app.close();
  await runtime.close();
  return { page, otherAddress: answer.statusCode };
}

describe('device page: enrolment label', () => {
  it('pinSource none: "first fetched from", never "pinned to"; another address may fetch', async () => {
    const { page, otherAddress } = await enrolledDevicePage('none');
    expect(page).toContain('first fetched from 127.126.2.5 (not pinned: server.pinSource is none');
    expect(page).not.toContain('pinned to');
    expect(otherAddress).toBe(200);
  });

  it('pinSource address: "pinned to" the enrolling address; another address is refused', async () => {
    const { page, otherAddress } = await enrolledDevicePage('address');
    expect(page).toContain('pinned to 127.126.2.5');
    expect(otherAddress).toBe(401);
  });
});
