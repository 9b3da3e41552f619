/**
 * Yealink web UI as scanners see it (vendor-facts 1.5): `Server: yealink embed httpd`, the login page at
 * /servlet?m=mod_listener&p=login&q=loginForm with `g_phonetype` / `g_strFirmware`, and the Action URI info query
 * /servlet?phonecfg=get and the keys AutoP and Reboot (/servlet?key=…), which need the admin credentials (Basic auth, or the documented
 * `p=login&q=login&username=…&pwd=…` prefix) and, once `features.action_uri_limit_ip` is set, a listed source.
 * No configuration export is documented, so none is served. Login answer formats are lab inventions.
 */
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../../../src/model/html.js';
import { macWithColons } from '../../../src/model/mac.js';
import type { VendorWeb, WebContext, WebRequest, WebResponse } from '../../../src/model/vendor-lab.js';
import { addressAllowed, basicAuth, html, json, notFound } from '../../_shared/lab-web.js';

export const YEALINK_SERVER = 'yealink embed httpd';
export const YEALINK_LOGIN_PATH = '/servlet?m=mod_listener&p=login&q=loginForm&jumpto=status';

export function yealinkWeb(ctx: WebContext): VendorWeb {
  const { identity } = ctx;
  const sessions = new Set<string>();

  const loginPage = (failed = false): WebResponse =>
    html(
      200,
      [
        '<!DOCTYPE html><html><head>',
        `<title>Yealink ${escapeHtml(identity.model)} Phone</title>`,
        '<script type="text/javascript">',
        `var g_phonetype = "${escapeHtml(identity.model)}";`,
        `var g_strFirmware = "${escapeHtml(identity.firmware)}";`,
        `var g_loginFailed = ${failed ? 'true' : 'false'};`,
        '</script></head><body>',
        '<form method="post" action="/servlet?m=mod_listener&amp;p=login&amp;q=login">',
        '<input name="username" type="text"><input name="pwd" type="password"><input type="submit" value="Login">',
        '</form></body></html>',
      ].join('\n'),
    );

  const credentialsOk = (user: string | undefined, password: string | undefined): boolean => {
    const b = ctx.behaviour();
    return user === b.adminUser && password === b.adminPassword;
  };

  /** an Action URI request's gate: a listed source (once the list is set), then the admin login; undefined = let in */
  const actionUriGate = (req: WebRequest): WebResponse | undefined => {
    const b = ctx.behaviour();
    if (b.actionUriAllow && !addressAllowed(req.source, b.actionUriAllow)) return { status: 403, body: 'Forbidden\n' };
    const basic = basicAuth(req.headers);
    const ok =
      credentialsOk(basic?.user, basic?.password) ||
      credentialsOk(req.query.get('username') ?? undefined, req.query.get('pwd') ?? undefined);
    if (!ok) return { status: 401, headers: { 'www-authenticate': 'Basic realm="Yealink"' }, body: 'Unauthorized\n' };
    return undefined;
  };

  /** the two Action URI keys the lab acts on: AutoP (auto provisioning now) and Reboot */
  const actionKey = (req: WebRequest): WebResponse => {
    const refused = actionUriGate(req);
    if (refused) return refused;
    const key = req.query.get('key');
    const action = key === 'AutoP' ? 'resync' : key === 'Reboot' ? 'reboot' : undefined;
    if (!action) return notFound();
    return ctx.requestBoot(action) ? { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK\n' } : { status: 500 };
  };

  const phonecfg = (req: WebRequest): WebResponse => {
    const refused = actionUriGate(req);
    if (refused) return refused;
    const b = ctx.behaviour();
    const lines = [`Model=${identity.model}`, `Firmware=${identity.firmware}`, `MAC=${macWithColons(identity.mac)}`, `IP=${ctx.ip}`];
    if (req.query.has('accounts')) lines.push(`Accounts=${b.accountsActive}`);
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: lines.join('\n') + '\n' };
  };

  const login = (req: WebRequest): WebResponse => {
    const form = new URLSearchParams(req.body);
    if (!credentialsOk(form.get('username') ?? undefined, form.get('pwd') ?? undefined)) return json(401, { authstatus: 'error' });
    const sid = randomBytes(12).toString('hex');
    if (sessions.size >= 16) sessions.delete(sessions.values().next().value!);
    sessions.add(sid);
    return json(200, { authstatus: 'done' }, { 'set-cookie': `JSESSIONID=${sid}; HttpOnly` });
  };

  return {
    server: YEALINK_SERVER,
    handle(req) {
      if (req.path === '/' && req.method === 'GET') return { status: 302, headers: { location: YEALINK_LOGIN_PATH } };
      if (req.path !== '/servlet') return notFound();
      if (req.query.has('phonecfg')) return phonecfg(req);
      if (req.query.has('key')) return actionKey(req);
      const p = req.query.get('p');
      const q = req.query.get('q');
      if (p === 'login' && q === 'loginForm') return loginPage();
      if (p === 'login' && q === 'login' && req.method === 'POST') return login(req);
      return notFound();
    },
  };
}
