/** One boot of one phone against a provisioning server: the vendor's flow over the phone's own HTTP client. */
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { BootContext, PhoneIdentity } from '../model/vendor-lab.js';
import type { PhoneState } from './phone-state.js';
import { ProvisionClient } from './provision-client.js';
import { GhostguardError } from '../model/errors.js';

export type FileOutcomeKind = 'applied' | 'rejected' | 'accepted' | 'missing' | 'denied' | 'uploaded' | 'failed';

export interface FileRecord {
  file: string;
  method: 'GET' | 'PUT';
  status: number;
  auth: 'none' | 'digest';
  outcome: FileOutcomeKind;
  detail?: string;
}

export interface BootReport {
  server: string;
  files: FileRecord[];
  errors: string[];
  /** a per-device file (one naming the phone's MAC) was applied */
  provisioned: boolean;
  durationMs: number;
}

export interface BootOptions {
  serverUrl: string;
  localAddress: string;
  ca?: string;
  timeoutMs?: number;
}

const MAX_RECORDS = 64;

export async function bootPhone(
  identity: PhoneIdentity,
  adapter: VendorAdapter,
  state: PhoneState,
  options: BootOptions,
): Promise<BootReport> {
  const started = Date.now();
  const report: BootReport = { server: options.serverUrl, files: [], errors: [], provisioned: false, durationMs: 0 };
  const record = (r: FileRecord): void => {
    if (report.files.length < MAX_RECORDS) report.files.push(r);
    const problem = r.outcome === 'rejected' || r.outcome === 'failed' || r.outcome === 'denied';
    if (problem && report.errors.length < MAX_RECORDS) report.errors.push(`${r.method} ${r.file}: ${r.detail ?? r.status}`);
  };
  const client = new ProvisionClient({
    serverUrl: options.serverUrl,
    localAddress: options.localAddress,
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    credentials: () => state.behaviour().provisioningCredentials,
  });
  const lastAuth = new Map<string, { status: number; auth: 'none' | 'digest' }>();
  const ctx: BootContext = {
    identity,
    steps: adapter.bootSequence(identity.mac, identity.model, identity.firmware),
    read: (body) => adapter.read(body),
    async fetch(fileName, userAgent) {
      const res = await client.get(fileName, userAgent);
      lastAuth.set(fileName, { status: res.status, auth: res.auth });
      if (res.body !== undefined) return res.body;
      const outcome: FileOutcomeKind =
        res.status === 0 || res.status >= 500 ? 'failed' : res.status === 401 || res.status === 403 ? 'denied' : 'missing';
      record({ file: fileName, method: 'GET', status: res.status, auth: res.auth, outcome, ...(res.error ? { detail: res.error } : {}) });
      return undefined;
    },
    apply(fileName, body, perDevice) {
      const how = lastAuth.get(fileName) ?? { status: 200, auth: 'none' as const };
      const check = state.profile.checkFile ? (b: string) => state.profile.checkFile!(b, state.ctx, identity.mac) : undefined;
      const outcome = state.applyBody(fileName, body, (b) => adapter.read(b), check);
      if (outcome.ok && perDevice) report.provisioned = true;
      record({
        file: fileName,
        method: 'GET',
        ...how,
        outcome: outcome.ok ? 'applied' : 'rejected',
        ...(outcome.reason ? { detail: outcome.reason } : {}),
      });
      return outcome.ok;
    },
    accept(fileName) {
      const how = lastAuth.get(fileName) ?? { status: 200, auth: 'none' as const };
      record({ file: fileName, method: 'GET', ...how, outcome: 'accepted' });
    },
    reject(fileName, reason) {
      const how = lastAuth.get(fileName) ?? { status: 200, auth: 'none' as const };
      record({ file: fileName, method: 'GET', ...how, outcome: 'rejected', detail: reason });
    },
    async put(fileName, body, userAgent) {
      const res = await client.put(fileName, body, userAgent);
      const ok = res.status >= 200 && res.status < 300;
      const outcome: FileOutcomeKind = ok ? 'uploaded' : res.status === 401 || res.status === 403 ? 'denied' : 'failed';
      record({ file: fileName, method: 'PUT', status: res.status, auth: res.auth, outcome, ...(res.error ? { detail: res.error } : {}) });
    },
  };
  try {
    if (!adapter.lab) throw new GhostguardError('GG_ERR_LAB_INVALID', `${adapter.displayName} phones are not emulated`);
    await adapter.lab.boot(ctx);
  } catch (err) {
    report.errors.push(`boot aborted: ${(err as Error).message.slice(0, 200)}`);
  } finally {
    await client.close();
  }
  report.durationMs = Date.now() - started;
  return report;
}
