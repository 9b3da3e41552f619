/**
 * A connected UDP socket to one host:port. Connected, so an ICMP port-unreachable surfaces at once as ECONNREFUSED
 * instead of a timeout. Every wait is bounded; a flooding peer fills a small queue and the rest is dropped.
 */
import dgram from 'node:dgram';
import { errorText } from '../sanitize.js';
import type { Clock, PacketGate } from '../scheduler.js';

export type UdpSocketFactory = (type: 'udp4' | 'udp6') => dgram.Socket;

export const createUdpSocket: UdpSocketFactory = (type) => dgram.createSocket({ type });

export type Receive = { kind: 'datagram'; data: Buffer } | { kind: 'timeout' } | { kind: 'refused' } | { kind: 'error'; detail: string };

const MAX_QUEUE = 32;

/** The abort reason for ending a wait early: a constant, so a wake-up does not build (and capture a stack for) a DOMException. */
const WOKEN = Symbol('woken');

export class UdpChannel {
  private readonly queue: Buffer[] = [];
  private waiter: (() => void) | undefined;
  private refused = false;
  private failure: string | undefined;
  private closed = false;
  dropped = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly gate: PacketGate,
    private readonly clock: Clock,
  ) {
    socket.on('message', (msg) => {
      if (this.queue.length >= MAX_QUEUE) this.dropped++;
      else this.queue.push(msg);
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') this.refused = true;
      else this.failure = errorText(err);
      this.wake();
    });
  }

  /** Opens and connects; a failure to connect is a result, not a throw. */
  static async open(
    host: string,
    port: number,
    factory: UdpSocketFactory,
    gate: PacketGate,
    clock: Clock,
  ): Promise<UdpChannel | { error: string }> {
    let socket: dgram.Socket;
    try {
      socket = factory(host.includes(':') ? 'udp6' : 'udp4');
    } catch (err) {
      return { error: errorText(err) };
    }
    const channel = new UdpChannel(socket, gate, clock);
    const result = await new Promise<string | undefined>((resolve) => {
      const onError = (err: Error) => resolve(errorText(err));
      socket.once('error', onError);
      try {
        socket.connect(port, host, () => {
          socket.off('error', onError);
          resolve(undefined);
        });
      } catch (err) {
        resolve(errorText(err));
      }
    });
    if (result !== undefined) {
      channel.close();
      return { error: result };
    }
    return channel;
  }

  get local(): { host: string; port: number } {
    const a = this.socket.address();
    return { host: a.address, port: a.port };
  }

  async send(data: string | Buffer, signal?: AbortSignal): Promise<string | undefined> {
    await this.gate.beforePacket(signal);
    if (this.closed) return 'socket closed';
    return new Promise((resolve) => {
      try {
        this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, (err) => resolve(err ? errorText(err) : undefined));
      } catch (err) {
        resolve(errorText(err));
      }
    });
  }

  /** The next datagram, or why there is none, within `timeoutMs`. */
  async receive(timeoutMs: number, signal?: AbortSignal): Promise<Receive> {
    const deadline = this.clock.now() + timeoutMs;
    for (;;) {
      const data = this.queue.shift();
      if (data) return { kind: 'datagram', data };
      if (this.refused) {
        this.refused = false;
        return { kind: 'refused' };
      }
      if (this.failure) return { kind: 'error', detail: this.failure };
      const left = deadline - this.clock.now();
      if (left <= 0 || signal?.aborted || this.closed) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const ctrl = new AbortController();
        const stop = () => ctrl.abort(WOKEN);
        signal?.addEventListener('abort', stop, { once: true });
        this.waiter = stop;
        void this.clock.sleep(left, ctrl.signal).then(() => {
          signal?.removeEventListener('abort', stop);
          resolve();
        });
      });
      this.waiter = undefined;
    }
  }

  private wake(): void {
    this.waiter?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
