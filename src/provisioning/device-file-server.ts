/**
 * The files only one phone may have — its device file, and its uploads (override, logs): Digest or enrolment first
 * (a nonce-count claimed across the cluster when there is one), then render or accept, then the fetch history.
 * Every refusal is the same 401, so nothing tells an unknown MAC from a known one.
 */
import { settingsModel } from '../model/inventory.js';
import { paramValues } from '../model/params-guard.js';
import type { RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import { ENROLMENT_GRACE_FETCHES, authorize, type AuthDecision } from './authorize.js';
import { ChallengeLedger } from './challenge-ledger.js';
import { DeviceUploads } from './device-upload.js';
import { FetchHistory } from './fetch-history.js';
import { deviceRenderVersion } from './render-service.js';
import { followUpChallenge } from './challenge-follow-up.js';
import { fileResponse, textResponse, type PendingUpload, type PhoneHttpRequest, type PhoneHttpResponse } from './phone-http.js';
import type { PhoneFileRenderer } from './phone-render.js';
import type { PhoneHandlerOptions, ProvisioningDeps } from './provisioning-deps.js';
import type { EventInput } from './event-log.js';

type Decided = PhoneHttpResponse | PendingUpload;

export class DeviceFileServer {
  private readonly challenges = new ChallengeLedger();
  private readonly history: FetchHistory;
  private readonly uploads: DeviceUploads;

  constructor(
    private readonly deps: ProvisioningDeps,
    private readonly options: PhoneHandlerOptions,
    private readonly files: PhoneFileRenderer,
  ) {
    this.history = new FetchHistory(deps);
    this.uploads = new DeviceUploads(deps, options.uploadLimits, this.history);
  }

  serve(req: PhoneHttpRequest, vendor: VendorAdapter, identity: RequestIdentity, source: string, userAgent: string): Promise<Decided> {
    // the state store unreachable (a shared database away): fail closed with a plain challenge, not counted against the phone
    return this.decide(req, vendor, identity, source, userAgent).catch(() => this.deny(undefined, false));
  }

  private async decide(
    req: PhoneHttpRequest,
    vendor: VendorAdapter,
    identity: RequestIdentity,
    source: string,
    userAgent: string,
  ): Promise<Decided> {
    const { deps } = this;
    const file = identity.file;
    const mac = file.mac;
    if (!mac) return this.deny({ reason: 'bad-path', source, file: file.name });
    const inventory = deps.inventory();
    const now = deps.now?.() ?? new Date();
    const decision = await authorize(
      {
        mac,
        method: req.method,
        uri: req.url,
        authorization: req.authorization,
        source,
        identity,
        pinSource: this.options.pinSource,
        macInUserAgent: vendor.macInUserAgent === true,
      },
      inventory,
      deps.store,
      deps.nonces,
      now,
    );
    const refuse = (d: Extract<AuthDecision, { ok: false }>): PhoneHttpResponse => {
      if (d.ban) deps.guard.banNow(source);
      const banned = d.weight !== 'none' && deps.guard.deny(source, d.weight);
      // the event work waits until the answer is out: it depends on the MAC (an unknown MAC's event; a known device's
      // challenge ledger and, when it repeats, a look at its history) and the answer's timing must not (no existence
      // oracle). Events of a refusal are therefore recorded a moment after the 401.
      setImmediate(async () => {
        try {
          if (d.reason !== 'not-enrolled') deps.events.emit({ reason: d.reason, source, mac, file: file.name, detail: userAgent });
          else
            await followUpChallenge(
              { store: deps.store, events: deps.events, challenges: this.challenges },
              mac,
              source,
              file.name,
              userAgent,
              now,
            );
        } catch {
          // the store could not answer the history look-up: the refusal stands, only its event is missing
        }
        if (banned) deps.events.emit({ reason: 'banned', source, mac, file: file.name, detail: `after ${d.reason}` });
      });
      return this.deny(undefined, d.stale);
    };
    if (!decision.ok) return refuse(decision);
    // in a cluster the count is the primary's to grant: the file leaves only once this use of the nonce is the first
    const use = decision.nonceUse;
    if (use && deps.claimNonce) {
      let granted: boolean;
      try {
        granted = await deps.claimNonce(use.nonce, use.count);
      } catch {
        // no answer (the shared database unreachable): fail closed with a plain challenge, not counted against the phone
        return this.deny(undefined, false);
      }
      if (!granted) return refuse({ ok: false, reason: 'replayed-nonce', weight: 'failure' });
    }
    return this.serveAuthorized(req, vendor, identity, source, userAgent, decision, now);
  }

  private async serveAuthorized(
    req: PhoneHttpRequest,
    vendor: VendorAdapter,
    identity: RequestIdentity,
    source: string,
    userAgent: string,
    decision: Extract<AuthDecision, { ok: true }>,
    now: Date,
  ): Promise<Decided> {
    const { deps } = this;
    const file = identity.file;
    const mac = file.mac!;
    const inventory = deps.inventory();
    const device = decision.device;
    if (device.vendor !== vendor.id)
      return this.deny({ reason: 'model-mismatch', source, mac, file: file.name, detail: `inventory vendor ${device.vendor}` });
    const policy = inventory.policyFor(device);
    if (req.method === 'PUT') {
      const resolved = inventory.resolve(mac, decision.credentials);
      if (!resolved) return this.deny({ reason: 'unknown-mac', source, mac, file: file.name });
      return this.uploads.accept({ vendor, identity, device: resolved, policy, source, userAgent, auth: decision.method });
    }
    if (decision.method === 'enrolment' && !(await this.history.graceLeft(mac))) {
      if (deps.guard.deny(source, 'challenge'))
        deps.events.emit({ reason: 'banned', source, mac, file: file.name, detail: 'after not-enrolled' });
      return this.deny({
        reason: 'not-enrolled',
        source,
        mac,
        file: file.name,
        detail: `enrolment grace used up (${ENROLMENT_GRACE_FETCHES} fetches); ${userAgent}`,
      });
    }
    const version = deviceRenderVersion(inventory.version, decision.credentials);
    const served = this.files.render(
      vendor,
      file,
      settingsModel(device),
      identity.firmware,
      policy,
      { mac, resolve: () => inventory.resolve(mac, decision.credentials) },
      version,
      mac,
      undefined,
      paramValues(inventory.paramsFor(device)),
    );
    if (!('sha256' in served)) return served;
    if (decision.method === 'enrolment') {
      const enrolment = await deps.store.enrolment(mac);
      if (!enrolment?.closedAt) {
        // committed before the file leaves: the next request, to any process, finds the window closed. The phone's own
        // next fetches, which may arrive while the commit runs, count against the grace from now.
        const closed = deps.store.closeEnrolment(mac, source, now);
        this.history.startGrace(mac);
        await closed;
        // the enrolling address and User-Agent: what a later enrolment-conflict names
        deps.events.emit({ reason: 'enrolment-closed', source, mac, file: file.name, detail: userAgent });
      }
    }
    if (decision.method === 'digest') deps.guard.refund(source);
    this.challenges.answered(mac, source);
    if (decision.newCredentialsUsed) await deps.store.confirmCredentials(mac);
    const recorded = this.history.record(mac, source, userAgent, file.name, served.sha256, decision.method, 200);
    if (recorded) {
      try {
        await recorded;
      } catch {
        // the delivery could not be recorded in the shared database: not served, the phone tries again
        return this.deny(undefined, false);
      }
    }
    return fileResponse(req, served, true);
  }

  /** The one answer for unknown, disabled, denied and not-enrolled alike: no existence oracle. */
  private deny(event?: EventInput, stale = false): PhoneHttpResponse {
    if (event) this.deps.events.emit(event);
    return textResponse(401, 'Unauthorized\n', { 'www-authenticate': this.deps.nonces.challenge(stale), 'cache-control': 'no-store' });
  }
}
