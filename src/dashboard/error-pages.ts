/** How the dashboard answers an error or an unknown route: JSON on the API, a page otherwise, never a stack. */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isGhostguardError } from '../model/errors.js';
import { isApi, type Dashboard } from './context.js';
import { messagePage } from './plain-pages.js';

export function registerErrorPages(app: FastifyInstance, dashboard: Dashboard): void {
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
}
