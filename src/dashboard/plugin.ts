/**
 * The operator dashboard as one encapsulated fastify plugin: login and sessions, CSRF-checked forms, security headers,
 * server-rendered pages and a JSON API described with OpenAPI. Everything but the login form and the stylesheet
 * requires a session (or, for the API, HTTP Basic with the admin password, or an API token as a Bearer token).
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import type { FastifyPluginAsync } from 'fastify';
import { isGhostguardError } from '../model/errors.js';
import type { Mac } from '../model/mac.js';
import type { CredentialGenerations } from '../model/inventory.js';
import { RenderService } from '../provisioning/render-service.js';
import { TokenCheck } from './api-tokens.js';
import { AuditRunner } from './audit-runs.js';
import { loadAdminPassword, LoginLimiter, PasswordCheck, SessionStore } from './auth.js';
import { checkHandset } from './check-service.js';
import { BusyError } from './busy.js';
import type { Dashboard, DashboardOptions } from './context.js';
import { maskDeviceSecrets } from './device-detail.js';
import { registerErrorPages } from './error-pages.js';
import { registerAdoptRoutes } from './routes-adopt.js';
import { registerApiRoutes } from './routes-api.js';
import { registerAuthRoutes } from './routes-auth.js';
import { authenticate } from './request-auth.js';
import { registerPageRoutes } from './routes-pages.js';
import { registerResyncRoutes } from './routes-resync.js';
import { ServedSnapshots, SNAPSHOT_INTERVAL_MS } from './served-snapshots.js';
import { scheduleTrend } from '../schedule/trend.js';
import { SECURITY_REASONS } from '../model/security-events.js';
import type { EventInput } from '../provisioning/event-log.js';

export const SESSION_COOKIE = 'gg_session';
export const CSRF_COOKIE = 'gg_csrf';

/** __Host- cookies must be Secure, Path=/ and host-only: a sibling subdomain cannot plant or read them. */
export function cookieNames(secure: boolean): { session: string; csrf: string } {
  return secure ? { session: `__Host-${SESSION_COOKIE}`, csrf: `__Host-${CSRF_COOKIE}` } : { session: SESSION_COOKIE, csrf: CSRF_COOKIE };
}

/** Handset checks running at once across all operators: each one sends probes. */
const MAX_CHECKS = 4;

