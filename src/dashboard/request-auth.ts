/**
 * Who is asking: the dashboard's onRequest hook. A session cookie, or on the API a Bearer API token or HTTP Basic with
 * the admin password (failures slow the address down, then lock it out); public routes pass; anyone else gets 401
 * (API) or the login page — or, when the state database holding the sessions cannot be reached, a 503 page saying so.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenCheck } from './api-tokens.js';
import type { LoginLimiter, PasswordCheck, SessionStore } from './auth.js';
import { isApi } from './context.js';
import { messagePage } from './plain-pages.js';
import { safeNext } from './routes-auth.js';
import { setSecurityHeaders } from './security-headers.js';

export interface RequestAuthDeps {
  secure: boolean;
  names: { session: string; csrf: string };
  sessions: SessionStore;
  limiter: LoginLimiter;
  tokens: TokenCheck;
  check: PasswordCheck;
  loginFailed: (source: string, via: string) => void;
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

export function authenticate(d: RequestAuthDeps) {
  const { secure, names, sessions, limiter, tokens, check, loginFailed } = d;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    setSecurityHeaders(reply, secure);
    // the sessions live in the state store: with a shared database away no session can be checked, but an API token
    // or HTTP Basic still can (GET /api/status then shows what the database's absence holds back)
    let sessionsAway = false;
    const session = await sessions.get(req.cookies[names.session]).catch(() => {
      sessionsAway = true;
      return undefined;
    });
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
    if (sessionsAway)
      return reply
        .code(503)
        .header('retry-after', '5')
        .type('text/html; charset=utf-8')
        .send(
          messagePage({
            title: 'State database unreachable',
            message:
              'The state database holding the dashboard sessions cannot be reached, so no login can be checked. Phones are still served what needs no secret, and device files are refused until it is back. GET /api/status with an API token or HTTP Basic shows the records held for it; this page works again once the database answers.',
          }),
        );
    const next = req.method === 'GET' ? `?next=${encodeURIComponent(safeNext(req.url))}` : '';
    return reply.redirect(`/login${next}`, 303);
  };
}
