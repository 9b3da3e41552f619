/**
 * POST /devices/:mac/resync (CSRF-checked like every form; `action` = resync | reboot): plans the action for the phone
 * as `ghostguard resync` does, refuses an address outside server.auditAllow (an `audit-out-of-scope` event, 403), sends
 * it, records a `phone-resync` event and shows what was sent or why nothing was. The phones' web port is the first
 * HTTPS port of the dashboard's audit settings (443 by default).
 */
import type { FastifyInstance } from 'fastify';
import { createAuditDispatcher, undiciHttpClient } from '../auditor/probes/http-client.js';
import { planResyncRun, sendResyncRun, type ResyncRunDeps } from '../auditor/resync/resync-run.js';
import { parseMac } from '../model/mac.js';
import { PHONE_ACTIONS, type PhoneAction } from '../model/vendor-manage.js';
import type { SecurityEvent, SecurityReason } from '../store/store.js';
import type { Dashboard } from './context.js';
import { unknownDevicePage } from './plain-pages.js';
import { resyncResultPage } from './resync-page.js';

type EventInput = Omit<SecurityEvent, 'ts' | 'severity'> & { reason: SecurityReason };

export function registerResyncRoutes(app: FastifyInstance, d: Dashboard, securityEvent: (input: EventInput) => void): void {
  const dispatcher = createAuditDispatcher();
  app.addHook('onClose', async () => dispatcher.close());

  app.post('/devices/:mac/resync', async (req, reply) => {
    const page = (code: number, body: string) => reply.code(code).type('text/html; charset=utf-8').send(body);
    const csrf = d.csrf(req, reply);
    const mac = parseMac(String((req.params as { mac: string }).mac));
    const inventory = d.options.inventory();
    if (!mac || !inventory.device(mac)) return page(404, unknownDevicePage(csrf));
    const raw = (req.body as Record<string, unknown> | undefined)?.action;
    const action = (PHONE_ACTIONS as readonly unknown[]).includes(raw) ? (raw as PhoneAction) : 'resync';
    const deps: ResyncRunDeps = {
      vendors: d.options.vendors,
      inventory,
      fetchHistory: (m, limit) => d.options.store.fetchHistory(m, limit),
      client: undiciHttpClient(dispatcher),
      event: securityEvent,
      requestedBy: req.ip,
    };
    const allowed = inventory.config.server.auditAllow;
    const web = { port: d.options.auditOptions?.httpsPorts?.[0] ?? 443, plainHttp: false };
    const [target] = await planResyncRun({ action, scope: { mac }, web, ...(allowed ? { allowed } : {}) }, deps);
    if (!target!.ready) {
      if (target!.outOfScope)
        securityEvent({ reason: 'audit-out-of-scope', source: req.ip, mac, detail: `dashboard ${action}: ${target!.reason}` });
      return page(target!.outOfScope ? 403 : 409, resyncResultPage({ action, target: target!, csrf }));
    }
    const [result] = await sendResyncRun(action, [target!], deps);
    return page(result!.outcome.result === 'sent' ? 200 : 502, resyncResultPage({ action, target: target!, result: result!, csrf }));
  });
}
