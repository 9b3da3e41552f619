/**
 * How a test's phone reaches the provisioning server: through fastify's router in-process (inject), or over a real
 * HTTPS socket bound to the phone's own 127.x source address (the path phones take at boot).
 */
import { connect } from 'node:tls';
import { Client } from 'undici';
import type { Runtime } from '../../src/app/runtime.js';

export interface PhoneRequestSpec {
  /** what phones send, or a method a scanner tries */
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'OPTIONS' | 'DELETE' | 'TRACE' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface PhoneReply {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Transport {
  name: string;
  started(runtime: Runtime): Promise<void>;
  send(runtime: Runtime, address: string, req: PhoneRequestSpec): Promise<PhoneReply>;
  close(runtime: Runtime): Promise<void>;
}

export const routerTransport: Transport = {
  name: 'fastify router',
  started: async () => {},
  async send(runtime, address, req) {
    const res = await runtime.app.inject({
      method: req.method as 'GET', // light-my-request sends any method; its type names fewer than HTTP has (no TRACE)
      url: req.url,
      payload: req.payload,
      headers: req.headers,
      remoteAddress: address,
    });
    // a refusal's events are recorded just after its answer (phone-handler.ts): let that run, as a socket's round trip does
    await new Promise((done) => setImmediate(done));
    return { statusCode: res.statusCode, headers: res.headers as PhoneReply['headers'], body: res.body };
  },
  close: async () => {},
};

/** One keep-alive client per (server, source address), as each phone holds its own connection. */
export function socketTransport(): Transport {
  const origins = new Map<Runtime, string>();
  const clients = new Map<string, Client>();
  return {
    name: 'HTTPS socket',
    async started(runtime) {
      const [url] = await runtime.listen('127.0.0.1', 0);
      origins.set(runtime, url!);
    },
    async send(runtime, address, req) {
      const origin = origins.get(runtime)!;
      if (Object.values(req.headers).some((v) => /[\u0000-\u0008\u000a-\u001f\u007f]/.test(v))) return rawExchange(origin, address, req);
      const key = `${origin}|${address}`;
      let client = clients.get(key);
      if (!client)
        clients.set(key, (client = new Client(origin, { localAddress: address, connect: { rejectUnauthorized: false }, pipelining: 1 })));
      const res = await client.request({ method: req.method, path: req.url, headers: req.headers, body: req.payload });
      return { statusCode: res.statusCode, headers: res.headers, body: await res.body.text() };
    },
    async close(runtime) {
      const origin = origins.get(runtime);
      for (const [key, client] of clients) {
        if (key.startsWith(`${origin}|`)) {
          clients.delete(key);
          await client.close();
        }
      }
    },
  };
}

/** For requests no HTTP client library will send (control characters in headers): written by hand, read to the end. */
function rawExchange(origin: string, address: string, req: PhoneRequestSpec): Promise<PhoneReply> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const options = { host: hostname, port: Number(port), localAddress: address, rejectUnauthorized: false }; // net.connect takes localAddress
    const socket = connect(options, () => {
      const lines = [
        `${req.method} ${req.url} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`),
        'Connection: close',
      ];
      socket.end(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const [status = '', ...fields] = head.split('\r\n');
      const headers = Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf(':')).toLowerCase(), f.slice(f.indexOf(':') + 1).trim()]));
      resolve({ statusCode: Number(status.split(' ')[1]), headers, body });
    });
  });
}
