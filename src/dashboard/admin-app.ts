/** The operator listener: a fastify app of its own (never the phones' app) carrying the dashboard plugin. Built without listening. */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { addressWithin } from '../model/address-ranges.js';
import { loadAdminPassword, type AdminPasswordInfo } from './auth.js';
import type { DashboardOptions } from './context.js';
import { dashboardPlugin } from './plugin.js';

export interface AdminAppOptions extends Omit<DashboardOptions, 'secure' | 'password'> {
  https?: { cert: string | Buffer; key: string | Buffer };
  logger?: boolean;
}

const passwordInfo = new WeakMap<FastifyInstance, AdminPasswordInfo>();

/** How the admin password was found; `serve` prints it (the value only when the file was just created). */
export function adminPasswordInfo(app: FastifyInstance): AdminPasswordInfo | undefined {
  return passwordInfo.get(app);
}

export function buildAdminApp(options: AdminAppOptions): FastifyInstance {
  const { https, logger, ...rest } = options;
  const { password, info } = loadAdminPassword(rest.dataDir, rest.env);
  const app = Fastify({
    logger: logger ? { redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    ...(https ? { https } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  // server.adminAllow: a connection from elsewhere is closed before TLS or HTTP is read — no page, no login form, no
  // password check. Read per connection, so a reload takes effect for the next one.
  app.server.prependListener('connection', (socket: Socket) => {
    const allowed = rest.inventory().config.server.adminAllow;
    if (allowed && !addressWithin(socket.remoteAddress ?? '', allowed)) socket.destroy();
  });
  app.register(dashboardPlugin, { ...rest, secure: Boolean(https), password });
  passwordInfo.set(app, info);
  return app;
}
