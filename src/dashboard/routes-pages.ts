/** The HTML pages: fleet, device, check a handset, audit runs, security events, servers, and the two static assets. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isGhostguardError } from '../model/errors.js';
import { parseMac } from '../model/mac.js';
import { SECURITY_REASON_LIST } from '../model/security-events.js';
import type { SecurityReason } from '../store/store.js';
import { APP_CSS, APP_JS, ASSET_PATHS } from './assets.js';
import { targetList } from './audit-runs.js';
import { BusyError } from './busy.js';
import type { Dashboard } from './context.js';
import { auditPage, auditsPage } from './audit-pages.js';
import { auditChoices, choicesFromForm } from './audit-choices.js';
import { checkPage } from './check-page.js';
import { deviceDetail } from './device-detail.js';
import { eventsPage } from './events-page.js';
import { fleetOverview, type FleetFilter } from './fleet.js';
import { devicePage, fleetPage } from './fleet-pages.js';
import { messagePage, unknownDevicePage } from './plain-pages.js';
import { serversPage } from './servers-page.js';
import { theftSignals } from './theft.js';

type Query = Record<string, unknown>;

const str = (v: unknown, max = 200): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);

export function registerPageRoutes(app: FastifyInstance, d: Dashboard): void {
  const page = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);

  app.get(ASSET_PATHS.css, { config: { public: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(APP_CSS),
  );
  app.get(ASSET_PATHS.js, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'private, max-age=31536000, immutable').send(APP_JS),
  );

  app.get('/', async (req, reply) => {
    const q = req.query as Query;
    const filter: FleetFilter = {};
    for (const k of ['site', 'vendor', 'state', 'q'] as const) {
      const v = str(q[k], 100);
      if (v) filter[k] = v;
    }
    const theft = d.maskEvents(await theftSignals(d.options.store));
    const csrf = d.csrf(req, reply);
    return page(
      reply,
      fleetPage({
        overview: await fleetOverview(d.fleet(), filter),
        filter,
        now: d.now(),
        csrf,
        theft,
        windowHours: d.options.inventory().config.server.enrolmentWindowHours,
      }),
    );
  });

  app.get('/devices/:mac', async (req, reply) => {
    const mac = parseMac(String((req.params as { mac: string }).mac));
    const detail = mac ? await deviceDetail(d.fleet(), mac) : undefined;
    if (!detail) return page(reply.code(404), unknownDevicePage(d.csrf(req, reply)));
    detail.events = d.maskEvents(detail.events);
    const theft = d.maskEvents(await theftSignals(d.options.store, mac!));
    return page(reply, devicePage({ d: detail, now: d.now(), csrf: d.csrf(req, reply), theft }));
  });

  // a phone locked out after a factory reset: let it fetch once without credentials (what `ghostguard enroll` does)
  app.post('/devices/:mac/enrol', async (req, reply) => {
    const mac = parseMac(String((req.params as { mac: string }).mac));
    const inventory = d.options.inventory();
    if (!mac || !inventory.device(mac)) return page(reply.code(404), unknownDevicePage(d.csrf(req, reply)));
    await d.options.store.openEnrolment(
      mac,
      new Date(d.now().getTime() + inventory.config.server.enrolmentWindowHours * 3600_000),
      d.now(),
    );
    return reply.redirect(`/devices/${mac}`, 303);
  });

  // a possible theft answered in one action: what the thief holds stops working, and the real phone may fetch anew
  app.post('/devices/:mac/rotate-reenrol', async (req, reply) => {
    const mac = parseMac(String((req.params as { mac: string }).mac));
    const inventory = d.options.inventory();
    if (!mac || !inventory.device(mac)) return page(reply.code(404), unknownDevicePage(d.csrf(req, reply)));
    const now = d.now();
    const hours = inventory.config.server.enrolmentWindowHours;
    const state = await d.options.store.rotateCredentials(mac, true);
    // unlike a routine rotation, the previous generation is what the thief holds: it stops working now
    await d.options.store.confirmCredentials(mac);
    await d.options.store.openEnrolment(mac, new Date(now.getTime() + hours * 3600_000), now);
    d.securityEvent({
      reason: 'credentials-rotated',
      mac,
      source: req.ip,
      detail: `generation ${state.generation}, SIP passwords too, from the dashboard after a possible theft; enrolment window open for ${hours} h`,
    });
    return reply.redirect(`/devices/${mac}`, 303);
  });

  app.get('/check', async (req, reply) => {
    const target = str((req.query as Query).target, 64);
    return page(reply, checkPage({ csrf: d.csrf(req, reply), now: d.now(), ...(target ? { target } : {}) }));
  });

  app.post('/check', async (req, reply) => {
    const body = req.body as Query | undefined;
    const target = str(body?.target, 64) ?? '';
    // the check form's checkbox (on by default); other forms (the device page's button) post no `form` field: probe on
    const safe = str(body?.form, 16) === 'check' && str(body?.invite, 8) !== 'on';
    const csrf = d.csrf(req, reply);
    try {
      const result = await d.check(target, req.ip, { safe });
      return page(reply, checkPage({ csrf, target, result, now: d.now(), safe }));
    } catch (err) {
      if (!isGhostguardError(err) && !(err instanceof BusyError)) throw err;
      return page(
        reply.code(err instanceof BusyError ? 429 : err.status),
        checkPage({ csrf, target, now: d.now(), error: err.message, safe }),
      );
    }
  });

  const auditsView = async (req: FastifyRequest, reply: FastifyReply, form: { error?: string; targets?: string; exclude?: string } = {}) =>
    page(
      reply,
      auditsPage({
        runs: await d.runner.list(50),
        trend: await d.trend(),
        csrf: d.csrf(req, reply),
        now: d.now(),
        allowed: d.options.inventory().config.server.auditAllow,
        ...form,
      }),
    );

  app.get('/audits', async (req, reply) => auditsView(req, reply));

  app.post('/audits', async (req, reply) => {
    const body = (req.body ?? {}) as Query;
    const targetsText = str(body.targets, 4000) ?? '';
    const excludeText = str(body.exclude, 4000) ?? '';
    try {
      const targets = targetList(targetsText);
      const exclude = excludeText ? targetList(excludeText) : [];
      const id = await d.startAudit(targets, exclude, req.ip, auditChoices(choicesFromForm(body)));
      return reply.redirect(`/audits/${id}`, 303);
    } catch (err) {
      if (!isGhostguardError(err) && !(err instanceof BusyError)) throw err;
      reply.code(err instanceof BusyError ? 429 : err.status);
      return auditsView(req, reply, { error: err.message, targets: targetsText, exclude: excludeText });
    }
  });

  app.get('/audits/:id', async (req: FastifyRequest, reply) => {
    const id = Number((req.params as { id: string }).id);
    const run = Number.isSafeInteger(id) && id > 0 ? await d.runner.view(id) : undefined;
    if (!run)
      return page(
        reply.code(404),
        messagePage({ title: 'Unknown audit run', message: 'There is no audit run with that number.', csrf: d.csrf(req, reply) }),
      );
    const findings = run.status === 'running' ? [] : await d.runner.findings(id);
    return page(reply, auditPage({ run, findings, all: (req.query as Query).all === '1', csrf: d.csrf(req, reply), now: d.now() }));
  });

  app.get('/servers', async (req, reply) => {
    const writeError = d.options.store.historyWriteError;
    const coordination = d.options.coordination?.();
    let replicasError: string | undefined;
    const replicas = (await d.options.replicas?.().catch((err: Error) => void (replicasError = err.message))) ?? [];
    return page(
      reply,
      serversPage({
        replicas,
        ...(replicasError !== undefined ? { replicasError } : {}),
        ...(coordination ? { coordination } : {}),
        database: d.options.store.queueStatus(),
        ...(writeError ? { historyWriteError: writeError } : {}),
        csrf: d.csrf(req, reply),
        now: d.now(),
      }),
    );
  });

  app.get('/events', async (req, reply) => {
    const q = req.query as Query;
    const reasonText = str(q.reason, 40);
    const reason =
      reasonText && (SECURITY_REASON_LIST as readonly string[]).includes(reasonText) ? (reasonText as SecurityReason) : undefined;
    const macText = str(q.mac, 40);
    const mac = macText ? parseMac(macText) : undefined;
    const error = macText && !mac ? `"${macText}" is not a MAC address` : undefined;
    const events = d.maskEvents(await d.options.store.events({ ...(reason ? { reason } : {}), ...(mac ? { mac } : {}), limit: 200 }));
    const inventory = d.options.inventory();
    const known = (m: string) => {
      const parsed = parseMac(m);
      return !!parsed && !!inventory.device(parsed);
    };
    return page(
      reply,
      eventsPage({
        events,
        reasons: SECURITY_REASON_LIST,
        ...(reason ? { reason } : {}),
        ...(macText ? { mac: macText } : {}),
        ...(error ? { error } : {}),
        csrf: d.csrf(req, reply),
        now: d.now(),
        known,
      }),
    );
  });
}
