/**
 * Yealink has no verified API to read settings back (vendor-facts 1.5), but its web credentials can be tested: the
 * documented Action URI info query `GET /servlet?phonecfg=get` needs the admin login (vendor-facts 1.5 [DOC]), sent
 * here as HTTP Basic. 200 = accepted, 401 = refused. Until `features.action_uri_limit_ip` lists the auditor's address
 * the phone refuses Action URI requests outright (403): then the login is untested, and said so.
 */
import type { HttpResult } from '../../../src/model/http-exchange.js';
import type { Credentials, ReadbackAttempt, ReadbackClient } from '../../../src/model/vendor-audit.js';

export const ACTION_URI_INFO = '/servlet?phonecfg=get';
export const NO_YEALINK_READBACK = 'Yealink has no verified API to read settings back; only SIP probing can prove these rules';

const basic = (c: Credentials): string => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

function classify(res: HttpResult): ReadbackAttempt {
  const what = `Action URI ${ACTION_URI_INFO}`;
  if (!res.ok) return { login: 'error', detail: `${what}: ${res.detail}`, reason: `${what}: ${res.detail}` };
  const { status } = res.reply;
  if (status === 200) return { login: 'accepted', detail: `accepted (${what}: HTTP 200)`, reason: NO_YEALINK_READBACK };
  if (status === 401) return { login: 'refused', detail: `refused (${what}: HTTP 401)` };
  const why =
    status === 403
      ? `${what}: HTTP 403 — the phone takes Action URI requests only from the addresses in features.action_uri_limit_ip, so the login could not be tested`
      : `${what}: HTTP ${status}, so the login could not be tested`;
  return { login: 'error', detail: why, reason: why };
}

export const yealinkWebLogin: ReadbackClient = {
  async attempt({ client, origin, signal }, creds) {
    return classify(
      await client.request({ origin, path: ACTION_URI_INFO, method: 'GET', headers: { authorization: basic(creds) } }, signal),
    );
  },
};
