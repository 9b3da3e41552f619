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
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isGhostguardError } from '../model/errors.js';
import type { Mac } from '../model/mac.js';
import type { CredentialGenerations } from '../model/inventory.js';
import { RenderService } from '../provisioning/render-service.js';
import { TokenCheck } from './api-tokens.js';
import { AuditRunner } from './audit-runs.js';
import { loadAdminPassword, LoginLimiter, PasswordCheck, SessionStore } from './auth.js';
import { checkHandset } from './check-service.js';
import { BusyError } from './busy.js';
import { isApi, type Dashboard, type DashboardOptions } from './context.js';
import { maskDeviceSecrets } from './device-detail.js';
import { messagePage } from './plain-pages.js';
import { registerAdoptRoutes } from './routes-adopt.js';
import { registerApiRoutes } from './routes-api.js';
import { registerAuthRoutes, safeNext } from './routes-auth.js';
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

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

function setSecurityHeaders(reply: FastifyReply, secure: boolean): void {
  reply.header('content-security-policy', CSP);
  reply.header('x-frame-options', 'DENY');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  reply.header('cache-control', 'no-store');
  if (secure) reply.header('strict-transport-security', 'max-age=31536000');
}

function parseBearer(header: string | undefined): string | undefined {
  return /^Bearer ([\x21-\x7e]{1,200})$/.exec(header ?? '')?.[1];
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]{1,2048})$/.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Handset checks running at once across all operators: each one sends probes. */
const MAX_CHECKS = 4;

export const dashboardPlugin: FastifyPluginAsync<DashboardOptions> = async (app, opts) => {
  const secure = opts.secure;
  const names = cookieNames(secure);
  const password = opts.password ?? loadAdminPassword(opts.dataDir, opts.env).password;
  const check = await PasswordCheck.of(password);
  const sessions = new SessionStore(opts.sessionLimits);
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
    csrfOpts: { userInfo: true, hmacKey: randomBytes(32) },
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

  app.addHook('onRequest', async (req, reply) => {
    setSecurityHeaders(reply, secure);
    const session = sessions.get(req.cookies[names.session]);
    if (session) {
      req.ggAuth = { via: 'session', session };
      return;
    }
    if (req.routeOptions.config?.public) return;
    if (isApi(req.url)) {
      const bearer = parseBearer(req.headers.authorization);
      const basic = bearer === undefined ? parseBasic(req.headers.authorization) : undefined;
      if (bearer !== undefined || basic) {
        const wait = limiter.retryAfter(req.ip);
        if (wait > 0)
          return reply
            .code(429)
            .header('retry-after', String(wait))
            .send({ error: 'too-many-attempts', message: `too many failed logins from this address; try again in ${wait} s` });
        const token = bearer !== undefined ? tokens.verify(bearer) : undefined;
        if (token) {
          req.ggAuth = { via: 'token', tokenId: token.id };
          return;
        }
        if (basic && (await check.verify(basic.user, basic.password))) {
          limiter.succeed(req.ip);
          req.ggAuth = { via: 'basic' };
          return;
        }
        limiter.fail(req.ip);
        loginFailed(req.ip, bearer !== undefined ? 'API token' : 'API Basic auth');
      }
      return reply.code(401).send({
        error: 'unauthorized',
        message: 'use an API token (Authorization: Bearer), log in to the dashboard, or use HTTP Basic with the admin password',
      });
    }
    const next = req.method === 'GET' ? `?next=${encodeURIComponent(safeNext(req.url))}` : '';
    return reply.redirect(`/login${next}`, 303);
  });

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

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const api = isApi(req.url);
    let status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    let message = status < 500 ? err.message : 'internal error';
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      status = 403;
      message = 'the form has expired or did not come from this dashboard; reload the page and try again';
    } else if (isGhostguardError(err)) {
      // the catalogue's status for the code (src/model/errors.ts): a bad target is 400, one outside the allowed ranges 403 …
      status = err.status;
      message = err.message;
    }
    if (status >= 500) req.log.error({ err }, 'dashboard error');
    reply.code(status);
    if (api) return reply.send({ error: isGhostguardError(err) ? err.code : (err.code ?? 'error'), message });
    return reply.type('text/html; charset=utf-8').send(
      messagePage({
        title: status === 403 ? 'Refused' : 'Something went wrong',
        message,
        ...(req.ggAuth?.session ? { csrf: dashboard.csrf(req, reply) } : {}),
      }),
    );
  });

  // only reached with a session (the onRequest hook answers everyone else): no route-existence oracle
  app.setNotFoundHandler((req: FastifyRequest, reply: FastifyReply) => {
    reply.code(404);
    if (isApi(req.url)) return reply.send({ error: 'not-found', message: 'no such API route' });
    return reply.type('text/html; charset=utf-8').send(
      messagePage({
        title: 'Not found',
        message: 'There is no such page.',
        ...(req.ggAuth?.session ? { csrf: dashboard.csrf(req, reply) } : {}),
      }),
    );
  });

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
