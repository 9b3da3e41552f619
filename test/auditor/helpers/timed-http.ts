/**
 * An HTTP peer on loopback that logs when each TCP connection and each request arrives and answers after `delayMs`;
 * and an undici Agent that counts the requests the auditor hands it (client side: for ports nobody serves).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { assertLoopback } from './net.js';

export interface TimedHttpOptions {
  delayMs?: number;
  server?: string;
  body?: string;
  port?: number;
}

export interface TimedHttp {
  port: number;
  /** performance.now() of every accepted TCP connection (the auditor's bare connect included) */
  connections: number[];
  /** performance.now() and path of every HTTP request */
  requests: { at: number; method: string; path: string }[];
  close(): Promise<void>;
}

export async function timedHttp(host: string, opts: TimedHttpOptions = {}): Promise<TimedHttp> {
  assertLoopback(host);
  const connections: number[] = [];
  const requests: TimedHttp['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const srv = http.createServer((req, res) => {
    requests.push({ at: performance.now(), method: req.method ?? '', path: req.url ?? '' });
    const answer = () => {
      if (opts.server) res.setHeader('server', opts.server);
      res.setHeader('content-type', 'text/html');
      res.end(opts.body ?? '<html><head><title>Test device</title></head></html>');
    };
    if (!opts.delayMs) return answer();
    const t = setTimeout(() => {
      timers.delete(t);
      answer();
    }, opts.delayMs);
    timers.add(t);
  });
  srv.on('connection', (s: Socket) => {
    connections.push(performance.now());
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => srv.listen(opts.port ?? 0, host, resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    connections,
    requests,
    close: () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => srv.close(() => resolve()));
    },
  };
}

/** An undici Agent that counts dispatched requests. */
export class CountingAgent extends Agent {
  dispatched = 0;

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.dispatched++;
    return super.dispatch(options, handler);
  }
}