export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, opts) => {
  const secure = opts.secure;
  const names = cookieNames(secure);
  const password = opts.password ?? loadAdminPassword(opts.dataDir, opts.env).password;
  const check = await PasswordCheck.of(password);
  const sessions = new SessionStore(opts.store.sessions, opts.sessionLimits);
  const limiter = new LoginLimiter(opts.loginLimits);
  const tokens = new TokenCheck(opts.dataDir);
  // through the server's event log, so the operator's events reach events.jsonl like every other security event
  const securityEvent = (input: EventInput): void => {
    if (opts.events) opts.events.emit(input);
    else
      opts.store
        .recordEvent({
          ...input,
          ts: new Date().toISOString(),
          severity: input.severity ?? SECURITY_REASONS[input.reason].severity,
        })
        .catch(() => {});
  };
  const loginFailed = (source: string, via: string): void =>
    securityEvent({ reason: 'admin-login-failed', source, detail: `dashboard ${via}` });
  // a logged-in operator reaching outside server.auditAllow: a mistake, or a stolen session probing other networks
  const scoped = async <T>(source: string, what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (isGhostguardError(err) && err.code === 'GG_ERR_TARGET_FORBIDDEN') {
        securityEvent({ reason: 'audit-out-of-scope', source, detail: `${what}: ${err.message}` });
      }
      throw err;
    }
  };
  const now = opts.now ?? (() => new Date());
  const renderer = opts.renderer ?? new RenderService(16 * 1024 * 1024);
  const mask = (mac: Mac, generations: CredentialGenerations, text: string) => maskDeviceSecrets(opts.inventory(), mac, generations, text);
  const snapshots = new ServedSnapshots(
    opts.store.snapshots,
    () => ({ vendors: opts.vendors, inventory: opts.inventory(), store: opts.store, renderer }),
    mask,
  );
  const runner = new AuditRunner({
    vendors: opts.vendors,
    inventory: opts.inventory,
    store: opts.store,
    ...(opts.auditOptions ? { auditOptions: opts.auditOptions } : {}),
    ...(opts.audit ? { audit: opts.audit } : {}),
    ...(opts.auditDeps ? { auditDeps: opts.auditDeps } : {}),
  });
  const scrub = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : opts.inventory().secretMasker().mask(text);
  let checksRunning = 0;
  const dashboard: Dashboard = {
    options: opts,
    runner,
    renderer,
    snapshots,
    now,
    fleet: () => ({
      vendors: opts.vendors,
      inventory: opts.inventory(),
      store: opts.store,
      auditStore: runner.store,
      renderer,
      snapshots,
      staleDays: opts.staleDays ?? 14,
      now: now(),
    }),
    startAudit: (targets, exclude, source, choices) => scoped(source, 'dashboard audit', () => runner.start(targets, exclude, choices)),
    check: (target, source, checkOptions) =>
      scoped(source, 'handset check', async () => {
        if (checksRunning >= MAX_CHECKS) throw new BusyError('several handset checks are already running; try again in a few seconds');
        checksRunning++;
        try {
          const allowed = opts.inventory().config.server.auditAllow;
          const auditOptions = { ...opts.auditOptions, ...(allowed ? { allowed } : {}) };
          return await checkHandset(target, {
            vendors: opts.vendors,
            inventory: opts.inventory,
            store: opts.store,
            auditStore: runner.store,
            renderer,
            auditOptions,
            safe: checkOptions?.safe === true,
            ...(opts.audit ? { audit: opts.audit } : {}),
            ...(opts.auditDeps ? { auditDeps: opts.auditDeps } : {}),
            now,
          });
        } finally {
          checksRunning--;
        }
      }),
    csrf: (req, reply) => reply.generateCsrf({ userInfo: req.ggAuth?.session?.id ?? 'anonymous' }),
    maskEvents: (events) =>
      events.map((e) => ({
        ...e,
        ...(e.detail !== undefined ? { detail: scrub(e.detail) } : {}),
        ...(e.file !== undefined ? { file: scrub(e.file) } : {}),
      })),
    trend: (options) => scheduleTrend(opts.store.scheduleRuns, opts.inventory().config.schedules ?? [], options),
    securityEvent,
  };

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: names.csrf,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure },
    getUserInfo: (req) => req.ggAuth?.session?.id ?? 'anonymous',
    getToken: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : undefined;
      const header = req.headers['x-csrf-token'];
      return fromBody ?? (typeof header === 'string' ? header : undefined);
    },
    csrfOpts: { userInfo: true, hmacKey: opts.csrfKey ?? randomBytes(32) },
  });
  await app.register(swagger, {
    hideUntagged: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ghostguard admin API',
        version: '1',
        description:
          'The dashboard\'s data as JSON. Authenticate with an API token (`ghostguard token create <name>`) as a Bearer token, with the dashboard session cookie (POSTs then need the x-csrf-token header) or with HTTP Basic (user "admin", the admin password).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: names.session },
          basic: { type: 'http', scheme: 'basic' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ token: [] }, { session: [] }, { basic: [] }],
    },
  });

  app.decorateRequest('ggAuth', null);
  app.addHook('onRequest', authenticate({ secure, names, sessions, limiter, tokens, check, loginFailed }));

  // state-changing requests from a browser session need a CSRF token bound to that session
  app.addHook('preHandler', (req, reply, done) => {
    if (
      req.method === 'GET' ||
      req.method === 'HEAD' ||
      req.method === 'OPTIONS' ||
      req.ggAuth?.via === 'basic' ||
      req.ggAuth?.via === 'token'
    )
      return done();
    app.csrfProtection(req, reply, done);
  });

  registerErrorPages(app, dashboard);
  registerAuthRoutes(app, dashboard, { check, sessions, limiter, names, secure, loginFailed });
  registerPageRoutes(app, dashboard);
  registerAdoptRoutes(app, dashboard);
  registerResyncRoutes(app, dashboard, securityEvent);
  registerApiRoutes(app, dashboard);

  app.addHook('onReady', async () => {
    const interval = opts.snapshotIntervalMs ?? SNAPSHOT_INTERVAL_MS;
    if (interval > 0) snapshots.start(interval);
  });
  app.addHook('onClose', async () => {
    snapshots.stop();
    runner.stopAll();
  });
};
