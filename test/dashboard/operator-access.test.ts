/**
 * Keeping the operator in, through a real `ghostguard serve` process: a brute force from ten addresses does not lock the
 * right password out from another one (form and API), the admin listener answers only server.adminAllow, and an API
 * token made with `ghostguard token create` opens the JSON API until `ghostguard token revoke`.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Client, errors } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const PORT = 21240;
let serve: ServeProcess;
let adminUrl: string;
let password: string;

beforeAll(async () => {
  const yaml = fleetYaml([{ mac: '00:15:65:00:12:41', vendor: 'yealink', model: 'T46U' }]).replace(
    'server:\n',
    'server:\n  host: 127.124.0.1\n  adminHost: 127.124.0.1\n  adminAllow: [127.124.1.0/24, 127.124.2.1-127.124.2.20]\n',
  );
  serve = await startServe(yaml, PORT);
  adminUrl = /admin:\s+(https:\/\/\S+?)\/? /.exec(serve.output())![1]!;
  password = readFileSync(join(serve.dir, 'data', 'admin-password'), 'utf8').trim();
}, 40_000);

afterAll(async () => {
  await serve?.stop();
});

const client = (from: string) => new Client(adminUrl, { localAddress: from, connect: { rejectUnauthorized: false } });

async function request(from: string, options: { method?: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: string }) {
  const c = client(from);
  try {
    const res = await c.request({
      method: options.method ?? 'GET',
      path: options.path,
      headers: options.headers ?? {},
      body: options.body,
    });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  } finally {
    await c.close();
  }
}

/** The login form from `from`: its CSRF cookie and token, then the post. */
async function formLogin(from: string, pass: string): Promise<number> {
  const page = await request(from, { path: '/login' });
  const cookie = ([] as string[])
    .concat(page.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const res = await request(from, {
    method: 'POST',
    path: '/login',
    body: new URLSearchParams({ _csrf: token, username: 'admin', password: pass, next: '/' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
  });
  return res.status;
}

const basic = (pass: string) => ({ authorization: `Basic ${Buffer.from(`admin:${pass}`).toString('base64')}` });

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: serve.dir, isTty: false });
  return { code, out, err };
}

describe('the admin listener under a brute force', () => {
  it('admits the right password from an allowed address while ten others send fifty wrong ones (form and API alike)', async () => {
    const attackers = Array.from({ length: 10 }, (_, i) => `127.124.1.${i + 1}`);
    const brute = Promise.all(
      attackers.map(async (from, a) => {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          statuses.push(
            i % 2
              ? (await request(from, { path: '/api/devices', headers: basic(`wrong-${a}-${i}`) })).status
              : await formLogin(from, `wrong-${a}-${i}`),
          );
        }
        return statuses;
      }),
    );
    const during = await formLogin('127.124.2.1', password);
    const results = await brute;
    expect(during).toBe(303);
    // every wrong guess refused; after the first few each attacker is slowed (429 with Retry-After), never admitted
    expect(
      results.flat().every((s) => s === 401 || s === 429),
      results.flat().join(' '),
    ).toBe(true);
    expect(results.flat().filter((s) => s === 401).length).toBeGreaterThanOrEqual(30);
    // afterwards, from fresh allowed addresses: the form and HTTP Basic both let the operator in
    expect(await formLogin('127.124.2.2', password)).toBe(303);
    expect((await request('127.124.2.3', { path: '/api/devices', headers: basic(password) })).status).toBe(200);
    // the attackers themselves were slowed down: past their first three failures they waited
    expect(results.flat()).toContain(429);
    // each refused password is a security event in events.jsonl too, as every other security event is
    const refused = results.flat().filter((s) => s === 401).length;
    await vi.waitFor(() => {
      const logged = readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { reason: string; source?: string });
      expect(logged.filter((e) => e.reason === 'admin-login-failed' && attackers.includes(e.source ?? '')).length).toBeGreaterThanOrEqual(
        refused,
      );
    });
    // and in the state database, the same ones (read through a connection of the test's own)
    await vi.waitFor(() => {
      const db = new Database(join(serve.dir, 'data', 'state.sqlite'), { readonly: true });
      try {
        const stored = db.prepare("SELECT source FROM events WHERE reason = 'admin-login-failed'").all() as { source: string }[];
        expect(stored.filter((e) => attackers.includes(e.source)).length).toBeGreaterThanOrEqual(refused);
      } finally {
        db.close();
      }
    });
  }, 60_000);

  it('an address outside server.adminAllow is disconnected before any page, login form included', async () => {
    for (const from of ['127.124.3.1', '127.124.2.21']) {
      const err = await request(from, { path: '/login' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, from).toBeInstanceOf(Error);
      expect(
        err instanceof errors.UndiciError ||
          /ECONNRESET|socket|closed/i.test(String((err as Error).message) + String((err as { cause?: Error }).cause?.message)),
      ).toBe(true);
    }
    expect((await request('127.124.2.20', { path: '/login' })).status).toBe(200);
    expect(serve.output()).toMatch(/admin: .*; answers only 127\.124\.1\.0\/24 127\.124\.2\.1-127\.124\.2\.20/);
  });
});

describe('API tokens', () => {
  it('are created by the CLI (shown once, stored hashed), accepted as Bearer tokens by the JSON API, and revocable', async () => {
    const made = await cli(['token', 'create', 'nightly export', '--config', serve.path]);
    expect(made.code, made.err).toBe(0);
    const token = made.out.trim();
    expect(token).toMatch(/^ggt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const stored = readFileSync(join(serve.dir, 'data', 'api-tokens.json'), 'utf8');
    expect(stored).not.toContain(token.slice(13));
    expect(stored).toContain('nightly export');

    const listed = await cli(['token', 'list', '--json', '--config', serve.path]);
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ id: token.slice(4, 12), name: 'nightly export' })]);
    expect(listed.out).not.toContain(token.slice(13));

    const bearer = { authorization: `Bearer ${token}` };
    const devices = await request('127.124.2.4', { path: '/api/devices', headers: bearer });
    expect(devices.status).toBe(200);
    expect(devices.body).toContain('001565001241');
    // a script's POST needs no CSRF token (no cookie is involved)
    const post = await request('127.124.2.4', {
      method: 'POST',
      path: '/api/check',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ target: 'nonsense' }),
    });
    expect(post.status).toBe(400);
    // a token is for the API, not the pages
    expect((await request('127.124.2.4', { path: '/', headers: bearer })).status).toBe(303);
    // a wrong token is refused and counted as a failed login (its last character changed: 'A' was one in 16 the token's own)
    expect(
      (
        await request('127.124.2.5', {
          path: '/api/devices',
          headers: { authorization: `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'E' : 'A'}` },
        })
      ).status,
    ).toBe(401);

    const revoked = await cli(['token', 'revoke', 'nightly export', '--config', serve.path]);
    expect(revoked.code).toBe(0);
    expect((await request('127.124.2.6', { path: '/api/devices', headers: bearer })).status).toBe(401);
    expect((await cli(['token', 'revoke', 'nightly export', '--config', serve.path])).code).toBe(2);
  });
});
