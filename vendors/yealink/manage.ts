/**
 * Resync and reboot through Yealink's Action URI (firmware-notes/yealink.md "Resync and reboot"): `GET
 * /servlet?key=AutoP` (run auto provisioning now) and `GET /servlet?key=Reboot`, with the admin login as HTTP Basic.
 * The phone takes Action URI requests only from the addresses in `features.action_uri_limit_ip` (blank by default: none)
 * and asks on its screen once before it allows remote control; a 403 says the address is not listed.
 */
import type { HttpResult } from '../../src/model/http-exchange.js';
import type { ManageOutcome, PhoneAction, PhoneManagement } from '../../src/model/vendor-manage.js';

const PATHS: Record<PhoneAction, string> = {
  resync: '/servlet?key=AutoP',
  reboot: '/servlet?key=Reboot',
};

function outcome(res: HttpResult, path: string): ManageOutcome {
  if (!res.ok) return { result: 'failed', detail: `Action URI ${path}: ${res.detail}` };
  const { status } = res.reply;
  if (status === 200) return { result: 'sent', detail: `Action URI ${path}: accepted (HTTP 200)` };
  if (status === 401) return { result: 'refused', detail: `Action URI ${path}: login refused (HTTP 401)` };
  if (status === 403)
    return {
      result: 'failed',
      detail: `Action URI ${path}: HTTP 403 — the phone takes Action URI requests only from the addresses in features.action_uri_limit_ip`,
    };
  return { result: 'failed', detail: `Action URI ${path}: HTTP ${status}` };
}

export const yealinkManage: PhoneManagement = {
  plan(action) {
    return {
      supported: true,
      interface: 'Yealink Action URI',
      steps: [{ method: 'GET', path: PATHS[action], auth: 'HTTP Basic, the admin login' }],
      caveat: "needs ghostguard's address in features.action_uri_limit_ip, and the phone asks once on screen to allow remote control",
    };
  },
  async send(action, { client, origin, credentials, signal }) {
    const path = PATHS[action];
    const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return outcome(await client.request({ origin, path, method: 'GET', headers: { authorization } }, signal), path);
  },
};
