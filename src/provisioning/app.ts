/**
 * The phone-facing fastify app. Every request is answered by the same PhoneHandler; GET and HEAD — what a boot storm
 * is made of — reach it straight from the HTTP server (fastify's serverFactory), everything else through fastify's
 * router, body parsing and logging. Built without listening.
 */
import {
  STATUS_CODES,
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ConnectionGate } from './connection-gate.js';
import { PhoneHandler } from './phone-handler.js';
import { acceptProxyProtocol, type ProxyProtocolOptions } from './proxy-listener.js';
import type { ProvisioningDeps } from './provisioning-deps.js';
import {
  DEFAULT_UPLOAD_LIMITS,
  type PendingUpload,
  type PhoneHttpRequest,
  type PhoneHttpResponse,
  type UploadLimits,
} from './phone-http.js';
import { DEFAULT_UPLOAD_BUDGET, UploadReader, type UploadBudget } from './upload-reader.js';

export type { ProvisioningDeps } from './provisioning-deps.js';

export interface ProvisioningOptions {
  https?: { cert: string | Buffer; key: string | Buffer };
  logger?: boolean;
  /** serve files without secrets over plain HTTP */
  allowPlainHttp: boolean;
  pinSource: 'none' | 'address' | 'subnet';
  /** connection caps and idle timeouts shared by every phone listener of the process */
  gate?: ConnectionGate;
  /** a connection without a request in progress is closed after this long (TLS handshake, headers, keep-alive) */
  idleMs?: number;
  /** per-file caps of PUT bodies */
  uploadLimits?: UploadLimits;
  /** PUT bodies held in memory by all connections together, and how long one may take */
  uploadBudget?: UploadBudget;
  /** the load balancers whose connections start with a PROXY header naming the phone */
  proxyProtocol?: Omit<ProxyProtocolOptions, 'timeoutMs'>;
}

const UPLOAD_LIMIT = 1024 * 1024;
/** a phone sends a request line and a few headers at once; silent and slow senders are cut off */
const IDLE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;

const header = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

export function buildProvisioningApp(deps: ProvisioningDeps, options: ProvisioningOptions): FastifyInstance {
  const handler = new PhoneHandler(
    deps,
    { ...options, uploadLimits: options.uploadLimits ?? DEFAULT_UPLOAD_LIMITS },
    Boolean(options.https),
  );
  const uploads = new UploadReader(options.uploadBudget ?? DEFAULT_UPLOAD_BUDGET, writeResponse);
  let closing = false;
  const app = Fastify({
    logger: options.logger ? { redact: ['req.headers.authorization'] } : false,
    bodyLimit: UPLOAD_LIMIT,
    return503OnClosing: true,
    // the server comes from serverFactory; fastify reads `https` only to name its listening URLs https://
    ...(options.https ? { https: options.https } : {}),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => refuseUnparsable(deps, handler, err, socket),
    serverFactory: () =>
      phoneServer(options, handler, (req, res, expectsContinue) => {
        const upload = req.method === 'PUT';
        if (!upload && req.method !== 'GET' && req.method !== 'HEAD')
          return uploads.refuse(req, res, handler.refuseMethod(requestOf(req, req.socket.remoteAddress ?? '')));
        const closed = {
          status: 503,
          headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close' },
          body: 'Service Unavailable\n',
        };
        if (closing) return upload ? uploads.refuse(req, res, closed) : writeResponse(res, closed);
        const failed = (err: unknown): PhoneHttpResponse => {
          if (options.logger) app.log.error({ err }, 'phone request failed');
          return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Internal Server Error\n' };
        };
        const answer = (decided: PhoneHttpResponse | PendingUpload): void => {
          if ('complete' in decided) uploads.read(req, res, decided, expectsContinue);
          else if (upload) uploads.refuse(req, res, decided);
          else writeResponse(res, decided);
        };
        let decided: PhoneHttpResponse | PendingUpload | Promise<PhoneHttpResponse | PendingUpload>;
        try {
          const request = requestOf(req, req.socket.remoteAddress ?? '');
          decided = upload ? handler.handleUpload(request) : handler.handle(request);
        } catch (err) {
          decided = failed(err);
        }
        // a promise for device files (the store answers first) and, in a cluster worker, while the primary grants a nonce-count
        if (decided instanceof Promise) decided.then(answer, (err: unknown) => answer(failed(err)));
        else answer(decided);
      }),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // the router's own 404 for any other method (app.inject): the same 405 the listener answers
  app.setNotFoundHandler((req, reply) => {
    const answer = handler.refuseMethod(requestOf(req.raw, req.ip));
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: UPLOAD_LIMIT }, (_req, body, done) => done(null, body));
  app.route({
    method: ['GET', 'HEAD', 'PUT'],
    url: '/*',
    handler: async (req, reply) => {
      const answer = await handler.handle({ ...requestOf(req.raw, req.ip), body: typeof req.body === 'string' ? req.body : undefined });
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
  });
  return app;
}

/** Requests the HTTP parser cannot read (control characters, bad framing) never reach a handler: answered and logged here. */
function refuseUnparsable(deps: ProvisioningDeps, handler: PhoneHandler, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const source = socket.remoteAddress ?? '';
  if (status !== 408 && deps.guard.admit(source) === 'ok') {
    deps.events.emit({ reason: 'malformed-request', source, detail: err.code ?? err.message });
    // no phone sends what the parser refuses (HPE_*; a socket error such as EPIPE is no request): counted toward the
    // source's ban like a hostile path
    if (err.code?.startsWith('HPE_')) handler.countTowardBan(source, 'malformed-request');
  }
  const body = `${STATUS_CODES[status]}\n`;
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy();
}

type PhoneListener = (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => void;

function phoneServer(options: ProvisioningOptions, handler: PhoneHandler, listener: PhoneListener): Server {
  const idleMs = options.idleMs ?? IDLE_MS;
  // the expiry of header and request timeouts is checked this often (Node's default: every 30 s)
  const http = { connectionsCheckingInterval: Math.min(1000, idleMs), requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: idleMs };
  const onRequest: RequestListener = (req, res) => listener(req, res, false);
  const server = options.https
    ? createHttpsServer({ ...http, cert: options.https.cert, key: options.https.key, handshakeTimeout: idleMs }, onRequest)
    : createHttpServer(http, onRequest);
  // `Expect: 100-continue`: the client sends its body only once the headers were accepted (UploadReader writes the 100)
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => listener(req, res, true));
  // CONNECT never reaches a request listener (Node closes it unanswered): refused like any other foreign method
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    const answer = handler.refuseMethod(requestOf(req, socket.remoteAddress ?? ''));
    const body = String(answer.body ?? '');
    const head = Object.entries({ ...answer.headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\n${head}\r\n${body}`);
  });
  server.keepAliveTimeout = idleMs;
  options.gate?.watch(server);
  // after the gate, so that the gate counts each connection under the phone's address the header names
  if (options.proxyProtocol) acceptProxyProtocol(server, { ...options.proxyProtocol, timeoutMs: idleMs });
  return server;
}

function requestOf(req: IncomingMessage, ip: string): PhoneHttpRequest {
  const h = req.headers;
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    ip,
    userAgent: h['user-agent'],
    authorization: h.authorization,
    ifNoneMatch: header(h['if-none-match']),
  };
}

function writeResponse(res: ServerResponse, answer: PhoneHttpResponse): void {
  const { body, headers } = answer;
  if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  res.writeHead(answer.status, headers);
  res.end(body);
}
