/** A webhook receiver on 127.0.0.1 for tests: records every request and answers from a script (status codes, or hang). */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number | 'hang';
  /** when it arrived (Date.now()) */
  at: number;
}

export type Answer = number | 'hang' | { status: number; headers: Record<string, string> };

export class Receiver {
  readonly received: Received[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly script: Answer[],
    private readonly otherwise: Answer,
  ) {}

  /** Answers the n-th request with script[n], then `otherwise` (default 200). */
  static async start(script: Answer[] = [], otherwise: Answer = 200): Promise<Receiver> {
    let receiver!: Receiver;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = receiver.script[receiver.received.length] ?? receiver.otherwise;
        const status = typeof answer === 'object' ? answer.status : answer;
        receiver.received.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
          at: Date.now(),
        });
        if (status === 'hang') return; // never answers; the client must time out
        res
          .writeHead(status, { 'content-type': 'text/plain', ...(typeof answer === 'object' ? answer.headers : {}) })
          .end(status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const { port } = server.address() as AddressInfo;
    receiver = new Receiver(server, `http://127.0.0.1:${port}/hooks/ghostguard?token=path-secret-123`, script, otherwise);
    return receiver;
  }

  /** resolves once `count` requests have arrived (or rejects after `ms`) */
  async waitFor(count: number, ms = 20_000): Promise<Received[]> {
    const until = Date.now() + ms;
    while (this.received.length < count) {
      if (Date.now() > until) throw new Error(`expected ${count} webhook request(s), got ${this.received.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.received;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
