/** Login and logout: the password check with its lockout, a fresh session id on every login, post-login redirects. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LoginLimiter, PasswordCheck, SessionStore } from './auth.js';
import type { Dashboard } from './context.js';
import { loginPage } from './plain-pages.js';

/** Only a local path may be a post-login destination (no open redirect). */
export function safeNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(value) &&
    !value.startsWith('/login') &&
    !value.startsWith('/logout')
    ? value
    : '/';
}

export interface AuthRouteDeps {
  check: PasswordCheck;
  sessions: SessionStore;
  limiter: LoginLimiter;
  names: { session: string };
  secure: boolean;
  loginFailed: (source: string, via: string) => void;
}

export function registerAuthRoutes(app: FastifyInstance, d: Dashboard, a: AuthRouteDeps): void {
  const html = (reply: FastifyReply) => reply.type('text/html; charset=utf-8');
  const loginPageFor = (req: FastifyRequest, reply: FastifyReply, extra: { error?: string; next?: string }) =>
    html(reply).send(loginPage({ csrf: d.csrf(req, reply), ...extra }));

  app.get('/login', { config: { public: true } }, async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (req.ggAuth?.session) return reply.redirect(next, 303);
    return loginPageFor(req, reply, { next });
  });

  app.post('/login', { config: { public: true } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const wait = a.limiter.retryAfter(req.ip);
    if (wait > 0) {
      reply.code(429).header('retry-after', String(wait));
      return loginPageFor(req, reply, { next, error: `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minute(s).` });
    }
    const user = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!(await a.check.verify(user, password))) {
      a.limiter.fail(req.ip);
      a.loginFailed(req.ip, 'login form');
      reply.code(401);
      return loginPageFor(req, reply, { next, error: 'Wrong user name or password.' });
    }
    a.limiter.succeed(req.ip);
    // a fresh id on every login: a session id planted before login is worthless
    await a.sessions.destroy(req.cookies[a.names.session]);
    const session = await a.sessions.create(user);
    reply.setCookie(a.names.session, session.id, { path: '/', httpOnly: true, sameSite: 'strict', secure: a.secure });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    await a.sessions.destroy(req.ggAuth?.session?.id);
    reply.clearCookie(a.names.session, { path: '/', httpOnly: true, sameSite: 'strict', secure: a.secure });
    return reply.redirect('/login', 303);
  });
}
