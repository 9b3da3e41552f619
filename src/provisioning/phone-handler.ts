/**
 * What the provisioning server answers a phone: identify → authorize → resolve policy → render → reply → record.
 * Framework-neutral (a request in, a response out) so the same decisions run behind fastify's router and behind the
 * lean GET/HEAD path that serves boot storms (app.ts).
 */
import type { ResolvedDevice } from '../model/config-types.js';
import { settingsModel, type Inventory } from '../model/inventory.js';
import { paramValues } from '../model/params-guard.js';
import type { Mac } from '../model/mac.js';
import type { RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import type { FetchRecord, Store } from '../store/store.js';
import type { AbuseGuard } from './abuse-guard.js';
import { ENROLMENT_GRACE_FETCHES, authorize, type AuthDecision } from './authorize.js';
import { ChallengeLedger } from './challenge-ledger.js';
import type { NonceAuthority } from './digest.js';
import type { EventLog } from './event-log.js';
import { identifyRequest } from './identify.js';
import { analyseOverride, maskStoredSecrets } from './override-upload.js';
import { deviceRenderVersion, type RenderService } from './render-service.js';
import { fileNameFromUrl, userAgentProblem } from './request-checks.js';
import { followUpChallenge } from './challenge-follow-up.js';
import {
  fileResponse,
  REJECT_TEXT,
  textResponse,
  tooLarge,
  type PendingUpload,
  type PhoneHttpRequest,
  type PhoneHttpResponse,
  type UploadLimits,
} from './phone-http.js';

import { PhoneFileRenderer } from './phone-render.js';
export interface ProvisioningDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  store: Store;
  events: EventLog;
  guard: AbuseGuard;
  nonces: NonceAuthority;
  renderer: RenderService;
  now?: () => Date;
  /** every fetch as recorded (serve's log lines) */
  onFetch?: (record: FetchRecord) => void;
  /** `serve --workers`: claims a verified Digest nonce-count at the primary (nonce-cluster.ts); false is a replay */
  claimNonce?: (nonce: string, count: number) => Promise<boolean>;
}

type Policy = ReturnType<Inventory['policyFor']>;
type EventInput = Parameters<EventLog['emit']>[0];

export interface PhoneHandlerOptions {
  allowPlainHttp: boolean;
  pinSource: 'none' | 'address' | 'subnet';
  uploadLimits: UploadLimits;
}

type Decided = PhoneHttpResponse | PendingUpload;

export class PhoneHandler {
  private readonly files: PhoneFileRenderer;
  private readonly challenges = new ChallengeLedger();
  /** device files served inside the post-enrolment grace, per MAC (bounded: ENROLMENT_GRACE_FETCHES) */
  private readonly graceUses = new Map<string, number>();

  constructor(
    private readonly deps: ProvisioningDeps,
    private readonly options: PhoneHandlerOptions,
    private readonly tls: boolean,
  ) {
    this.files = new PhoneFileRenderer(deps);
  }

  /**
   * The answer to a request whose body, if any, is already in `req.body` (GET and HEAD; PUT through fastify's router);
   * a promise when the store must answer first (device files) or a Digest nonce-count must be claimed across the cluster.
   */
  handle(req: PhoneHttpRequest): PhoneHttpResponse | Promise<PhoneHttpResponse> {
    const finish = (answer: Decided): PhoneHttpResponse | Promise<PhoneHttpResponse> => {
      if (!('complete' in answer)) return answer;
      const body = req.body ?? '';
      return Buffer.byteLength(body) > answer.maxBytes ? tooLarge() : answer.complete(body);
    };
    const decided = this.handleUpload(req);
    return decided instanceof Promise ? decided.then(finish) : finish(decided);
  }

  /**
   * Decides a request from its headers alone: for a PUT that may go ahead, how much body to read and what to do with it
   * once read; any other answer is final and the body is never read (authentication before the body).
   */
  handleUpload(req: PhoneHttpRequest): Decided | Promise<Decided> {
    const { deps } = this;
    const source = req.ip;
    const verdict = deps.guard.admit(source);
    if (verdict === 'rate-limited') return textResponse(429, 'Too Many Requests\n', { 'retry-after': '5' });
    if (verdict !== 'ok') return textResponse(403, 'Forbidden\n');
    const fileName = fileNameFromUrl(req.url);
    if (!fileName) return this.reject(400, { reason: 'bad-path', source, file: req.url });
    const uaProblem = userAgentProblem(req.userAgent);
    if (uaProblem) return this.reject(400, { reason: 'bad-user-agent', source, file: fileName, detail: uaProblem });
    const userAgent = req.userAgent!;
    const method = req.method as 'GET' | 'HEAD' | 'PUT';
    const found = identifyRequest(deps.vendors, { fileName, method, userAgent });
    if (!found || found.identity.file.upload !== (method === 'PUT')) {
      return this.reject(method === 'PUT' ? 405 : 404, { reason: 'unknown-file', source, file: fileName, detail: userAgent });
    }
    const { vendor, identity } = found;
    if (!this.tls && !this.options.allowPlainHttp) return this.reject(403, { reason: 'plain-http-refused', source, file: fileName });
    if (!identity.file.secret && !identity.file.upload) return this.serveShared(req, vendor, identity, source, userAgent);
    if (!this.tls && identity.file.secret) return this.reject(403, { reason: 'plain-http-refused', source, file: fileName });
    return this.serveSecret(req, vendor, identity, source, userAgent);
  }

