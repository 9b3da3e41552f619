/**
 * server.auditAllow: what audits started through the server — dashboard form, JSON API, handset checks, schedules —
 * may touch. Real auditor, real sockets; every target here is on loopback, the forbidden ones included, so a broken
 * scope check could not send a packet off this machine.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Runtime } from '../../src/app/runtime.js';
import { fleetYaml, startRuntime, writeTempConfig } from '../helpers/runtime.js';
import { dashboardFor, InjectSession } from './session.js';

const PASSWORD = 'scope-test-Pa55word';
const BASIC = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const ALLOWED = '127.0.95.0/24';
const withScope = (extra = '') =>
  fleetYaml([{ mac: '00:15:65:00:00:c1', vendor: 'yealink', model: 'T46U' }], extra).replace(
    'server:\n',
    `server:\n  auditAllow: [${ALLOWED}, 127.0.97.10-127.0.97.20]\n`,
  );
let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  ({ runtime } = await startRuntime(withScope()));
  app = await dashboardFor(runtime, PASSWORD, {
    auditOptions: {
      sipPorts: [5060],
      httpPorts: [],
      httpsPorts: [],
      snmpPort: 1161,
      communities: [],
      timeoutMs: 100,
      retries: 0,
      hostGapMs: 0,
    },
  });
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const post = (url: string, payload: object) =>
  app.inject({ method: 'POST', url, headers: { ...BASIC, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

describe('server.auditAllow', () => {
  it('the dashboard starts audits inside the allowed ranges and refuses any target reaching outside them', async () => {
    const inside = await post('/api/audits', { targets: '127.0.95.1-127.0.95.2, 127.0.97.12' });
    expect(inside.statusCode).toBe(202);
    for (const targets of ['127.0.96.1', '127.0.95.0/23', '127.0.97.5-127.0.97.15']) {
      const refused = await post('/api/audits', { targets });
      expect(refused.statusCode, targets).toBe(403);
      expect(refused.json().message).toContain(`is outside the allowed ranges (${ALLOWED}, 127.0.97.10-127.0.97.20)`);
    }
    // each refusal is a security event naming who asked: a stolen session probing other networks shows up
    const events = await runtime.store.events({ reason: 'audit-out-of-scope' });
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ severity: 'high', source: '127.0.0.1' });
    expect(events.map((e) => e.detail)).toContain(
      'dashboard audit: audit target "127.0.96.1" is outside the allowed ranges (127.0.95.0/24, 127.0.97.10-127.0.97.20)',
    );
  });

  it('the audits page says which ranges are allowed', async () => {
    const session = new InjectSession(app);
    await session.login(PASSWORD);
    const page = await session.get('/audits');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`Allowed ranges (server.auditAllow): ${ALLOWED}, 127.0.97.10-127.0.97.20.`);
  });

  it('a handset check outside the allowed ranges is refused', async () => {
    const refused = await post('/api/check', { target: '127.0.96.7' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'GG_ERR_TARGET_FORBIDDEN' });
    expect(refused.json().message).toContain('is outside the allowed ranges');
    expect((await runtime.store.events({ reason: 'audit-out-of-scope' }))[0]!.detail).toMatch(
      /^handset check: audit target "127\.0\.96\.7" is outside/,
    );
    expect((await post('/api/check', { target: '127.0.95.7' })).statusCode).toBe(200);
  });

  it('a schedule reaching outside is a config problem: validate names its line, serve refuses to start', async () => {
    const yaml = withScope('schedules:\n  - name: weekly\n    targets: [127.0.95.0/24, 127.0.98.0/24]\n    every: 7d\n');
    const { dir } = writeTempConfig(yaml);
    let err = '';
    const io = { out: () => {}, err: (t: string) => void (err += t), env: {}, cwd: dir, isTty: false };
    expect(await main(['validate', '-c', 'ghostguard.yaml'], io)).toBe(1);
    const line = yaml.split('\n').findIndex((l) => l.includes('targets: [127.0.95.0/24, 127.0.98.0/24]')) + 1;
    expect(err).toContain(`ghostguard.yaml:${line}: schedules[0] (weekly): targets: "127.0.98.0/24" outside server.auditAllow`);
    await expect(startRuntime(yaml)).rejects.toMatchObject({
      code: 'GG_ERR_CONFIG_INVALID',
      details: [expect.stringContaining('schedules[0] (weekly): targets: "127.0.98.0/24" outside server.auditAllow')],
    });
  });

  it('an allow list takes addresses, ranges and CIDRs only', async () => {
    const yaml = fleetYaml([{ mac: '00:15:65:00:00:c1', vendor: 'yealink', model: 'T46U' }]).replace(
      'server:\n',
      'server:\n  auditAllow: [127.0.95.0/24, phones.example, 127.0.95.0/40]\n',
    );
    const { dir } = writeTempConfig(yaml);
    let err = '';
    expect(
      await main(['validate', '-c', 'ghostguard.yaml'], { out: () => {}, err: (t) => void (err += t), env: {}, cwd: dir, isTty: false }),
    ).toBe(1);
    expect(err).toContain('server.auditAllow[1]: "phones.example": not an address, CIDR or range');
    expect(err).toContain('server.auditAllow[2]: "127.0.95.0/40": the prefix length is out of range');
  });
});
