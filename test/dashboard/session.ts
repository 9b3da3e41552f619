/** Logging in to a dashboard app through inject(), keeping cookies like a browser would. */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Runtime } from '../../src/app/runtime.js';
import type { DashboardOptions } from '../../src/dashboard/context.js';
import { dashboardPlugin } from '../../src/dashboard/plugin.js';
import { VENDORS } from '../../vendors/index.js';

export class InjectSession {
  readonly cookies: Record<string, string> = {};

  constructor(readonly app: FastifyInstance) {}

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now())) delete this.cookies[c.name];
      else this.cookies[c.name] = c.value;
    }
    return res;
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.keep(await this.app.inject({ method: 'GET', url, cookies: this.cookies, headers }));
  }

  /** A form post with the CSRF token of the page last fetched from `from` (or the given token). */
  async form(url: string, fields: Record<string, string>, token?: string): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams({ ...(token === undefined ? {} : { _csrf: token }), ...fields }).toString();
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        cookies: this.cookies,
        payload: body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
    );
  }

  async json(
    method: 'POST' | 'GET',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.app.inject({
        method,
        url,
        cookies: this.cookies,
        headers,
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
    );
  }

  /** The CSRF token in a page's forms. */
  static token(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error('no CSRF token in the page');
    return m[1]!;
  }

  async login(password: string, user = 'admin'): Promise<LightMyRequestResponse> {
    const page = await this.get('/login');
    return this.form('/login', { username: user, password, next: '/' }, InjectSession.token(page.body));
  }

  /** A fresh token for the logged-in session. */
  async csrf(): Promise<string> {
    return InjectSession.token((await this.get('/check')).body);
  }
}

/** The dashboard plugin on a fresh fastify app over a test Runtime, with the options every dashboard test shares. */
export async function dashboardFor(runtime: Runtime, password: string, extra: Partial<DashboardOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(dashboardPlugin, {
    vendors: VENDORS,
    inventory: () => runtime.config.inventory,
    store: runtime.store,
    dataDir: '/nonexistent',
    env: {},
    secure: false,
    password,
    renderer: runtime.renderer,
    ...extra,
  });
  await app.ready();
  return app;
}
