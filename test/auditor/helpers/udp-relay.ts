/**
 * A UDP relay on loopback in front of a real peer (SIP peer, SNMP agent): records when each datagram from a client
 * arrives, forwards it, and sends the peer's answer back after `delayMs` — from the relay's own address, or from
 * `replyFrom` (another loopback address) to play an agent that answers from the wrong source.
 */
import dgram from 'node:dgram';
import { assertLoopback } from './net.js';

export interface UdpRelayOptions {
  host: string;
  port?: number;
  to: { host: string; port: number };
  delayMs?: number;
  replyFrom?: string;
}

export interface UdpRelay {
  port: number;
  /** performance.now() of every datagram received from a client */
  arrivals: number[];
  close(): Promise<void>;
}

const bind = (s: dgram.Socket, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve();
    });
  });

export async function udpRelay(opts: UdpRelayOptions): Promise<UdpRelay> {
  assertLoopback(opts.host);
  assertLoopback(opts.to.host);
  const front = dgram.createSocket('udp4');
  const answerer = opts.replyFrom ? dgram.createSocket('udp4') : front;
  const backs = new Map<string, dgram.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const arrivals: number[] = [];
  let closed = false;
  for (const s of [front, answerer]) s.on('error', () => undefined);
  front.on('message', (msg, client) => {
    arrivals.push(performance.now());
    const key = `${client.address}:${client.port}`;
    let back = backs.get(key);
    if (!back) {
      const b = dgram.createSocket('udp4');
      b.on('error', () => undefined);
      b.on('message', (reply) => {
        const send = () => {
          if (!closed) answerer.send(reply, client.port, client.address);
        };
        if (!opts.delayMs) return send();
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, opts.delayMs);
        timers.add(t);
      });
      backs.set(key, b);
      back = b;
    }
    back.send(msg, opts.to.port, opts.to.host);
  });
  await bind(front, opts.port ?? 0, opts.host);
  if (opts.replyFrom) {
    assertLoopback(opts.replyFrom);
    await bind(answerer, 0, opts.replyFrom);
  }
  return {
    port: front.address().port,
    arrivals,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      const sockets = [front, ...(answerer === front ? [] : [answerer]), ...backs.values()];
      await Promise.all(
        sockets.map(
          (s) =>
            new Promise<void>((resolve) => {
              try {
                s.close(() => resolve());
              } catch {
                resolve();
              }
            }),
        ),
      );
    },
  };
}
