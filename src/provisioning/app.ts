/** The phone-facing fastify app: identify → authorize → resolve policy → render → reply → record. Built without listening. */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Inventory } from '../model/inventory.js';
import { isGhostguardError } from '../model/errors.js';
import type { FileRef, RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import type { Store } from '../store/store.js';
import type { AbuseGuard } from './abuse-guard.js';
import { authorize } from './authorize.js';
import type { NonceAuthority } from './digest.js';
import type { EventLog } from './event-log.js';
import { identifyRequest } from './identify.js';
import { analyseOverride } from './override-upload.js';
import { deviceRenderVersion, type RenderService, type ServedFile } from './render-service.js';
import { fileNameFromUrl, userAgentProblem } from './request-checks.js';

export interface ProvisioningDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  store: Store;
  events: EventLog;
  guard: AbuseGuard;
  nonces: NonceAuthority;
  renderer: RenderService;
  now?: () => Date;
}

export interface ProvisioningOptions {
  https?: { cert: string | Buffer; key: string | Buffer };
  logger?: boolean;
  /** serve files without secrets over plain HTTP */
  allowPlainHttp: boolean;
  pinSource: 'none' | 'address' | 'subnet';
}

const UPLOAD_LIMIT = 1024 * 1024;

export function buildProvisioningApp(deps: ProvisioningDeps, options: ProvisioningOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ? { redact: ['req.headers.authorization'] } : false,
    bodyLimit: UPLOAD_LIMIT,
    return503OnClosing: true,
    ...(options.https ? { https: options.https } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: UPLOAD_LIMIT }, (_req, body, done) => done(null, body));
  const handler = new RequestHandler(deps, options, Boolean(options.https));
  app.route({ method: ['GET', 'HEAD', 'PUT'], url: '/*', handler: (req, reply) => handler.handle(req, reply) });
  return app;
}

class RequestHandler {
  private readonly firmwareWarned = new Set<string>();

