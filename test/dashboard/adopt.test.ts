/**
 * Unmanaged phones through HTTP: a dashboard audit with the INVITE probe finds a phone outside the inventory that rings
 * (a scriptable fake Poly whose User-Agent carries its MAC), the Fleet page lists it with its verdict, the adopt form
 * is prefilled from the audit, and the CSRF-protected POST adds it to the inventory file — comments kept — reloads,
 * and opens its enrolment. An event's unknown MAC links to the same form. Range: 127.121.3.0/24.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mac } from '../../src/model/mac.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { freeUdpPort } from '../auditor/helpers/net.js';
import { startSipPeer, type SipPeer } from '../auditor/helpers/sip-peer.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { InjectSession } from './session.js';

const PASSWORD = 'adopt-test-Pa55word-21';
const BASIC = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const HOST = '127.121.3.5';
const MAC = '482567164887';
let runtime: Runtime;
let admin: FastifyInstance;
let peer: SipPeer;
let configPath: string;

beforeAll(async () => {
  peer = await startSipPeer({ host: HOST, userAgent: `PolycomVVX-VVX_150-UA/6.4.1.2280_${MAC}`, invite: 'ring' });
  const yaml = fleetYaml([{ mac: '00:04:f2:21:00:01', vendor: 'polycom', model: 'VVX_400' }]).replace(
    'devices:\n',
    '# the reception desk phones\ndevices:\n',
  );
  const { dir, path } = writeTempConfig(yaml);
  configPath = path;
  runtime = await Runtime.create({
    configPath: path,
    vendors: VENDORS,
    dataDir: join(dir, 'data'),
    env: { GHOSTGUARD_ADMIN_PASSWORD: PASSWORD },
    admin: {
      auditOptions: {
        sipPorts: [peer.port],
        httpPorts: [],
        httpsPorts: [],
        snmpPort: await freeUdpPort(HOST),
        communities: [],
        timeoutMs: 300,
        retries: 0,
        hostGapMs: 0,
      },
    },
  });
  admin = runtime.adminApp!;
  await admin.ready();
});

afterAll(async () => {
  await runtime?.close();
  await peer?.close();
});

async function auditFinished(id: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await admin.inject({ method: 'GET', url: `/api/audits/${id}`, headers: BASIC })).json().status === 'running') {
    if (Date.now() > deadline) throw new Error('the audit did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('unmanaged phones and adopt', () => {
  it('an audit finds a ringing phone outside the inventory; Fleet lists it; adopt adds it, keeps the comments, opens enrolment', async () => {
    const started = await admin.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: HOST, intrusive: true } });
    expect(started.statusCode).toBe(202);
    await auditFinished(started.json().id);

    const session = new InjectSession(admin);
    await session.login(PASSWORD);
    const fleet = await session.get('/');
    expect(fleet.body).toContain('Unmanaged phones that ring');
    expect(fleet.body).toContain(`<a href="/adopt?mac=${MAC}">Adopt</a>`);
    expect(fleet.body).toMatch(/badge s-rings">RINGS</);

    const form = await session.get(`/adopt?mac=${MAC}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<option value="polycom" selected>');
    expect(form.body).toContain('name="model" value="VVX_150"');
    expect(form.body).toContain('<option value="hq" selected>');

    // without the form's CSRF token: refused, nothing written
    const forged = await session.form('/adopt', { mac: MAC, vendor: 'polycom', model: 'VVX_150', site: 'hq' });
    expect(forged.statusCode).toBe(403);
    expect(readFileSync(configPath, 'utf8')).not.toContain(MAC);

    const adopted = await session.form(
      '/adopt',
      { mac: MAC, vendor: 'polycom', model: 'VVX_150', site: 'hq' },
      InjectSession.token(form.body),
    );
    expect(adopted.statusCode).toBe(303);
    expect(adopted.headers.location).toBe(`/devices/${MAC}`);
    const written = readFileSync(configPath, 'utf8');
    expect(written).toContain('# the reception desk phones');
    expect(written).toMatch(/mac: 48:25:67:16:48:87|mac: "?482567164887"?/);
    expect(runtime.config.inventory.device(MAC as Mac)).toMatchObject({ vendor: 'polycom', model: 'VVX_150', site: 'hq' });
    const enrolment = await runtime.store.enrolment(MAC as Mac);
    expect(enrolment && !enrolment.closedAt && Date.parse(enrolment.expiresAt) > Date.now()).toBe(true);
    const device = await session.get(`/devices/${MAC}`);
    expect(device.statusCode).toBe(200);
    expect(device.body).toMatch(/open until/);
    // adopted: no longer unmanaged, and adopting twice is refused
    expect((await session.get('/')).body).not.toContain(`/adopt?mac=${MAC}`);
    expect((await session.get(`/adopt?mac=${MAC}`)).statusCode).toBe(303);
  });

  it("an event's unknown MAC links to the adopt form; a known one to its device page", async () => {
    runtime.events.emit({
      reason: 'unknown-mac',
      source: '127.121.3.9',
      mac: '0004f2210099' as Mac,
      detail: 'fetch from a MAC not in the inventory',
    });
    runtime.events.emit({ reason: 'unknown-mac', source: '127.121.3.10', mac: '0004f2210001' as Mac, detail: 'an inventory phone' });
    const session = new InjectSession(admin);
    await session.login(PASSWORD);
    const events = await session.get('/events');
    expect(events.body).toContain('<a href="/adopt?mac=0004f2210099">not in the inventory: adopt</a>');
    expect(events.body).toContain('<a class="mono" href="/devices/0004f2210001">');
    const form = await session.get('/adopt?mac=0004f2210099');
    expect(form.body).toContain('No recent audit found this MAC ringing');
  });
});
