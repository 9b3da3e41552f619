/**
 * A phone's PUT of its own files, once authorized: an override is analysed for weakened settings and kept with its
 * secrets masked; a log is only counted. Either way the upload enters the fetch history.
 */
import type { ResolvedDevice } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import type { RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import type { EventInput } from './event-log.js';
import type { FetchHistory } from './fetch-history.js';
import { analyseOverride, maskStoredSecrets } from './override-upload.js';
import { REJECT_TEXT, textResponse, type PendingUpload, type PhoneHttpResponse, type UploadLimits } from './phone-http.js';
import type { ProvisioningDeps } from './provisioning-deps.js';

/** An upload the phone is allowed to make, as authorization found it. */
export interface AuthorizedUpload {
  vendor: VendorAdapter;
  identity: RequestIdentity;
  device: ResolvedDevice;
  policy: ReturnType<Inventory['policyFor']>;
  source: string;
  userAgent: string;
  auth: 'digest' | 'enrolment';
}

export class DeviceUploads {
  constructor(
    private readonly deps: Pick<ProvisioningDeps, 'store' | 'events'>,
    private readonly limits: UploadLimits,
    private readonly history: FetchHistory,
  ) {}

  accept(upload: AuthorizedUpload): PendingUpload {
    const keepBody = upload.identity.file.kind === 'override';
    const maxBytes = keepBody ? this.limits.overrideBytes : this.limits.logBytes;
    return { maxBytes, keepBody, complete: (body) => this.complete(body, upload) };
  }

  private async complete(body: string, upload: AuthorizedUpload): Promise<PhoneHttpResponse> {
    const { vendor, identity, device, policy, source, userAgent, auth } = upload;
    const file = identity.file;
    if (file.kind === 'override') {
      let weakened: string[];
      try {
        weakened = analyseOverride(vendor, device, policy, identity.firmware, body).weakened;
      } catch (err) {
        return this.reject(400, { reason: 'bad-upload', source, mac: device.mac, file: file.name, detail: (err as Error).message });
      }
      await this.deps.store.saveOverride({
        ts: new Date().toISOString(),
        mac: device.mac,
        file: file.name,
        body: maskStoredSecrets(body),
        weakened,
      });
      if (weakened.length > 0)
        this.deps.events.emit({ reason: 'weakening-override', source, mac: device.mac, file: file.name, detail: weakened.join('; ') });
    }
    this.history.record(device.mac, source, userAgent, file.name, '', auth, 204);
    return { status: 204, headers: {} };
  }

  private reject(status: 400 | 403 | 404 | 405, event: EventInput): PhoneHttpResponse {
    this.deps.events.emit(event);
    return textResponse(status, REJECT_TEXT[status]!);
  }
}
