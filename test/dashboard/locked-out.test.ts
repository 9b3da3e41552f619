/**
 * A phone refused after its enrolment — here a factory reset: it asks for its device file without credentials and
 * comes back without them — is "Locked out since …" on the fleet and device pages, not "Provisioned"; the device
 * page's Enrol action opens a window, and the phone then provisions again. Phone addresses: 127.126.6.x.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMac, type Mac } from '../../src/model/mac.js';
import type { Runtime } from '../../src/app/runtime.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { dashboardFor, InjectSession } from './session.js';

const PASSWORD = 'locked-out-Pa55word';
const MAC = parseMac('00:15:65:00:12:66') as Mac;
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:12:66';
const PHONE = '127.126.6.5';
/** after the reset DHCP hands it another address (the same one would still be inside the enrolment grace period) */
const RESET = '127.126.6.6';

let runtime: Runtime;
let app: FastifyInstance;
let session: InjectSession;

const phoneFetch = async (file: string, from = PHONE) => {
  const res = await runtime.app.inject({ method: 'GET', url: `/${file}`, remoteAddress: from, headers: { 'user-agent': UA } });
  // a refusal's events are recorded just after its answer
  await new Promise((done) => setImmediate(done));
  return res;
};

beforeAll(async () => {
  ({ runtime } = await startRuntime(fleetYaml([{ mac: '00:15:65:00:12:66', vendor: 'yealink', model: 'T46U' }])));
  app = await dashboardFor(runtime, PASSWORD, {
    snapshotIntervalMs: 0,
  });
  session = new InjectSession(app);
  await session.login(PASSWORD);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

async function devicePage(): Promise<string> {
  await runtime.store.flush();
  const res = await session.get(`/devices/${MAC}`);
  expect(res.statusCode).toBe(200);
  return res.body;
}

describe('locked out after enrolment', () => {
  it('enrols, is refused after a factory reset, shows Locked out; the Enrol action lets it provision again', async () => {
    expect((await phoneFetch(`${MAC}.cfg`)).statusCode).toBe(200); // enrolment
    expect(await devicePage()).toContain('Provisioned');

    // factory reset: its shared file still comes, the device file is refused twice (no credentials any more)
    expect((await phoneFetch('y000000000108.cfg', RESET)).statusCode).toBe(200);
    expect((await phoneFetch(`${MAC}.cfg`, RESET)).statusCode).toBe(401);
    expect((await phoneFetch(`${MAC}.cfg`, RESET)).statusCode).toBe(401);
    // the refusal's event is recorded a moment after its 401 (the history look-up waits for the writer thread)
    await expect.poll(async () => /class="badge s-locked-out">Locked out</.test(await devicePage())).toBe(true);
    const locked = await devicePage();
    expect(locked).toMatch(
      /locked out since \d{4}-\d\d-\d\dT[\d:.]+Z \((not-enrolled|enrolment-conflict) from 127\.126\.6\.6\): the phone no longer authenticates/,
    );
    expect(locked).not.toContain('runs the current configuration');
    const api = await app.inject({
      url: '/api/devices',
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    });
    expect((JSON.parse(api.body) as { devices: { mac: string; state: string }[] }).devices.find((d) => d.mac === MAC)?.state).toBe(
      'locked-out',
    );

    const enrol = await session.form(`/devices/${MAC}/enrol`, {}, InjectSession.token(locked));
    expect(enrol.statusCode).toBe(303);
    expect(enrol.headers.location).toBe(`/devices/${MAC}`);
    expect(await devicePage()).toMatch(/an enrolment window is open until \S+, waiting for the phone/);

    expect((await phoneFetch(`${MAC}.cfg`, RESET)).statusCode).toBe(200);
    const back = await devicePage();
    expect(back).toMatch(/class="badge s-provisioned">Provisioned</);
  });

  it("the Enrol action needs the page's CSRF token", async () => {
    expect((await session.form(`/devices/${MAC}/enrol`, {})).statusCode).toBe(403);
  });
});
