/**
 * Grandstream web interface (vendor-facts 3.5): POST /cgi-bin/dologin → sid, POST /cgi-bin/api.values.get with
 * `request=P2347:P1310:…` and the sid (form field or `session-identity` cookie). Without a session only
 * vendor_fullname, phone_model, 68 (firmware), P67 (MAC), Pipv4 are answered. Secrets are never returned.
 * POST /cgi-bin/api-sys_operation with request=PROV or REBOOT (admin session) makes the phone fetch its files again.
 * GXP answers with `Server: Grandstream <model> <fw>` and the legacy title; GRP with the GWT page behind lighttpd.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../../src/model/html.js';
import type { VendorWeb, WebContext, WebRequest, WebResponse } from '../../../src/model/vendor-lab.js';
import { cookie, html, json, notFound } from '../../_shared/lab-web.js';

const PUBLIC = new Set(['vendor_fullname', 'phone_model', '68', 'P67', 'Pipv4']);
const SESSION_MS = 10 * 60_000;
const MAX_SESSIONS = 16;
const MAX_NAMES = 500;

interface Session {
  role: 'admin' | 'user';
  expires: number;
}

export function grandstreamWeb(ctx: WebContext): VendorWeb {
  const { identity } = ctx;
  const grp = /^GRP/i.test(identity.model);
  const sessions = new Map<string, Session>();

  const computed = (): Record<string, string> => ({
    vendor_fullname: 'Grandstream Networks, Inc.',
    phone_model: identity.model,
    '68': identity.firmware,
    P67: identity.mac.toUpperCase(),
    Pipv4: ctx.ip,
  });

  const session = (req: WebRequest, form: URLSearchParams): Session | undefined => {
    const sid = form.get('sid') ?? cookie(req.headers, 'session-identity');
    const s = sid ? sessions.get(sid) : undefined;
    if (!s || s.expires < Date.now()) return undefined;
    return s;
  };

  const login = (req: WebRequest): WebResponse => {
    const form = new URLSearchParams(req.body);
    const b = ctx.behaviour();
    const user = form.get('username') ?? '';
    const password = form.get('password') ?? '';
    const role =
      user === b.adminUser && password === b.adminPassword
        ? 'admin'
        : user === 'user' && password === (ctx.settings().get('P196') ?? '')
          ? 'user'
          : undefined;
    if (!role) return json(200, { response: 'error', body: 'failed' });
    for (const [sid, s] of sessions) if (s.expires < Date.now()) sessions.delete(sid);
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    const sid = randomBytes(16).toString('hex');
    sessions.set(sid, { role, expires: Date.now() + SESSION_MS });
    return json(
      200,
      { response: 'success', body: { sid, role, defaultAuth: role === 'admin' && b.defaultAdminPassword } },
      { 'set-cookie': [`session-identity=${sid}; HttpOnly`, `session-role=${role}`] },
    );
  };

  const valuesGet = (req: WebRequest): WebResponse => {
    const form = new URLSearchParams(req.method === 'POST' ? req.body : req.query.toString());
    const names = (form.get('request') ?? '').split(':').filter(Boolean);
    if (names.length === 0 || names.length > MAX_NAMES) return json(200, { response: 'error', body: 'request' });
    const authed = session(req, form) !== undefined;
    const settings = ctx.settings();
    const extra = computed();
    const body: Record<string, string> = {};
    for (const name of names) {
      if (!authed && !PUBLIC.has(name)) continue;
      if (ctx.profile.isSecretKey(name)) continue;
      const value = extra[name] ?? settings.get(name);
      if (value !== undefined) body[name] = value;
    }
    return json(200, { response: 'success', body });
  };

  /** PROV (provision now) and REBOOT, for an admin session; the request in the form body or the query */
  const sysOperation = (req: WebRequest): WebResponse => {
    const form = new URLSearchParams(req.body);
    if (session(req, form)?.role !== 'admin') return json(200, { response: 'error', body: 'session-expired' });
    const op = form.get('request') ?? req.query.get('request');
    const action = op === 'PROV' ? 'resync' : op === 'REBOOT' ? 'reboot' : undefined;
    if (!action) return json(200, { response: 'error', body: 'unknown request' });
    return json(200, ctx.requestBoot(action) ? { response: 'success' } : { response: 'error', body: 'no provisioning server' });
  };

  const index = (): WebResponse =>
    grp
      ? html(
          200,
          '<!DOCTYPE html><html><head><title>Loading Web Application</title></head><body>' +
            '<iframe src="javascript:\'\'" id="__gwt_historyFrame" style="display:none"></iframe></body></html>',
        )
      : html(
          200,
          `<!DOCTYPE html><html><head><title>Grandstream Device Configuration</title></head><body>${escapeHtml(identity.model)}</body></html>`,
        );

  return {
    server: grp ? 'lighttpd' : `Grandstream ${identity.model} ${identity.firmware}`,
    handle(req) {
      if (req.path === '/cgi-bin/dologin' && req.method === 'POST') return login(req);
      if (req.path === '/cgi-bin/api.values.get') return valuesGet(req);
      if (req.path === '/cgi-bin/api-sys_operation') return sysOperation(req);
      if (req.path === '/' && req.method === 'GET') return index();
      return notFound();
    },
  };
}
