/**
 * A Poly SIP 3.x phone (SoundPoint IP 335, 3.2.1.0078) gets provisioning credentials and an admin password of its own,
 * and after its enrolment window closes it fetches with the Digest credentials it was served — read from the served file,
 * as the phone would, not from the inventory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { polycom } from '../../vendors/polycom/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const MAC = parseMac('00:04:f2:25:00:35')!;
const UA = 'FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078';
const URL = `/${MAC}-ghostguard.cfg`;

let runtime: Runtime;
beforeAll(async () => {
  ({ runtime } = await startRuntime(fleetYaml([{ mac: '00:04:f2:25:00:35', vendor: 'polycom', model: 'SPIP_335' }])));
});
afterAll(async () => runtime.close());

const get = (headers: Record<string, string> = {}) =>
  runtime.app.inject({ method: 'GET', url: URL, headers: { 'user-agent': UA, ...headers }, remoteAddress: '127.125.2.1' });

describe('Poly SIP 3.x credentials', () => {
  it('fetches with its own Digest credentials after its enrolment window closes', async () => {
    await runtime.store.openEnrolment(MAC, new Date(Date.now() + 3600_000));
    const first = await get();
    expect(first.statusCode).toBe(200);
    const served = polycom.read(first.body);
    const user = served.get('device.prov.user');
    const password = served.get('device.prov.password');
    expect(user).toBeTruthy();
    expect(password).toBeTruthy();
    expect(served.get('device.prov.user.set')).toBe('1');
    expect(served.get('device.prov.password.set')).toBe('1');
    expect(served.get('device.set')).toBe('1');
    expect(served.get('device.auth.localAdminPassword')).toBeTruthy();
    expect(served.get('device.auth.localAdminPassword')).not.toBe('456');

    await runtime.store.closeEnrolment(MAC, undefined, new Date(Date.now() - 3600_000));
    const challenge = await get();
    expect(challenge.statusCode).toBe(401);
    const again = await get({
      authorization: digestHeader(user!, password!, 'GET', URL, nonceFrom(challenge.headers['www-authenticate'])),
    });
    expect(again.statusCode).toBe(200);
    expect((await runtime.store.fetchHistory(MAC))[0]).toMatchObject({ file: `${MAC}-ghostguard.cfg`, auth: 'digest', status: 200 });
  });
});