  private serveShared(
    req: PhoneHttpRequest,
    vendor: VendorAdapter,
    identity: RequestIdentity,
    source: string,
    userAgent: string,
  ): PhoneHttpResponse {
    const inventory = this.deps.inventory();
    const model = identity.file.model ?? identity.model ?? '';
    // a model neither the vendor nor the inventory knows is the request's doing, not a policy violation: refused before
    // any rendering (a model outside the catalogue that the inventory lists gets its family's shared files)
    if (model !== '' && !vendor.models.some((m) => m.id === model) && !inventory.listsModel(vendor.id, model))
      return this.files.unrenderable(source, identity.file.name, `${vendor.id} model ${model}`);
    const served = this.files.render(
      vendor,
      identity.file,
      model,
      identity.firmware,
      inventory.sharedPolicy(model),
      undefined,
      String(inventory.version),
      undefined,
      model === '' ? source : undefined,
      paramValues(inventory.sharedParams(model)),
    );
    if (!('sha256' in served)) return served;
    // A MAC in the User-Agent of an unauthenticated request is a claim anyone can make: an event, never the device's
    // history (which says where the phone is and what it runs). Known and unknown MACs alike, recorded after the answer.
    const mac = identity.uaMac;
    if (mac)
      setImmediate(() =>
        this.deps.events.emit({ reason: 'unauthenticated-claim', source, mac, file: identity.file.name, detail: userAgent }),
      );
    return fileResponse(req, served, false);
  }

  private async serveSecret(
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
      return this.acceptUpload(vendor, identity, resolved, policy, source, userAgent, decision.method);
    }
    if (decision.method === 'enrolment' && !(await this.graceLeft(mac))) {
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
        // committed before the file leaves: the next request, to any process, finds the window closed
        await deps.store.closeEnrolment(mac, source, now);
        this.graceUses.set(mac, 0);
        // the enrolling address and User-Agent: what a later enrolment-conflict names
        deps.events.emit({ reason: 'enrolment-closed', source, mac, file: file.name, detail: userAgent });
      }
    }
    if (decision.method === 'digest') deps.guard.refund(source);
    this.challenges.answered(mac, source);
    if (decision.newCredentialsUsed) await deps.store.confirmCredentials(mac);
    this.record(mac, source, userAgent, file.name, served.sha256, decision.method, 200);
    return fileResponse(req, served, true);
  }

  private acceptUpload(
    vendor: VendorAdapter,
    identity: RequestIdentity,
    device: ResolvedDevice,
    policy: Policy,
    source: string,
    userAgent: string,
    auth: 'digest' | 'enrolment',
  ): PendingUpload {
    const keepBody = identity.file.kind === 'override';
    const maxBytes = keepBody ? this.options.uploadLimits.overrideBytes : this.options.uploadLimits.logBytes;
    return { maxBytes, keepBody, complete: (body) => this.completeUpload(body, vendor, identity, device, policy, source, userAgent, auth) };
  }

  private async completeUpload(
    body: string,
    vendor: VendorAdapter,
    identity: RequestIdentity,
    device: ResolvedDevice,
    policy: Policy,
    source: string,
    userAgent: string,
    auth: 'digest' | 'enrolment',
  ): Promise<PhoneHttpResponse> {
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
    this.record(device.mac, source, userAgent, file.name, '', auth, 204);
    return { status: 204, headers: {} };
  }

  /** Counts a fetch by enrolment; false once the window closed and its grace fetches are used up. */
  private async graceLeft(mac: Mac): Promise<boolean> {
    if (!(await this.deps.store.enrolment(mac))?.closedAt) return true;
    const used = this.graceUses.get(mac) ?? ENROLMENT_GRACE_FETCHES;
    if (used >= ENROLMENT_GRACE_FETCHES) return false;
    this.graceUses.set(mac, used + 1);
    return true;
  }

  /** Fetch history: authenticated deliveries only. */
  private record(
    mac: string,
    source: string,
    userAgent: string,
    file: string,
    sha256: string,
    auth: 'digest' | 'enrolment',
    status: number,
  ): void {
    const record: FetchRecord = {
      ts: new Date().toISOString(),
      mac,
      source,
      userAgent: userAgent.length > 200 ? userAgent.slice(0, 200) : userAgent,
      file,
      sha256,
      auth,
      status,
    };
    // queued behind the phone path (recordFetch takes the record before it returns); a failed write is the store's to report
    this.deps.store.recordFetch(record).catch(() => {});
    this.deps.onFetch?.(record);
  }

  /** The one answer for unknown, disabled, denied and not-enrolled alike: no existence oracle. */
  private deny(event?: EventInput, stale = false): PhoneHttpResponse {
    if (event) this.deps.events.emit(event);
    return textResponse(401, 'Unauthorized\n', { 'www-authenticate': this.deps.nonces.challenge(stale), 'cache-control': 'no-store' });
  }

  private reject(status: 400 | 403 | 404 | 405, event: EventInput): PhoneHttpResponse {
    this.deps.events.emit(event);
    return textResponse(status, REJECT_TEXT[status]!);
  }
}
