/**
 * Resync and reboot through the Grandstream web API of newer GXP/GRP firmware (firmware-notes/grandstream.md "Resync
 * and reboot"; third-party sources, no vendor document): `POST /cgi-bin/dologin` for a session, then
 * `POST /cgi-bin/api-sys_operation` with `request=PROV` (provision now) or `request=REBOOT` and the session id, as a
 * form field and the `session-identity` cookie; the reply is `{"response":"success"}`.
 */
import type { HttpResult } from '../../src/model/http-exchange.js';
import type { ManageOutcome, PhoneAction, PhoneManagement } from '../../src/model/vendor-manage.js';
import { clean } from '../../src/model/wire-text.js';
import { loginGrandstream } from './audit/readback.js';

const OPERATION = '/cgi-bin/api-sys_operation';
const REQUEST: Record<PhoneAction, string> = { resync: 'PROV', reboot: 'REBOOT' };

function outcome(res: HttpResult, what: string): ManageOutcome {
  if (!res.ok) return { result: 'failed', detail: `${what}: ${res.detail}` };
  let response = '';
  try {
    response = String((JSON.parse(res.reply.body) as { response?: unknown }).response ?? '');
  } catch {
    response = '';
  }
  if (res.reply.status === 200 && response === 'success') return { result: 'sent', detail: `${what}: accepted` };
  return {
    result: 'failed',
    detail: `${what}: HTTP ${res.reply.status}${response ? `, response "${clean(response, 30)}"` : ', not JSON'}`,
  };
}

export const grandstreamManage: PhoneManagement = {
  plan(action) {
    return {
      supported: true,
      interface: 'Grandstream web API',
      steps: [
        { method: 'POST', path: '/cgi-bin/dologin', auth: 'form fields username and password, the admin login' },
        { method: 'POST', path: `${OPERATION} (request=${REQUEST[action]}&sid=<sid>)`, auth: 'session id from dologin' },
      ],
      caveat: 'newer GXP/GRP firmware only (older firmware answers 404 to dologin); documented by third parties, not by Grandstream',
    };
  },
  async send(action, { client, origin, credentials, signal }) {
    const login = await loginGrandstream(client, origin, credentials, signal);
    if (login.login === 'refused') return { result: 'refused', detail: login.detail };
    if (login.login !== 'accepted') return { result: 'failed', detail: login.detail };
    const what = `${OPERATION} request=${REQUEST[action]}`;
    const res = await client.request(
      {
        origin,
        path: OPERATION,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `session-identity=${login.sid}; session-role=admin` },
        body: `request=${REQUEST[action]}&sid=${encodeURIComponent(login.sid)}`,
      },
      signal,
    );
    return outcome(res, what);
  },
};
