/**
 * The device page's Resync / Reboot buttons against a Runtime and lab phones (this file's range: 127.137.3.0/24):
 * the form is CSRF-protected like every other; a resync reaches the phone's management interface, the phone fetches
 * its files again, and a `phone-resync` event names the operator's address; a phone without a verified method gets
 * nothing and the page says why.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboardLab, type DashboardLab } from './lab.js';
import { dashboardFor, InjectSession } from './session.js';

const PASSWORD = 'resync-page-Pa55word';
let lab: DashboardLab;
let app: FastifyInstance;
let session: InjectSession;

beforeAll(async () => {
  lab = await startDashboardLab('127.137.3.1', 3, 0, 0x38);
  app = await dashboardFor(lab.runtime, PASSWORD, { auditOptions: { httpsPorts: lab.probe.httpsPorts }, snapshotIntervalMs: 0 });
  session = new InjectSession(app);
  await session.login(PASSWORD);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await lab?.stop();
});

const phone = (vendor: string) => lab.fleet.phones.find((p) => p.vendor === vendor)!;

async function fetches(mac: Parameters<typeof lab.runtime.store.fetchHistory>[0]): Promise<number> {
  await lab.runtime.store.flush();
  return (await lab.runtime.store.fetchHistory(mac, 1000)).length;
}

describe('resync from the device page', () => {
  it('refuses a post without the CSRF token and sends nothing', async () => {
    const yl = phone('yealink');
    const res = await session.form(`/devices/${yl.mac}/resync`, { action: 'resync' });
    expect(res.statusCode).toBe(403);
    expect(yl.remoteActions).toEqual([]);
  });

  it('Resync now: the Action URI request is sent, the phone fetches its files again, the event names the operator', async () => {
    const yl = phone('yealink');
    const page = await session.get(`/devices/${yl.mac}`);
    expect(page.body).toContain(`action="/devices/${yl.mac}/resync"`);
    expect(page.body).toContain('<button type="submit" name="action" value="resync">Resync now</button>');
    const before = await fetches(yl.mac);
    const res = await session.form(`/devices/${yl.mac}/resync`, { action: 'resync' }, InjectSession.token(page.body));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sent: Action URI /servlet?key=AutoP: accepted (HTTP 200)');
    expect(res.body).toContain(`${yl.ip} (its last fetch)`);
    expect(yl.remoteActions).toEqual(['resync']);
    await expect.poll(() => fetches(yl.mac), { timeout: 10_000, interval: 100 }).toBeGreaterThan(before);
    const [event] = await lab.runtime.store.events({ reason: 'phone-resync', mac: yl.mac });
    expect(event?.source).toBe('127.0.0.1');
    expect(event?.detail).toContain('resync of');
    expect(event?.detail).toContain('requested by 127.0.0.1: sent');
  });

  it('Reboot of a Grandstream phone goes through dologin and api-sys_operation REBOOT', async () => {
    const gs = phone('grandstream');
    const page = await session.get(`/devices/${gs.mac}`);
    const res = await session.form(`/devices/${gs.mac}/resync`, { action: 'reboot' }, InjectSession.token(page.body));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Sent: /cgi-bin/api-sys_operation request=REBOOT: accepted');
    expect(gs.remoteActions).toEqual(['reboot']);
  });

  it('a SoundPoint (no REST API) gets nothing, and the page says why', async () => {
    const sp = phone('polycom');
    const page = await session.get(`/devices/${sp.mac}`);
    const res = await session.form(`/devices/${sp.mac}/resync`, { action: 'resync' }, InjectSession.token(page.body));
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Nothing was sent: SoundPoint IP phones have no REST API (UC Software 5.4 or later).');
    expect(sp.remoteActions).toEqual([]);
  });
});