  constructor(private readonly deps: ProvisioningDeps, private readonly options: ProvisioningOptions, private readonly tls: boolean) {}

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { deps } = this;
    const source = req.ip;
    const verdict = deps.guard.admit(source);
    if (verdict !== 'ok') {
      if (verdict === 'rate-limited') return void reply.code(429).header('retry-after', '5').type('text/plain').send('Too Many Requests\n');
      return void reply.code(403).type('text/plain').send('Forbidden\n');
    }
    const fileName = fileNameFromUrl(req.url);
    if (!fileName) return this.reject(reply, 400, { reason: 'bad-path', source, file: req.url });
    const uaProblem = userAgentProblem(req.headers['user-agent']);
    if (uaProblem) return this.reject(reply, 400, { reason: 'bad-user-agent', source, file: fileName, detail: uaProblem });
    const userAgent = req.headers['user-agent']!;
    const method = req.method as 'GET' | 'HEAD' | 'PUT';
    const found = identifyRequest(deps.vendors, { fileName, method, userAgent });
    if (!found || found.identity.file.upload !== (method === 'PUT')) {
      return this.reject(reply, method === 'PUT' ? 405 : 404, { reason: 'unknown-file', source, file: fileName, detail: userAgent });
    }
    const { vendor, identity } = found;
    if (!identity.file.secret && !identity.file.upload) return this.serveShared(req, reply, vendor, identity, source, userAgent);
    if (!this.tls && !this.options.allowPlainHttp) return this.reject(reply, 403, { reason: 'plain-http-refused', source, file: fileName });
    if (!this.tls && identity.file.secret) return this.reject(reply, 403, { reason: 'plain-http-refused', source, file: fileName });
    return this.serveSecret(req, reply, vendor, identity, source, userAgent);
  }

  private serveShared(req: FastifyRequest, reply: FastifyReply, vendor: VendorAdapter, identity: RequestIdentity, source: string, userAgent: string): void {
    if (!this.tls && !this.options.allowPlainHttp) return this.reject(reply, 403, { reason: 'plain-http-refused', source, file: identity.file.name });
    const inventory = this.deps.inventory();
    const model = identity.file.model ?? identity.model ?? '';
    const served = this.render(reply, vendor, identity.file, model, identity.firmware, inventory.sharedPolicy(model), undefined, String(inventory.version));
    if (!served) return;
    const mac = identity.uaMac;
    if (mac && inventory.device(mac)) this.record(mac, source, userAgent, identity.file.name, served.sha256, 'none', 200);
    this.send(req, reply, served);
  }

  private serveSecret(req: FastifyRequest, reply: FastifyReply, vendor: VendorAdapter, identity: RequestIdentity, source: string, userAgent: string): void {
    const { deps } = this;
    const file = identity.file;
    const mac = file.mac;
    if (!mac) return this.deny(reply, { reason: 'bad-path', source, file: file.name });
    const inventory = deps.inventory();
    const now = deps.now?.() ?? new Date();
    const decision = authorize({ mac, method: req.method, uri: req.url, authorization: req.headers.authorization, source, identity, pinSource: this.options.pinSource },
      inventory, deps.store, deps.nonces, now);
    if (!decision.ok) {
      if (decision.ban) deps.guard.banNow(source);
      const banned = decision.weight !== 'none' && deps.guard.deny(source, decision.weight);
      deps.events.emit({ reason: decision.reason, source, mac, file: file.name, detail: userAgent });
      if (banned) deps.events.emit({ reason: 'banned', source, mac, file: file.name, detail: `after ${decision.reason}` });
      return this.deny(reply, undefined, decision.stale);
    }
    const device = decision.device;
    if (device.vendor !== vendor.id) return this.deny(reply, { reason: 'model-mismatch', source, mac, file: file.name, detail: `inventory vendor ${device.vendor}` });
    const policy = inventory.policyFor(inventory.device(mac)!);
    if (req.method === 'PUT') return this.acceptUpload(req, reply, vendor, identity, device, policy, source, userAgent, decision.method);
    const version = deviceRenderVersion(inventory.version, deps.store.credentials(mac));
    const served = this.render(reply, vendor, file, device.model, identity.firmware, policy, device, version, mac);
    if (!served) return;
    if (decision.method === 'enrolment') {
      const enrolment = deps.store.enrolment(mac);
      if (!enrolment?.closedAt) {
        deps.store.closeEnrolment(mac, source, now);
        deps.events.emit({ reason: 'enrolment-closed', source, mac, file: file.name });
      }
    }
    if (decision.method === 'digest') deps.guard.refund(source);
    if (decision.newCredentialsUsed) deps.store.confirmCredentials(mac);
    this.record(mac, source, userAgent, file.name, served.sha256, decision.method, 200);
    reply.header('cache-control', 'no-store');
    this.send(req, reply, served);
  }

  private acceptUpload(req: FastifyRequest, reply: FastifyReply, vendor: VendorAdapter, identity: RequestIdentity, device: NonNullable<ReturnType<Inventory['resolve']>>,
    policy: ReturnType<Inventory['policyFor']>, source: string, userAgent: string, auth: 'digest' | 'enrolment'): void {
    const body = typeof req.body === 'string' ? req.body : '';
    const file = identity.file;
    if (file.kind === 'override') {
      let weakened: string[];
      try {
        weakened = analyseOverride(vendor, device, policy, identity.firmware, body).weakened;
      } catch (err) {
        return this.reject(reply, 400, { reason: 'bad-upload', source, mac: device.mac, file: file.name, detail: (err as Error).message });
      }
      this.deps.store.saveOverride({ ts: new Date().toISOString(), mac: device.mac, file: file.name, body, weakened });
      if (weakened.length > 0) this.deps.events.emit({ reason: 'weakening-override', source, mac: device.mac, file: file.name, detail: weakened.join('; ') });
    }
    this.record(device.mac, source, userAgent, file.name, '', auth, 204);
    reply.code(204).send();
  }

  private render(reply: FastifyReply, vendor: VendorAdapter, file: FileRef, model: string, firmware: string | undefined,
    policy: ReturnType<Inventory['policyFor']>, device: ReturnType<Inventory['resolve']>, version: string, mac?: string): ServedFile | undefined {
    try {
      const served = this.deps.renderer.render({ vendor, file, model, firmware, policy, device, version });
      if (served.rendered.family.guessed) this.warnFirmware(vendor, model, firmware, mac);
      return served;
    } catch (err) {
      const detail = isGhostguardError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
      this.deps.events.emit({ reason: 'policy-violating-render', mac, file: file.name, detail });
      reply.code(500).type('text/plain').send('Internal Server Error\n');
      return undefined;
    }
  }

  private warnFirmware(vendor: VendorAdapter, model: string, firmware: string | undefined, mac?: string): void {
    const key = `${vendor.id}|${model}|${firmware}`;
    if (this.firmwareWarned.has(key) || this.firmwareWarned.size > 10_000) return;
    this.firmwareWarned.add(key);
    this.deps.events.emit({ reason: 'firmware-unknown', mac, detail: `${vendor.id} ${model} firmware ${firmware ?? '(none)'}: newest known family assumed` });
  }

  private send(req: FastifyRequest, reply: FastifyReply, served: ServedFile): void {
    reply.header('etag', served.etag).type(served.contentType);
    if (req.headers['if-none-match'] === served.etag) return void reply.code(304).send();
    if (req.method === 'HEAD') return void reply.header('content-length', served.body.length).send();
    reply.send(served.body);
  }

  private record(mac: string, source: string, userAgent: string, file: string, sha256: string, auth: 'digest' | 'enrolment' | 'none', status: number): void {
    this.deps.store.recordFetch({ ts: new Date().toISOString(), mac, source, userAgent: userAgent.slice(0, 200), file, sha256, auth, status });
  }

  /** The one answer for unknown, disabled, denied and not-enrolled alike: no existence oracle. */
  private deny(reply: FastifyReply, event?: Parameters<EventLog['emit']>[0], stale = false): void {
    if (event) this.deps.events.emit(event);
    reply.code(401).header('www-authenticate', this.deps.nonces.challenge(stale)).header('cache-control', 'no-store').type('text/plain').send('Unauthorized\n');
  }

  private reject(reply: FastifyReply, status: 400 | 403 | 404 | 405, event: Parameters<EventLog['emit']>[0]): void {
    this.deps.events.emit(event);
    const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed' }[status];
    reply.code(status).type('text/plain').send(`${text}\n`);
  }
}
