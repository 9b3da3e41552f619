/**
 * What each vendor's resync/reboot puts on the wire, checked against a plain HTTP peer written from the vendors'
 * documented request shapes — not against the lab phones, whose code the requests are tested with elsewhere
 * (test/cli/resync.test.ts). Expected shapes:
 *   Poly REST API reference (UC Software 5.9–6.4, "Management.Restart"; a Postman walk-through of the same call):
 *     POST https://<phone>/api/v1/mgmt/safeRestart, Basic auth user "Polycom", JSON content type; {"Status":"2000"} = done,
 *     4xxx/5000 codes for failures; a 404 with TLS fine means REST is disabled.
 *   Yealink admin guides ("Action URI"): GET http(s)://<phone>/servlet?key=<value>, credentials when required; keys
 *     AutoP and Reboot as used by FreePBX's endpoint manager and other open-source tools.
 *   Grandstream web API (third-party code: dologin then api-sys_operation with request=PROV|REBOOT and the sid).
 * This file's range: 127.137.2.0/24.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAuditDispatcher, undiciHttpClient } from '../../src/auditor/probes/http-client.js';
import type { ManageSession } from '../../src/model/vendor-manage.js';
import { VENDORS } from '../../vendors/index.js';

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  contentType?: string;
  cookie?: string;
  body: string;
}

type Answer = (seen: Seen) => { status: number; body: string };

let server: Server | undefined;
const dispatcher = createAuditDispatcher();

async function peer(ip: string, answer: Answer): Promise<{ origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => void (body += c.toString()));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, body };
      if (req.headers.authorization) s.authorization = req.headers.authorization;
      if (req.headers['content-type']) s.contentType = req.headers['content-type'];
      if (req.headers.cookie) s.cookie = req.headers.cookie;
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(20_137, ip, resolve));
  return { origin: `http://${ip}:20137`, seen };
}

afterAll(async () => {
  await dispatcher.close();
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const manage = (id: string) => VENDORS.find((v) => v.id === id)!.manage!;
const session = (origin: string, username: string, password: string): ManageSession => ({
  client: undiciHttpClient(dispatcher),
  origin,
  credentials: { username, password },
});
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('management requests on the wire', () => {
  it('Poly: POST /api/v1/mgmt/safeRestart with Basic Polycom:<password> and JSON; Status 2000 is sent', async () => {
    const { origin, seen } = await peer('127.137.2.1', () => ({ status: 200, body: '{"Status":"2000"}' }));
    const out = await manage('polycom').send('resync', session(origin, 'Polycom', 's3cret-pw'));
    expect(out.result).toBe('sent');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/mgmt/safeRestart', authorization: basic('Polycom', 's3cret-pw') });
    expect(seen[0]!.contentType).toMatch(/^application\/json/);
  });

  it('Poly: reboot is POST /api/v1/mgmt/safeReboot; a 4xxx Status, a 401 and a 404 are not "sent"', async () => {
    const replies = [
      { status: 200, body: '{"Status":"4001"}' },
      { status: 401, body: '' },
      { status: 404, body: '' },
    ];
    const { origin, seen } = await peer('127.137.2.2', () => replies.shift()!);
    const s = session(origin, 'Polycom', 'pw');
    expect(await manage('polycom').send('reboot', s)).toEqual({
      result: 'failed',
      detail: '/api/v1/mgmt/safeReboot: HTTP 200, Status 4001',
    });
    expect((await manage('polycom').send('reboot', s)).result).toBe('refused');
    expect((await manage('polycom').send('reboot', s)).detail).toContain('REST API not enabled');
    expect(seen.map((x) => `${x.method} ${x.url}`)).toEqual(Array(3).fill('POST /api/v1/mgmt/safeReboot'));
  });

  it('Yealink: GET /servlet?key=AutoP (resync) and key=Reboot with Basic auth; a 403 names action_uri_limit_ip', async () => {
    const replies = [
      { status: 200, body: '' },
      { status: 200, body: '' },
      { status: 403, body: '' },
    ];
    const { origin, seen } = await peer('127.137.2.3', () => replies.shift()!);
    const s = session(origin, 'admin', 'pw-yl');
    expect((await manage('yealink').send('resync', s)).result).toBe('sent');
    expect((await manage('yealink').send('reboot', s)).result).toBe('sent');
    const refused = await manage('yealink').send('resync', s);
    expect(refused.result).toBe('failed');
    expect(refused.detail).toContain('features.action_uri_limit_ip');
    expect(seen.map((x) => `${x.method} ${x.url} ${x.authorization}`)).toEqual([
      `GET /servlet?key=AutoP ${basic('admin', 'pw-yl')}`,
      `GET /servlet?key=Reboot ${basic('admin', 'pw-yl')}`,
      `GET /servlet?key=AutoP ${basic('admin', 'pw-yl')}`,
    ]);
  });

  it('Grandstream: dologin with the admin login, then api-sys_operation request=PROV with the sid as form field and cookie', async () => {
    const { origin, seen } = await peer('127.137.2.4', (s) =>
      s.url === '/cgi-bin/dologin'
        ? { status: 200, body: '{"response":"success","body":{"sid":"abc123sid","role":"admin"}}' }
        : { status: 200, body: '{"response":"success"}' },
    );
    expect((await manage('grandstream').send('resync', session(origin, 'admin', 'gs pw&1'))).result).toBe('sent');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/cgi-bin/dologin' });
    expect(Object.fromEntries(new URLSearchParams(seen[0]!.body))).toEqual({ username: 'admin', password: 'gs pw&1' });
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/cgi-bin/api-sys_operation' });
    expect(Object.fromEntries(new URLSearchParams(seen[1]!.body))).toEqual({ request: 'PROV', sid: 'abc123sid' });
    expect(seen[1]!.cookie).toContain('session-identity=abc123sid');
  });

  it('Grandstream: a refused login sends no operation; reboot is request=REBOOT', async () => {
    let ok = false;
    const { origin, seen } = await peer('127.137.2.5', (s) =>
      s.url === '/cgi-bin/dologin'
        ? { status: 200, body: ok ? '{"response":"success","body":{"sid":"s2"}}' : '{"response":"error","body":"failed"}' }
        : { status: 200, body: '{"response":"success"}' },
    );
    expect((await manage('grandstream').send('reboot', session(origin, 'admin', 'wrong'))).result).toBe('refused');
    expect(seen).toHaveLength(1);
    ok = true;
    expect((await manage('grandstream').send('reboot', session(origin, 'admin', 'right'))).result).toBe('sent');
    expect(new URLSearchParams(seen[2]!.body).get('request')).toBe('REBOOT');
  });

  it('every vendor with a lab plans both actions or says why not', () => {
    for (const v of VENDORS.filter((x) => x.lab)) {
      expect(v.manage, v.id).toBeDefined();
      for (const action of ['resync', 'reboot'] as const) {
        const plan = v.manage!.plan(action, v.models[v.models.length - 1]!.id, undefined);
        expect(plan.supported ? plan.steps.length : plan.reason.length, `${v.id} ${action}`).toBeGreaterThan(0);
      }
    }
  });
});
