/** Dashboard authentication: password source, scrypt check, sessions, login rate limit, CSRF, cookies and headers. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPasswordInfo, buildAdminApp } from '../../src/dashboard/admin-app.js';
import { LoginLimiter, loadAdminPassword, PasswordCheck, SessionStore } from '../../src/dashboard/auth.js';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import { safeNext } from '../../src/dashboard/routes-auth.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { InjectSession } from './session.js';

const PASSWORD = 'auth-test-Pa55word';

describe('admin password', () => {
  it('is generated once into <dataDir>/admin-password, mode 0600, shown only on creation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-pw-'));
    const first = loadAdminPassword(dir, {});
    expect(first.info).toMatchObject({ source: 'file', created: true, path: join(dir, 'admin-password') });
    expect(first.info.password).toBe(first.password);
    expect(first.password.length).toBeGreaterThanOrEqual(20);
    expect(statSync(join(dir, 'admin-password')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'admin-password'), 'utf8').trim()).toBe(first.password);
    const again = loadAdminPassword(dir, {});
    expect(again.password).toBe(first.password);
    expect(again.info).toEqual({ source: 'file', path: join(dir, 'admin-password'), created: false });
  });

  it('comes from $GHOSTGUARD_ADMIN_PASSWORD when set (at least 12 characters)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-pw-'));
    expect(loadAdminPassword(dir, { GHOSTGUARD_ADMIN_PASSWORD: 'from-the-env-123' })).toEqual({
      password: 'from-the-env-123',
      info: { source: 'env', created: false },
    });
    expect(() => loadAdminPassword(dir, { GHOSTGUARD_ADMIN_PASSWORD: 'short' })).toThrow(/at least 12/);
  });

  it('buildAdminApp reports where the password is, for `serve` to print', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-pw-'));
    const { runtime } = await startRuntime(fleetYaml([{ mac: '00:15:65:00:00:92', vendor: 'yealink', model: 'T46U' }]));
    try {
      const app = buildAdminApp({
        vendors: VENDORS,
        inventory: () => runtime.config.inventory,
        store: runtime.store,
        dataDir: dir,
        env: {},
      });
      expect(adminPasswordInfo(app)).toMatchObject({ source: 'file', created: true });
      await app.close();
      // the runtime builds its own admin app, password in its data directory
      expect(adminPasswordInfo(runtime.adminApp!)?.path).toMatch(/admin-password$/);
    } finally {
      await runtime.close();
    }
  });

  it('is checked with scrypt; the user name must be admin', async () => {
    const check = await PasswordCheck.of('s3cret-password-1');
    expect(await check.verify('admin', 's3cret-password-1')).toBe(true);
    expect(await check.verify('admin', 's3cret-password-2')).toBe(false);
    expect(await check.verify('root', 's3cret-password-1')).toBe(false);
    expect(await check.verify('admin', 'x'.repeat(100_000))).toBe(false);
  });
});

describe('sessions and login limits', () => {
  it('sessions are 32 random bytes kept only as a hash in the state store, expire when idle or old, and are bounded', async () => {
    let t = 0;
    const state = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gg-sessions-')), 'state.sqlite'));
    const store = new SessionStore(state.sessions, { idleMs: 1000, maxAgeMs: 5000, max: 3 }, () => t);
    const s = await store.create('admin');
    expect(Buffer.from(s.id, 'base64url')).toHaveLength(32);
    // another process on the same state (a worker, a replica) knows the session by its cookie alone
    const other = new SessionStore(state.sessions, { idleMs: 1000, maxAgeMs: 5000, max: 3 }, () => t);
    t = 900;
    expect((await other.get(s.id))?.user).toBe('admin');
    t = 1800;
    expect(await store.get(s.id)).toBeDefined();
    t = 2900;
    expect(await store.get(s.id)).toBeUndefined();
    const old = await store.create('admin');
    for (t = 3000; t < 8500; t += 500) await store.get(old.id);
    expect(await store.get(old.id)).toBeUndefined();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await store.create('admin')).id);
    expect(await store.get(ids[0])).toBeUndefined();
    for (const id of ids.slice(1)) expect(await store.get(id)).toBeDefined();
    expect(await store.get('x')).toBeUndefined();
    const loggedOut = ids[3]!;
    await other.destroy(loggedOut);
    expect(await store.get(loggedOut)).toBeUndefined();
    await state.close();
  });

  it('failed logins slow one address down, then lock it out for its window; other addresses are never locked', () => {
    let t = 0;
    const l = new LoginLimiter({ perAddress: 6, freeAttempts: 2, slowdownMs: 1000, windowMs: 60_000 }, () => t);
    l.fail('127.0.0.1');
    l.fail('127.0.0.1');
    // after the free attempts: 1 s, then 2 s, then 4 s from the last failure
    expect(l.retryAfter('127.0.0.1')).toBe(1);
    t = 1000;
    expect(l.retryAfter('127.0.0.1')).toBe(0);
    l.fail('127.0.0.1');
    expect(l.retryAfter('127.0.0.1')).toBe(2);
    t = 3000;
    l.fail('127.0.0.1');
    expect(l.retryAfter('127.0.0.1')).toBe(4);
    t = 7000;
    l.fail('127.0.0.1');
    l.fail('127.0.0.1');
    // six failures: locked until the window that began with the first one ends
    expect(l.retryAfter('127.0.0.1')).toBe(53);
    // fifty failures from ten other addresses lock none but themselves
    for (let a = 1; a <= 10; a++) for (let i = 0; i < 5; i++) l.fail(`127.0.1.${a}`);
    expect(l.retryAfter('127.0.9.9')).toBe(0);
    // one IPv6 host holds a whole /64: its addresses count together; the IPv4-mapped form is the IPv4 address
    for (let i = 1; i <= 6; i++) l.fail(`2001:db8:1:2::${i}`);
    expect(l.retryAfter('2001:db8:1:2:ffff::1')).toBeGreaterThan(0);
    expect(l.retryAfter('2001:db8:1:3::1')).toBe(0);
    expect(l.retryAfter('::ffff:127.0.0.1')).toBe(53);
    t = 60_001;
    expect(l.retryAfter('127.0.0.1')).toBe(0);
  });

  it('only a local path is a post-login destination', () => {
    expect(safeNext('/devices/001565000001?x=1')).toBe('/devices/001565000001?x=1');
    for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/', '/login', '', undefined, 42, '/a b'])
      expect(safeNext(bad), String(bad)).toBe('/');
  });
});

describe('the dashboard over HTTP', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let secureApp: FastifyInstance;

  beforeAll(async () => {
    ({ runtime } = await startRuntime(fleetYaml([{ mac: '00:15:65:00:00:91', vendor: 'yealink', model: 'T46U' }])));
    const opts = {
      vendors: VENDORS,
      inventory: () => runtime.config.inventory,
      store: runtime.store,
      dataDir: '/nonexistent',
      env: {},
      password: PASSWORD,
      loginLimits: { perAddress: 3, windowMs: 60_000 },
      snapshotIntervalMs: 0,
    };
    app = Fastify();
    await app.register(dashboardPlugin, { ...opts, secure: false });
    secureApp = Fastify();
    await secureApp.register(dashboardPlugin, { ...opts, secure: true });
  });

  afterAll(async () => {
    await app?.close();
    await secureApp?.close();
    await runtime?.close();
  });

  it('sends security headers on every answer, refusals included', async () => {
    for (const url of ['/login', '/', '/api/devices']) {
      const res = await app.inject({ url });
      expect(res.headers['content-security-policy'], url).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'/);
      expect(res.headers['content-security-policy'], url).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['cache-control'], url).toBe('no-store');
    }
    const page = await app.inject({ url: '/login' });
    expect(page.body).not.toMatch(/<script>|<style|style="|onclick|onsubmit/i);
  });

  it('a successful login sets an HttpOnly, SameSite=Strict session cookie with a fresh id; logout ends it', async () => {
    const s = new InjectSession(app);
    s.cookies.gg_session = 'planted-by-an-attacker-'.padEnd(43, 'x');
    const res = await s.login(PASSWORD);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(([] as string[]).concat(res.headers['set-cookie'] as string | string[]).find((c) => c.startsWith('gg_session=')));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(s.cookies.gg_session).not.toMatch(/planted/);
    expect((await s.get('/')).statusCode).toBe(200);
    const token = await s.csrf();
    const out = await s.form('/logout', {}, token);
    expect(out.statusCode).toBe(303);
    expect(
      (
        await app.inject({
          url: '/',
          cookies: { gg_session: (res.cookies as { name: string; value: string }[]).find((c) => c.name === 'gg_session')!.value },
        })
      ).statusCode,
    ).toBe(303);
  });

  it('over HTTPS the cookies are __Host- and Secure', async () => {
    const s = new InjectSession(secureApp);
    const res = await s.login(PASSWORD);
    expect(res.statusCode).toBe(303);
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] as string | string[]);
    expect(cookies.find((c) => c.startsWith('__Host-gg_session='))).toMatch(/; Secure/);
    expect((await secureApp.inject({ url: '/login' })).headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('forms need the CSRF token of the same session', async () => {
    const a = new InjectSession(app);
    const b = new InjectSession(app);
    await a.login(PASSWORD);
    await b.login(PASSWORD);
    const tokenA = await a.csrf();
    expect((await a.form('/audits', { targets: '127.0.0.1' })).statusCode).toBe(403);
    expect((await a.form('/audits', { targets: '127.0.0.1' }, 'forged')).statusCode).toBe(403);
    // b's own secret cookie, a's token: refused
    expect((await b.form('/audits', { targets: '127.0.0.1' }, tokenA)).statusCode).toBe(403);
    // JSON API with the session cookie: the token goes in a header
    expect((await a.json('POST', '/api/check', { target: 'nonsense' })).statusCode).toBe(403);
    const ok = await a.json('POST', '/api/check', { target: 'nonsense' }, { 'x-csrf-token': tokenA });
    expect(ok.statusCode).toBe(400);
    expect(ok.json()).toMatchObject({ error: 'GG_ERR_TARGET_INVALID' });
    // the login form itself is CSRF-protected
    expect((await new InjectSession(app).form('/login', { username: 'admin', password: PASSWORD })).statusCode).toBe(403);
  });

  it('wrong passwords are refused, then the address is locked out for a while (form and Basic alike)', async () => {
    const s = new InjectSession(app);
    const page = await s.get('/login');
    const token = InjectSession.token(page.body);
    for (let i = 0; i < 3; i++) {
      const res = await s.form('/login', { username: 'admin', password: `wrong-${i}` }, token);
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('Wrong user name or password.');
      expect(res.body).not.toContain(`wrong-${i}`);
    }
    const locked = await s.form('/login', { username: 'admin', password: PASSWORD }, token);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const basic = await app.inject({
      url: '/api/devices',
      headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` },
    });
    expect(basic.statusCode).toBe(429);
    const failed = await runtime.store.events({ reason: 'admin-login-failed' });
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatchObject({ severity: 'medium', detail: 'dashboard login form' });
    expect(JSON.stringify(failed)).not.toContain('wrong-');
  });
});
