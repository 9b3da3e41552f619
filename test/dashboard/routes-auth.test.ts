/**
 * Every route the dashboard plugin registers refuses a request without a session: pages redirect to the login form,
 * the API answers 401. Routes are collected with an onRoute hook, so a route added later is walked too.
 */
import Fastify, { type FastifyInstance, type HTTPMethods, type InjectOptions, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import type { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { InjectSession } from './session.js';

const PASSWORD = 'routes-auth-Pa55word';
const MAC = '001565000061';
let runtime: Runtime;
let app: FastifyInstance;
const routes: { method: string; url: string; public: boolean }[] = [];

/** Reachable without a session, on purpose. */
const PUBLIC = [/^(GET|HEAD) \/login$/, /^POST \/login$/, /^(GET|HEAD) \/assets\/app\.[0-9a-f]{12}\.css$/];

beforeAll(async () => {
  ({ runtime } = await startRuntime(
    fleetYaml([
      { mac: '00:15:65:00:00:61', vendor: 'yealink', model: 'T46U' },
      { mac: '00:0b:82:00:00:61', vendor: 'grandstream', model: 'GRP2614' },
    ]),
  ));
  app = Fastify();
  app.addHook('onRoute', (r: RouteOptions) => {
    for (const method of ([] as HTTPMethods[]).concat(r.method))
      routes.push({ method, url: r.url, public: Boolean(r.config && (r.config as { public?: boolean }).public) });
  });
  await app.register(dashboardPlugin, {
    vendors: VENDORS,
    inventory: () => runtime.config.inventory,
    store: runtime.store,
    dataDir: '/nonexistent',
    env: {},
    secure: false,
    password: PASSWORD,
    // this file makes dozens of wrong Basic attempts on purpose; the limiter has its own test
    loginLimits: { perAddress: 100_000, freeAttempts: 100_000, windowMs: 60_000 },
    audit: async () => {
      throw new Error('no audit may start without a session');
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
});

const concrete = (url: string) => url.replace(':mac', MAC).replace(':id', '1');
const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

async function unauthenticated(method: string, url: string, headers: Record<string, string> = {}) {
  const body = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
  return app.inject({
    method: method as NonNullable<InjectOptions['method']>,
    url,
    headers: {
      ...headers,
      ...(body ? { 'content-type': url.startsWith('/api/') ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
    },
    ...(body
      ? {
          payload: url.startsWith('/api/')
            ? JSON.stringify({ target: '127.0.0.1', targets: '127.0.0.1' })
            : 'target=127.0.0.1&targets=127.0.0.1',
        }
      : {}),
  });
}

function expectRefused(res: Awaited<ReturnType<typeof unauthenticated>>, method: string, url: string): void {
  const what = `${method} ${url}`;
  if (url.startsWith('/api/')) {
    expect(res.statusCode, what).toBe(401);
    if (method !== 'HEAD') expect(res.json(), what).toMatchObject({ error: 'unauthorized' });
  } else {
    expect(res.statusCode, what).toBe(303);
    expect(res.headers.location, what).toMatch(/^\/login(\?|$)/);
  }
  // the refusal carries nothing of the inventory
  expect(res.body, what).not.toMatch(/001565000061|00:15:65:00:00:61|T46U/);
}

describe('every dashboard route refuses requests without a session', () => {
  it('registers the pages and the API', () => {
    const seen = new Set(routes.map(key));
    for (const r of [
      'GET /',
      'GET /devices/:mac',
      'GET /check',
      'POST /check',
      'GET /audits',
      'POST /audits',
      'GET /audits/:id',
      'GET /events',
      'POST /logout',
      'GET /api/devices',
      'GET /api/devices/:mac',
      'GET /api/events',
      'GET /api/audits',
      'POST /api/audits',
      'GET /api/audits/:id',
      'POST /api/check',
      'GET /api/openapi.json',
    ]) {
      expect(seen, r).toContain(r);
    }
    expect(
      routes
        .filter((r) => r.public)
        .map(key)
        .sort(),
    ).toEqual(
      routes
        .map(key)
        .filter((k) => PUBLIC.some((p) => p.test(k)))
        .sort(),
    );
  });

  it('no session, a forged session, or a wrong Basic password: refused on every non-public route', async () => {
    const walked = routes.filter((r) => !PUBLIC.some((p) => p.test(key(r))));
    expect(walked.length).toBeGreaterThanOrEqual(17);
    for (const r of walked) {
      const url = concrete(r.url);
      expectRefused(await unauthenticated(r.method, url), r.method, url);
      expectRefused(await unauthenticated(r.method, url, { cookie: `gg_session=${'A'.repeat(43)}` }), r.method, url);
      expectRefused(
        await unauthenticated(r.method, url, { authorization: `Basic ${Buffer.from('admin:wrong-password').toString('base64')}` }),
        r.method,
        url,
      );
    }
  });

  it('unknown paths are refused the same way (no route-existence oracle)', async () => {
    expectRefused(await unauthenticated('GET', '/no/such/page'), 'GET', '/no/such/page');
    expectRefused(await unauthenticated('GET', '/api/no-such-route'), 'GET', '/api/no-such-route');
    expectRefused(await unauthenticated('POST', '/api/no-such-route'), 'POST', '/api/no-such-route');
  });

  it('public routes give away nothing but the login form and the stylesheet', async () => {
    for (const r of routes.filter((x) => x.public && x.method === 'GET')) {
      const res = await app.inject({ method: 'GET', url: r.url });
      expect(res.statusCode, r.url).toBe(200);
      expect(res.body).not.toMatch(/001565000061|T46U|grandstream/);
    }
  });

  it('with a session, every GET route answers (the walk above is not vacuous)', async () => {
    const s = new InjectSession(app);
    expect((await s.login(PASSWORD)).statusCode).toBe(303);
    for (const r of routes.filter((x) => x.method === 'GET' && !x.public)) {
      const res = await s.get(concrete(r.url));
      expect(res.statusCode === 303 && String(res.headers.location).startsWith('/login'), r.url).toBe(false);
      expect(res.statusCode, r.url).not.toBe(401);
    }
  });

  it('HTTP Basic with the admin password opens the API only', async () => {
    const basic = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
    const api = await app.inject({ method: 'GET', url: '/api/devices', headers: basic });
    expect(api.statusCode).toBe(200);
    expect(
      api
        .json()
        .devices.map((d: { mac: string }) => d.mac)
        .sort(),
    ).toEqual(['000b82000061', '001565000061']);
    const page = await app.inject({ method: 'GET', url: '/', headers: basic });
    expect(page.statusCode).toBe(303);
  });
});
