/** The emulated phone's web server on <ip>:<port>: HTTP or HTTPS, bounded bodies and timeouts, the vendor's handler behind it. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { LabTls } from './lab-tls.js';
import type { VendorLab, VendorWeb, WebContext, WebRequest, WebResponse } from '../model/vendor-lab.js';
import { assertLoopback, isLoopbackV4 } from './loopback.js';
import { GhostguardError } from '../model/errors.js';

const MAX_BODY = 64 * 1024;

export class WebInterface {
  private server: Server | undefined;
  private readonly web: VendorWeb;

  /** `web`: the vendor's handler (its lab capability); `tls`: serve HTTPS with it; without, plain HTTP */
  constructor(
    private readonly ctx: WebContext,
    web: VendorLab['web'],
    readonly port: number,
    private readonly tls?: LabTls,
  ) {
    assertLoopback(ctx.ip, 'web address');
    this.web = web(ctx);
  }

  async start(): Promise<void> {
    const limits = { keepAliveTimeout: 1000, headersTimeout: 5000, requestTimeout: 10_000 };
    const onRequest = (req: IncomingMessage, res: ServerResponse) => void this.onRequest(req, res);
    const server: Server = this.tls
      ? createTlsServer({ ...limits, ...this.tls, handshakeTimeout: 5000 }, onRequest)
      : createServer(limits, onRequest);
    server.maxConnections = 64;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.ctx.ip, port: this.port, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new GhostguardError('GG_ERR_LAB_LISTEN', `${this.tls ? 'HTTPS' : 'HTTP'} ${this.ctx.ip}:${this.port}: ${err.message}`);
    });
    server.on('error', () => undefined);
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const source = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (!isLoopbackV4(source)) return void res.destroy();
    const body = await readBody(req);
    if (body === undefined) return void send(res, 413, this.web.server, { 'content-type': 'text/plain' }, 'Payload Too Large\n');
    const url = new URL(req.url ?? '/', 'http://phone.invalid');
    const request: WebRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      source,
    };
    let answer: WebResponse;
    try {
      answer = this.web.handle(request);
    } catch {
      answer = { status: 500, headers: { 'content-type': 'text/plain' }, body: 'Internal Server Error\n' };
    }
    send(res, answer.status, this.web.server, answer.headers ?? {}, answer.body ?? '');
  }
}

function send(
  res: ServerResponse,
  status: number,
  server: string | undefined,
  headers: Record<string, string | string[]>,
  body: string,
): void {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  if (server) res.setHeader('server', server);
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}
