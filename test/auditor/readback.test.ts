import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostObservations } from '../../src/auditor/observations.js';
import { readBack, type ReadbackInput } from '../../src/auditor/readback/readback.js';
import { auditProfileOf } from '../../src/auditor/vendor-profiles.js';
import { chunkKeys } from '../../vendors/grandstream/audit/readback.js';
import { vendorById } from '../../vendors/index.js';
import { fetchHttpClient } from './helpers/fetch-client.js';

const HOST = '127.77.5.1';
const ORIGIN = `http://${HOST}:8080`;
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const host: HostObservations = {
  host: HOST,
  sip: [],
  snmp: [],
  http: [{ kind: 'http', scheme: 'http', port: 8080, path: '/', outcome: 'answered', status: 200, detail: '' }],
};
const input = (vendor: string, over: Partial<ReadbackInput> = {}): ReadbackInput => ({
  profile: auditProfileOf(vendorById(vendor)!),
  host,
  keys: [],
  tryFactory: true,
  plainHttpLogin: true,
  client: fetchHttpClient,
  ...over,
});
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('Polycom REST read-back (msw)', () => {
  it('reads config keys with the provisioned password and learns the MAC from device info', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${ORIGIN}/api/v1/mgmt/config/get`, async ({ request }) => {
        if (request.headers.get('authorization') !== basic('Polycom', 'Prov-Pw-1')) return new HttpResponse(null, { status: 401 });
        bodies.push(await request.json());
        return HttpResponse.json({
          Status: '2000',
          data: { 'voIpProt.SIP.requestValidation.1.method': { Value: 'source', Source: 'config' }, 'call.autoAnswer.SIP': '0' },
        });
      }),
      http.get(`${ORIGIN}/api/v1/mgmt/device/info`, () =>
        HttpResponse.json({
          Status: '2000',
          data: { MacAddress: '48:25:67:16:48:87', ModelNumber: 'VVX 150', FirmwareRelease: '6.4.1.2280' },
        }),
      ),
    );
    const out = await readBack(
      input('polycom', {
        keys: ['voIpProt.SIP.requestValidation.1.method', 'call.autoAnswer.SIP'],
        provisioned: { username: 'Polycom', password: 'Prov-Pw-1' },
      }),
    );
    expect(bodies).toEqual([{ data: ['voIpProt.SIP.requestValidation.1.method', 'call.autoAnswer.SIP'] }]);
    expect(out.values).toEqual(
      new Map([
        ['voIpProt.SIP.requestValidation.1.method', 'source'],
        ['call.autoAnswer.SIP', '0'],
      ]),
    );
    expect(out.logins).toEqual({ provisioned: 'accepted', file: 'not-tried', factory: 'not-tried' });
    expect(out.mac).toBe('482567164887');
    expect(JSON.stringify(out)).not.toContain('Prov-Pw-1');
  });

  it('falls back to one factory-default attempt, which flags the phone', async () => {
    let attempts = 0;
    server.use(
      http.post(`${ORIGIN}/api/v1/mgmt/config/get`, ({ request }) => {
        attempts++;
        return request.headers.get('authorization') === basic('Polycom', '456')
          ? HttpResponse.json({ Status: '2000', data: {} })
          : new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } });
      }),
      http.get(`${ORIGIN}/api/v1/mgmt/device/info`, () => new HttpResponse(null, { status: 401 })),
    );
    const out = await readBack(input('polycom', { keys: ['a.b'], provisioned: { username: 'Polycom', password: 'wrong' } }));
    expect(out.logins).toMatchObject({ provisioned: 'refused', factory: 'accepted' });
    expect(attempts).toBe(2);
  });

  it('no default login when disabled, and a reason when nothing is tried', async () => {
    const out = await readBack(input('polycom', { tryFactory: false }));
    expect(out.values).toBeUndefined();
    expect(out.reason).toMatch(/no credentials/);
  });

  it('REST disabled (404) is a reason, not a failure', async () => {
    server.use(http.post(`${ORIGIN}/api/v1/mgmt/config/get`, () => new HttpResponse('nope', { status: 404 })));
    const out = await readBack(input('polycom', { keys: ['a'], tryFactory: false, provisioned: { username: 'Polycom', password: 'x' } }));
    expect(out.values).toBeUndefined();
    expect(out.reason).toMatch(/REST API not enabled/);
  });
});

describe('Grandstream API read-back (msw)', () => {
  it('logs in with dologin, then reads P-values with the session', async () => {
    const requests: string[] = [];
    server.use(
      http.post(`${ORIGIN}/cgi-bin/dologin`, async ({ request }) => {
        const form = new URLSearchParams(await request.text());
        return form.get('username') === 'admin' && form.get('password') === 'Prov-Pw-2'
          ? HttpResponse.json({ response: 'success', body: { sid: 'abc123', role: 'admin', defaultAuth: false } })
          : HttpResponse.json({ response: 'error', body: 'failed' });
      }),
      http.post(`${ORIGIN}/cgi-bin/api.values.get`, async ({ request }) => {
        const text = await request.text();
        requests.push(text);
        expect(request.headers.get('cookie')).toContain('session-identity=abc123');
        const keys = new URLSearchParams(text).get('request')!.split(':');
        const all: Record<string, string> = { P2347: '0', P258: '1', P67: '000B82AABBCC', 68: '1.0.9.14', phone_model: 'GXP2140' };
        return HttpResponse.json({ response: 'success', body: Object.fromEntries(keys.filter((k) => k in all).map((k) => [k, all[k]])) });
      }),
    );
    const out = await readBack(
      input('grandstream', { keys: ['P2347', 'P258'], provisioned: { username: 'admin', password: 'Prov-Pw-2' } }),
    );
    expect(out.values).toEqual(
      new Map([
        ['P2347', '0'],
        ['P258', '1'],
      ]),
    );
    expect(out).toMatchObject({ mac: '000b82aabbcc', firmware: '1.0.9.14', model: 'GXP2140' });
    expect(requests[0]).toMatch(/sid=abc123/);
    expect(out.logins.provisioned).toBe('accepted');
  });

  it('keeps every api.values.get request short (CVE-2026-2329 lives there)', () => {
    const keys = Array.from({ length: 100 }, (_, i) => `P${20000 + i}`);
    const chunks = chunkKeys(keys);
    expect(chunks.flat()).toEqual(keys);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(24);
      expect(c.join(':').length).toBeLessThanOrEqual(240);
    }
  });

  it('does not touch api.values.get when the firmware may be vulnerable', async () => {
    let reads = 0;
    server.use(
      http.post(`${ORIGIN}/cgi-bin/dologin`, () => HttpResponse.json({ response: 'success', body: { sid: 's1' } })),
      http.post(`${ORIGIN}/cgi-bin/api.values.get`, () => {
        reads++;
        return HttpResponse.json({ response: 'success', body: {} });
      }),
    );
    const out = await readBack(input('grandstream', { keys: ['P2347'], avoidRead: 'not reading: CVE-2026-2329' }));
    expect(reads).toBe(0);
    expect(out.values).toBeUndefined();
    expect(out.logins.factory).toBe('accepted');
    expect(out.reason).toMatch(/CVE-2026-2329/);
  });

  it('a refused factory login is tried exactly once', async () => {
    let logins = 0;
    server.use(
      http.post(`${ORIGIN}/cgi-bin/dologin`, () => {
        logins++;
        return HttpResponse.json({ response: 'error', body: 'locked' });
      }),
    );
    const out = await readBack(input('grandstream', { keys: ['P2347'] }));
    expect(logins).toBe(1);
    expect(out.logins.factory).toBe('refused');
    expect(out.values).toBeUndefined();
  });
});

describe('secrets over plain HTTP', () => {
  it('a real admin password is not sent over plain HTTP unless allowed; the public factory default still is', async () => {
    const seen: string[] = [];
    server.use(
      http.post(`${ORIGIN}/api/v1/mgmt/config/get`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return new HttpResponse(null, { status: 401 });
      }),
    );
    const out = await readBack(
      input('polycom', { keys: ['a'], plainHttpLogin: false, provisioned: { username: 'Polycom', password: 'Real-Pw' } }),
    );
    expect(seen).toEqual([basic('Polycom', '456')]);
    expect(out.logins).toMatchObject({ provisioned: 'not-tried', factory: 'refused' });
    expect(out.evidence.join(' ')).toMatch(/not sending a real admin password over plain HTTP/);
    const none = await readBack(
      input('polycom', {
        keys: ['a'],
        plainHttpLogin: false,
        tryFactory: false,
        provisioned: { username: 'Polycom', password: 'Real-Pw' },
      }),
    );
    expect(none.reason).toMatch(/plain HTTP/);
  });
});

describe('Yealink: no read-back API, but the web login is tested (Action URI info query, msw)', () => {
  const INFO = `${ORIGIN}/servlet`;

  it('the factory admin/admin (Yealink user manual: default administrator password "admin") is tried once and flags the phone', async () => {
    const seen: (string | null)[] = [];
    server.use(
      http.get(INFO, ({ request }) => {
        expect(new URL(request.url).searchParams.get('phonecfg')).toBe('get');
        seen.push(request.headers.get('authorization'));
        return request.headers.get('authorization') === basic('admin', 'admin')
          ? new HttpResponse('ok', { status: 200 })
          : new HttpResponse(null, { status: 401 });
      }),
    );
    const out = await readBack(input('yealink', { keys: ['sip.trust_ctrl'], provisioned: { username: 'admin', password: 'Prov-Pw-9' } }));
    expect(seen).toEqual([basic('admin', 'Prov-Pw-9'), basic('admin', 'admin')]);
    expect(out.logins).toMatchObject({ provisioned: 'refused', factory: 'accepted' });
    expect(out.values).toBeUndefined();
    expect(out.reason).toMatch(/no verified API/);
    expect(JSON.stringify(out)).not.toContain('Prov-Pw-9');
  });

  it('an Action URI limited to other addresses (403) leaves the login untested, and says why', async () => {
    server.use(http.get(INFO, () => new HttpResponse('Forbidden', { status: 403 })));
    const out = await readBack(input('yealink', { keys: ['sip.trust_ctrl'] }));
    expect(out.logins.factory).toBe('error');
    expect(out.reason).toMatch(/action_uri_limit_ip.*could not be tested/);
  });

  it('--no-default-login: no request at all', async () => {
    const out = await readBack(input('yealink', { keys: ['sip.trust_ctrl'], tryFactory: false }));
    expect(out.logins.factory).toBe('not-tried');
    expect(out.reason).toMatch(/no credentials for this phone/);
  });
});
