/**
 * What the provisioning server answers a phone: admit the source, check the path and User-Agent, identify the file,
 * then serve a file shared by all phones here (a vendor's stock file from server.stockFiles among them), or hand a device's own file or upload to DeviceFileServer (authorize →
 * render → reply → record). Framework-neutral (a request in, a response out) so the same decisions run behind fastify's
 * router and behind the lean GET/HEAD path that serves boot storms (app.ts).
 */
import { paramValues } from '../model/params-guard.js';
import type { RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import { identifyRequest } from './identify.js';
import { fileNameFromUrl, userAgentProblem } from './request-checks.js';
import {
  fileResponse,
  REJECT_TEXT,
  textResponse,
  tooLarge,
  type PendingUpload,
  type PhoneHttpRequest,
  type PhoneHttpResponse,
} from './phone-http.js';
import { PhoneFileRenderer } from './phone-render.js';
import type { PhoneHandlerOptions, ProvisioningDeps } from './provisioning-deps.js';
import type { EventInput } from './event-log.js';
import { DeviceFileServer } from './device-file-server.js';
import { servedStock } from './stock-files.js';
import { throttledBySource } from './throttled-events.js';

/** how often one source's claims of one MAC become an event */
const CLAIM_EVENT_MS = 10 * 60_000;
/** source and MAC pairs remembered (oldest forgotten first): a 20,000-phone site's boot storm fits */
const CLAIM_PAIRS = 25_000;

interface Claim {
  source: string;
  mac: string;
  file: string;
  userAgent: string;
}

type Decided = PhoneHttpResponse | PendingUpload;

export class PhoneHandler {
  private readonly files: PhoneFileRenderer;
  private readonly deviceFiles: DeviceFileServer;
  /**
   * A MAC in the User-Agent of an unauthenticated request is a claim anyone can make: an event, never the device's
   * history (which says where the phone is and what it runs). A phone names its MAC on every shared file of every boot,
   * so one source's claims of one MAC are one event per CLAIM_EVENT_MS, counting the rest; recorded after the answer.
   */
  private readonly claim = throttledBySource<Claim>(
    (_pair, detail, c) =>
      setImmediate(() => this.deps.events.emit({ reason: 'unauthenticated-claim', source: c.source, mac: c.mac, file: c.file, detail })),
    (c, since) => (since ? `${c.userAgent} (+${since} more claims of this MAC from this address since the last event)` : c.userAgent),
    { everyMs: CLAIM_EVENT_MS, maxSources: CLAIM_PAIRS, now: () => this.deps.now?.().getTime() ?? Date.now() },
  );

  constructor(
    private readonly deps: ProvisioningDeps,
    private readonly options: PhoneHandlerOptions,
    private readonly tls: boolean,
  ) {
    this.files = new PhoneFileRenderer(deps);
    this.deviceFiles = new DeviceFileServer(deps, options, this.files);
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
    const refused = this.notAdmitted(source);
    if (refused) return refused;
    const fileName = fileNameFromUrl(req.url);
    if (!fileName) return this.refuseCounted(400, { reason: 'bad-path', source, file: req.url });
    const uaProblem = userAgentProblem(req.userAgent);
    if (uaProblem) {
      const event: EventInput = { reason: 'bad-user-agent', source, file: fileName, detail: uaProblem };
      // an oversized or control-character User-Agent is no phone's; a missing one is only not counted toward a ban
      return req.userAgent ? this.refuseCounted(400, event) : this.reject(400, event);
    }
    const userAgent = req.userAgent!;
    const method = req.method as 'GET' | 'HEAD' | 'PUT';
    const found = identifyRequest(deps.vendors, { fileName, method, userAgent });
    if (!found && method !== 'PUT') {
      const stock = deps.stockFiles?.().get(fileName);
      if (stock) {
        if (!this.tls && !this.options.allowPlainHttp) return this.reject(403, { reason: 'plain-http-refused', source, file: fileName });
        return fileResponse(req, servedStock(stock), false);
      }
    }
    if (!found || found.identity.file.upload !== (method === 'PUT')) {
      return this.reject(method === 'PUT' ? 405 : 404, { reason: 'unknown-file', source, file: fileName, detail: userAgent });
    }
    const { vendor, identity } = found;
    if (!this.tls && !this.options.allowPlainHttp) return this.reject(403, { reason: 'plain-http-refused', source, file: fileName });
    if (!identity.file.secret && !identity.file.upload) return this.serveShared(req, vendor, identity, source, userAgent);
    if (!this.tls && identity.file.secret) return this.reject(403, { reason: 'plain-http-refused', source, file: fileName });
    return this.deviceFiles.serve(req, vendor, identity, source, userAgent);
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
      identity.file.kind === 'boot' ? this.deps.stockFiles?.().presentFor(vendor) : undefined,
    );
    if (!('sha256' in served)) return served;
    // known and unknown MACs alike
    const mac = identity.uaMac;
    if (mac) this.claim(`${source} ${mac}`, { source, mac, file: identity.file.name, userAgent });
    return fileResponse(req, served, false);
  }

  /**
   * A method phones never send (anything but GET, HEAD and PUT: TRACE, OPTIONS, POST, PROPFIND…): 405 with the `Allow`
   * header RFC 9110 §15.5.6 requires, decided from the request line alone — its body is never read —, and counted
   * toward the source's ban like any refusal no phone causes.
   */
  refuseMethod(req: Pick<PhoneHttpRequest, 'ip' | 'method' | 'url'>): PhoneHttpResponse {
    const refused = this.notAdmitted(req.ip);
    if (refused) return refused;
    const answer = this.refuseCounted(405, { reason: 'malformed-request', source: req.ip, file: req.url, detail: `method ${req.method}` });
    answer.headers.allow = 'GET, HEAD, PUT';
    return answer;
  }

  /** A refusal no phone's own request causes (a hostile path, no User-Agent, a foreign method): counted toward a ban. */
  private refuseCounted(status: 400 | 405, event: EventInput): PhoneHttpResponse {
    const answer = this.reject(status, event);
    if (event.source) this.countTowardBan(event.source, event.reason);
    return answer;
  }

  /** One refusal no phone causes, from `source`, counted toward its ban; the `banned` event when it tips it. */
  countTowardBan(source: string, reason: string): void {
    if (this.deps.guard.deny(source, 'challenge')) this.deps.events.emit({ reason: 'banned', source, detail: `after ${reason}` });
  }

  /** The answer to a source the guard does not admit now (rate-limited or banned); undefined when it is admitted. */
  private notAdmitted(source: string): PhoneHttpResponse | undefined {
    const verdict = this.deps.guard.admit(source);
    if (verdict === 'rate-limited') return textResponse(429, 'Too Many Requests\n', { 'retry-after': '5' });
    if (verdict !== 'ok') return textResponse(403, 'Forbidden\n');
    return undefined;
  }

  private reject(status: 400 | 403 | 404 | 405, event: EventInput): PhoneHttpResponse {
    this.deps.events.emit(event);
    return textResponse(status, REJECT_TEXT[status]!);
  }
}
