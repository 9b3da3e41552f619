/**
 * The connection gate's idle sweep and recency order, with fake timers and a stand-in listener (an EventEmitter that
 * emits 'connection' and 'request' the way node:net/node:http do). The expected times come from the contract in the
 * gate's header: closed between `idleMs` and `idleMs` + the sweep period after a connection went idle (admitted, or
 * its last answer written); busy from a request's headers until its answer's 'close'. The same through real sockets:
 * connection-gate-e2e.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionGate, type ShedReason } from '../../src/provisioning/connection-gate.js';

const IDLE_MS = 4000;
/** the contract's period for a 4 s idle timeout: a quarter of it, at most a second */
const PERIOD_MS = 1000;

class FakeSocket extends EventEmitter {
  destroyed = false;
  ended = false;
  constructor(
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    super();
  }
  destroy(): this {
    if (!this.destroyed) {
      this.destroyed = true;
      this.emit('close');
    }
    return this;
  }
  end(): this {
    this.ended = true;
    return this;
  }
}

let server: EventEmitter;
let gate: ConnectionGate;
let shed: [string, ShedReason][];
let port = 20000;

function connect(source = '127.155.1.1'): FakeSocket {
  const socket = new FakeSocket(source, port++);
  server.emit('connection', socket);
  return socket;
}

/** a request on `socket`; returns the function that ends its answer (the response's 'close') */
function request(socket: FakeSocket | EventEmitter): () => void {
  const res = new EventEmitter();
  server.emit('request', { socket }, res);
  return () => res.emit('close');
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
  server = new EventEmitter();
  shed = [];
  gate = new ConnectionGate({ perAddress: 3, total: 100, idleMs: IDLE_MS }, (source, why) => shed.push([source, why]), 10_000);
  gate.watch(server as Server);
});

afterEach(() => {
  gate.shutdown();
  vi.useRealTimers();
});

describe('idle sweep', () => {
  it('closes a connection that sends nothing between idleMs and idleMs + the sweep period after it was admitted', () => {
    const silent = connect();
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(silent.destroyed).toBe(false);
    vi.advanceTimersByTime(PERIOD_MS + 1);
    expect(silent.destroyed).toBe(true);
    expect(gate.open).toBe(0);
    expect(gate.shed).toBe(0); // the idle timeout is no shedding
  });

  it('counts a keep-alive connection idle from its last answer, never while a request is in progress', () => {
    const phone = connect();
    vi.advanceTimersByTime(3000);
    const answer = request(phone);
    vi.advanceTimersByTime(10 * IDLE_MS); // a slow answer: busy all along
    expect(phone.destroyed).toBe(false);
    answer();
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(phone.destroyed).toBe(false);
    request(phone)(); // answered at once: idle again from now
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(phone.destroyed).toBe(false);
    vi.advanceTimersByTime(PERIOD_MS + 1);
    expect(phone.destroyed).toBe(true);
  });

  it('pipelined requests: idle only once the last answer is written', () => {
    const phone = connect();
    const first = request(phone);
    const second = request(phone);
    first();
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(phone.destroyed).toBe(false);
    second();
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(phone.destroyed).toBe(true);
  });

  it('a busy connection admitted first does not hold back the sweep of the idle ones after it', () => {
    const busy = connect();
    request(busy);
    const idle = [connect(), connect()];
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(idle.map((s) => s.destroyed)).toEqual([true, true]);
    expect(busy.destroyed).toBe(false);
  });

  it('a request on a TLS socket layered over the raw connection keeps the raw connection busy', () => {
    const raw = connect();
    const tls = Object.assign(new EventEmitter(), { remoteAddress: raw.remoteAddress, remotePort: raw.remotePort });
    const answer = request(tls);
    vi.advanceTimersByTime(2 * IDLE_MS);
    expect(raw.destroyed).toBe(false);
    answer();
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(raw.destroyed).toBe(true);
  });

  it('a socket that dies mid-answer leaves nothing behind: its late answer close is harmless', () => {
    const phone = connect();
    const answer = request(phone);
    phone.destroy();
    expect(gate.open).toBe(0);
    answer();
    expect(gate.open).toBe(0);
    const next = connect();
    expect(gate.open).toBe(1);
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(next.destroyed).toBe(true);
  });

  it('runs one sweep timer only while connections are tracked, none after shutdown', () => {
    expect(vi.getTimerCount()).toBe(0);
    const a = connect();
    connect('127.155.1.2');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(IDLE_MS + PERIOD_MS);
    expect(gate.open).toBe(0);
    vi.advanceTimersByTime(PERIOD_MS);
    expect(vi.getTimerCount()).toBe(0);
    expect(a.destroyed).toBe(true);
    const b = connect();
    expect(vi.getTimerCount()).toBe(1);
    request(b)();
    gate.shutdown();
    expect(b.destroyed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shutdown closes idle connections at once and ends busy ones when their answer is written', () => {
    const idle = connect();
    const busy = connect();
    const answer = request(busy);
    gate.shutdown();
    expect(idle.destroyed).toBe(true);
    expect(busy.ended).toBe(false);
    answer();
    expect(busy.ended).toBe(true);
    const late = connect();
    expect(late.destroyed).toBe(true);
  });
});

describe('recency order at the per-address cap', () => {
  it('sheds the least recently idle connection first: the one that never asked, then by when each was answered', () => {
    const never = connect();
    const a = connect();
    const b = connect();
    vi.advanceTimersByTime(100);
    request(b)();
    vi.advanceTimersByTime(100);
    request(a)();
    // order now: never (admitted), b (answered at 100), a (answered at 200)
    connect();
    expect([never, b, a].map((s) => s.destroyed)).toEqual([true, false, false]);
    connect();
    expect([b, a].map((s) => s.destroyed)).toEqual([true, false]);
    expect(shed).toEqual([
      ['127.155.1.1', 'per-address'],
      ['127.155.1.1', 'per-address'],
    ]);
  });

  it('never sheds a busy connection: with all three busy the newcomer is refused', () => {
    const held = [connect(), connect(), connect()];
    for (const s of held) request(s);
    const newcomer = connect();
    expect(newcomer.destroyed).toBe(true);
    expect(held.some((s) => s.destroyed)).toBe(false);
    expect(gate.shed).toBe(1);
  });
});
