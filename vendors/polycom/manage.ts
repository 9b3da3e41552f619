/**
 * Resync and reboot through the Poly UC Software REST API (firmware-notes/polycom.md "Resync and reboot"):
 * `POST /api/v1/mgmt/safeRestart` (resync: the phone ends its calls, restarts and fetches its configuration as at
 * every start) and `POST /api/v1/mgmt/safeReboot` (reboot), HTTP Basic as `Polycom`, JSON reply `{"Status":"2000"}`.
 * The REST API exists from UCS 5.4 (VVX) / 5.8 (Trio) and only with `apps.restapi.enabled`; SoundPoint has none.
 */
import { compareVersions, parseVersion } from '../../src/model/firmware-version.js';
import type { HttpResult } from '../../src/model/http-exchange.js';
import type { ManageOutcome, PhoneAction, PhoneManagement } from '../../src/model/vendor-manage.js';
import { clean } from '../../src/model/wire-text.js';

const PATHS: Record<PhoneAction, string> = {
  resync: '/api/v1/mgmt/safeRestart',
  reboot: '/api/v1/mgmt/safeReboot',
};
const FIRST_REST_FIRMWARE = [5, 4];

function outcome(res: HttpResult, path: string): ManageOutcome {
  if (!res.ok) return { result: 'failed', detail: `${path}: ${res.detail}` };
  const { status, body } = res.reply;
  if (status === 401 || status === 403) return { result: 'refused', detail: `${path}: login refused (HTTP ${status})` };
  if (status === 404) return { result: 'failed', detail: `${path}: REST API not enabled (HTTP 404; apps.restapi.enabled)` };
  let code = '';
  try {
    code = String((JSON.parse(body) as { Status?: unknown }).Status ?? '');
  } catch {
    code = '';
  }
  if (status === 200 && code === '2000') return { result: 'sent', detail: `${path}: accepted (Status 2000)` };
  return { result: 'failed', detail: `${path}: HTTP ${status}${code ? `, Status ${clean(code, 12)}` : ''}` };
}

export const polycomManage: PhoneManagement = {
  plan(action, model, firmware) {
    if (/^SPIP_/i.test(model)) return { supported: false, reason: 'SoundPoint IP phones have no REST API (UC Software 5.4 or later)' };
    const version = parseVersion(firmware);
    if (version && compareVersions(version, FIRST_REST_FIRMWARE) < 0)
      return { supported: false, reason: `firmware ${firmware} predates the REST API (UC Software 5.4)` };
    return {
      supported: true,
      interface: 'Poly REST API',
      steps: [{ method: 'POST', path: PATHS[action], auth: 'HTTP Basic, user Polycom' }],
      caveat: 'needs apps.restapi.enabled=1 on the phone; active calls are ended first',
    };
  },
  async send(action, { client, origin, credentials, signal }) {
    const path = PATHS[action];
    const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    const res = await client.request(
      { origin, path, method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: '{}' },
      signal,
    );
    return outcome(res, path);
  },
};
