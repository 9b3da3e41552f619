/** Hostile peers for robustness tests, loopback only: an HTTP server that never answers, one that streams forever, garbage SNMP. */
import net from 'node:net';
import { assertLoopback, udpResponder } from './net.js';

export interface Peer {
  port: number;
  close(): Promise<void>;
}

async function listen(server: net.Server, host: string, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** Accepts connections and reads requests, but never sends a byte. */
export async function silentHttp(host: string, port = 0): Promise<Peer> {
  assertLoopback(host);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('data', () => {});
  });
  return { port: await listen(server, host, port), close: closer(server, sockets) };
}

/** Answers 200 and streams `totalBytes` of body as fast as the reader takes it. */
export async function streamingHttp(
  host: string,
  totalBytes: number,
  port = 0,
  server = 'hostile',
): Promise<Peer & { sent: () => number }> {
  assertLoopback(host);
  const sockets = new Set<net.Socket>();
  let sent = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => {
      s.write(`HTTP/1.1 200 OK\r\nServer: ${server}\r\nContent-Type: text/html\r\nContent-Length: ${totalBytes}\r\n\r\n<title>`);
      const pump = () => {
        while (sent < totalBytes && !s.destroyed) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
  });
  return { port: await listen(srv, host, port), close: closer(srv, sockets), sent: () => sent };
}

/** Sends a response whose headers never end. */
export async function endlessHeadersHttp(host: string): Promise<Peer> {
  assertLoopback(host);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => {
      s.write('HTTP/1.1 200 OK\r\n');
      for (let i = 0; i < 2000 && !s.destroyed; i++) s.write(`X-Junk-${i}: ${'x'.repeat(100)}\r\n`);
    });
  });
  return { port: await listen(server, host), close: closer(server, sockets) };
}

/** Replies to every SNMP request with bytes that are not BER. */
export async function garbageSnmp(host: string, port = 0): Promise<Peer & { hits: () => number }> {
  return udpResponder(host, () => Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62]), port);
}

/** Answers every datagram on the SIP port with bytes that are not SIP. */
export async function malformedSip(host: string, port = 0): Promise<Peer & { hits: () => number }> {
  return udpResponder(host, () => Buffer.from('SIP/2.0 200 OK\r\nthis line has no colon\r\n\x1b[2J\r\n\r\n'), port);
}
