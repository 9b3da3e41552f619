/**
 * The dashboard's audit form and JSON API take the CLI's ports, login options and the INVITE probe, and its check runs
 * the INVITE probe unless told to be safe. A lab fleet on 127.121.1.0/24 (this file's range) and a dashboard configured
 * as `serve` configures it — no probe ports preset — so an audit without the lab's web ports misses the phones that stay
 * silent to a stranger's SIP (why a dashboard audit once found 16 of 30 lab phones where the CLI, given the ports, found 30).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import type { StoredFinding } from '../../src/store/audit-store.js';
import { VENDORS } from '../../vendors/index.js';
import { ADMIN_PASSWORD, startDashboardLab, type DashboardLab } from './lab.js';
import { InjectSession } from './session.js';

let lab: DashboardLab;
let app: FastifyInstance;
const BASIC = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };

beforeAll(async () => {
  lab = await startDashboardLab('127.121.1.1', 6, 2, 0x21);
  app = Fastify();
  await app.register(dashboardPlugin, {
    vendors: VENDORS,
    inventory: () => lab.runtime.config.inventory,
    store: lab.runtime.store,
    dataDir: '/nonexistent',
    env: {},
    secure: false,
    password: ADMIN_PASSWORD,
    renderer: lab.runtime.renderer,
    auditOptions: { timeoutMs: 400, retries: 0, hostGapMs: 0, allowed: ['127.121.1.0/24'] },
  });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app?.close();
  await lab?.stop();
});

async function finished(id: number): Promise<StoredFinding[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const run = (await app.inject({ method: 'GET', url: `/api/audits/${id}`, headers: BASIC })).json();
    if (run.status !== 'running') return run.findings as StoredFinding[];
    if (Date.now() > deadline) throw new Error('the audit did not finish');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const verdicts = (findings: StoredFinding[]) => new Map(findings.filter((f) => f.rule === 'ghost-call').map((f) => [f.host, f.state]));

describe('dashboard audit options', () => {
  it("without the lab's web ports the audit misses phones; the form with the CLI's ports and the INVITE probe finds every one", async () => {
    const plain = await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: lab.range } });
    expect(plain.statusCode).toBe(202);
    const missed = verdicts(await finished(plain.json().id));
    expect(missed.size).toBeLessThan(lab.manifest.length);

    const session = new InjectSession(app);
    await session.login(ADMIN_PASSWORD);
    const page = await session.get('/audits');
    expect(page.body).toContain('name="httpsPorts"');
    expect(page.body).toMatch(/<input type="checkbox" name="intrusive" value="on">/);
    const res = await session.form(
      '/audits',
      {
        form: 'audit',
        targets: lab.range,
        httpPorts: String(lab.probe.httpPorts[0]),
        httpsPorts: String(lab.probe.httpsPorts[0]),
        snmpPort: String(lab.probe.snmpPort),
        defaultLogin: 'on',
        plainHttpLogin: 'on',
        intrusive: 'on',
      },
      InjectSession.token(page.body),
    );
    expect(res.statusCode).toBe(303);
    const id = Number(/\/audits\/(\d+)$/.exec(res.headers.location as string)![1]);
    const found = verdicts(await finished(id));
    expect(found.size).toBe(lab.manifest.length);
    // the lab's factory phones answer the probe's unsupported Require: with 420 (processed, not alerted)
    for (const phone of lab.manifest.filter((p) => p.factory)) expect(found.get(phone.ip), phone.ip).toBe('likely-rings');
    for (const phone of lab.manifest.filter((p) => !p.factory)) expect(['refuses', 'ignores'], phone.ip).toContain(found.get(phone.ip));
  }, 90_000);

  it('refuses a bad port like the CLI does', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/audits',
      headers: BASIC,
      payload: { targets: lab.range, sipPorts: '5060,70000' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/--sip-ports must be a whole number from 1 to 65535/);
  });

  it('POST /api/check sends the INVITE probe unless safe; the result says which', async () => {
    const factory = lab.manifest.find((p) => p.factory)!;
    const probed = (await app.inject({ method: 'POST', url: '/api/check', headers: BASIC, payload: { target: factory.ip } })).json();
    expect(probed.ghostCall.verdict).toBe('likely-rings');
    expect(probed.inviteProbe).toMatchObject({ sent: true, users: ['100'] });
    const safe = (
      await app.inject({ method: 'POST', url: '/api/check', headers: BASIC, payload: { target: factory.ip, safe: true } })
    ).json();
    expect(safe.inviteProbe.sent).toBe(false);
    expect(['likely-rings', 'unknown']).toContain(safe.ghostCall.verdict);
    expect(safe.verdict.headline).not.toMatch(/safe/i);
  }, 30_000);
});
