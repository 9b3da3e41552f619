/**
 * Which TCP connections the phone listeners keep. One address holding thousands of silent connections must not use up
 * the process's file descriptors (every phone's connection would then be reset), so:
 * - each source address holds at most `perAddress` connections, the process at most `total` (itself bounded by the
 *   open-file limit minus a reserve for the database, the admin listener and the event log);
 * - at either cap the newcomer is not the one refused: the least recently active idle connection of the heaviest source
 *   is closed instead (max-min fairness), so a phone arriving from its own address gets in while a flood churns;
 * - a connection idle for `idleMs` is closed (TLS handshake, headers, keep-alive idle): one sweep per gate, every
 *   `sweepMs(idleMs)`, closes those idle since longer, so one is closed between `idleMs` and `idleMs` + that period after
 *   it went idle (no timer per connection or request: an answer costs a counter, a clock read and a list move);
 * - on shutdown every idle connection is closed at once and busy ones as soon as their answer is sent.
 * A connection is busy from its request's headers until its answer is written; only idle ones are ever shed.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { RecencyList } from './recency-list.js';
import { throttledBySource } from './throttled-events.js';

export interface ConnectionLimits {
  perAddress: number;
  total: number;
  /** a connection without a request in progress is closed after this long */
  idleMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { perAddress: 256, total: 10_000, idleMs: 10_000 };
/** file descriptors kept free of phone connections: SQLite and its WAL, the admin listener, logs, a reload */
export const FD_RESERVE = 512;

interface Tracked {
  socket: Socket;
  source: string;
  busy: number;
  /** when it was admitted or its last answer was written (performance.now(), a monotonic clock) */
  idleSince: number;
  prev?: Tracked;
  next?: Tracked;
}

/** How often a gate looks for idle connections: a quarter of the idle timeout, at most once a second. */
const sweepMs = (idleMs: number): number => Math.max(1, Math.min(1000, Math.floor(idleMs / 4)));

export type ShedReason = 'per-address' | 'total';

/** The process's open-file soft limit (Node raises it to the hard limit at start), or undefined where unknown. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

export class ConnectionGate {
  /** per source: its connections in idleSince order, least recently idle first (moved to the end when answered) */
  private readonly bySource = new Map<string, RecencyList<Tracked>>();
  /** a raw connection's socket, or a request's (a TLS socket over the raw one) → the raw connection it runs on */
  private readonly bySocket = new WeakMap<Socket, Tracked>();
  /** sources by how many connections they hold, to find the heaviest without scanning */
  private readonly sourcesByCount = new Map<number, Set<string>>();
  private heaviest = 0;
  private count = 0;
  private closing = false;
  private sweeper?: NodeJS.Timeout;
  /** connections closed or refused by the caps since start */
  shed = 0;
  readonly capacity: number;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly onShed: (source: string, why: ShedReason) => void = () => {},
    fdLimit = openFileLimit(),
  ) {
    this.capacity = fdLimit === undefined ? limits.total : Math.max(16, Math.min(limits.total, fdLimit - FD_RESERVE));
  }

  get open(): number {
    return this.count;
  }

  /** Watches a listener: its raw TCP connections (before any TLS) and its requests. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('request', (req: IncomingMessage, res: ServerResponse) => this.busy(req, res));
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.busy(req, res));
  }

  /** Closes idle connections now and every other one once its answer is written; refuses new ones. */
  shutdown(): void {
    this.closing = true;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const conns of this.bySource.values()) for (const t of conns) if (t.busy === 0) t.socket.destroy();
  }

  private admit(socket: Socket): void {
    const source = socket.remoteAddress;
    if (!source || this.closing) {
      socket.destroy();
      return;
    }
    const mine = this.bySource.get(source);
    if (mine && mine.size >= this.limits.perAddress && !this.shedIdle(source, 'per-address')) {
      this.refuse(socket, source, 'per-address');
      return;
    }
    if (this.count >= this.capacity && !this.shedIdle(this.heaviestSource(), 'total')) {
      this.refuse(socket, source, 'total');
      return;
    }
    const tracked: Tracked = { socket, source, busy: 0, idleSince: performance.now() };
    this.add(tracked);
    socket.once('close', () => this.remove(tracked));
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), sweepMs(this.limits.idleMs));
      this.sweeper.unref();
    }
  }

  private busy(req: IncomingMessage, res: ServerResponse): void {
    const tracked = this.find(req.socket);
    if (!tracked) return;
    tracked.busy++;
    // 'close' is emitted once, after the answer is written or when the socket dies before it is
    res.on('close', () => this.answered(tracked));
  }

  private answered(tracked: Tracked): void {
    if (--tracked.busy > 0) return;
    if (this.closing) {
      tracked.socket.end();
      return;
    }
    tracked.idleSince = performance.now();
    const conns = this.bySource.get(tracked.source);
    // unless it is gone already (shed, or its socket died mid-answer)
    if (conns?.has(tracked)) conns.moveToEnd(tracked);
  }

  /** Closes the connections idle for `idleMs`; stops itself once nothing is tracked. */
  private sweep(): void {
    if (this.count === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
      return;
    }
    const expired = performance.now() - this.limits.idleMs;
    for (const conns of this.bySource.values())
      for (const t of conns) {
        if (t.busy > 0) continue;
        // the list is in idleSince order among idle connections: the rest of this source's went idle later
        if (t.idleSince > expired) break;
        this.remove(t);
        t.socket.destroy();
      }
  }

  /** The raw TCP socket behind a request's socket (the same one, or the one a TLS socket wraps). */
  private find(socket: Socket): Tracked | undefined {
    const known = this.bySocket.get(socket);
    if (known) return known;
    const conns = socket.remoteAddress ? this.bySource.get(socket.remoteAddress) : undefined;
    if (!conns) return undefined;
    for (const t of conns)
      if (t.socket.remotePort === socket.remotePort) {
        this.bySocket.set(socket, t);
        return t;
      }
    return undefined;
  }

  /** Closes the least recently active idle connection of `source`; false when it has none. */
  private shedIdle(source: string | undefined, why: ShedReason): boolean {
    const conns = source === undefined ? undefined : this.bySource.get(source);
    if (!conns) return false;
    for (const t of conns) {
      if (t.busy > 0) continue;
      this.remove(t);
      t.socket.destroy();
      this.shed++;
      this.onShed(source!, why);
      return true;
    }
    return false;
  }

  private refuse(socket: Socket, source: string, why: ShedReason): void {
    socket.destroy();
    this.shed++;
    this.onShed(source, why);
  }

  private heaviestSource(): string | undefined {
    while (this.heaviest > 0 && !this.sourcesByCount.get(this.heaviest)?.size) this.heaviest--;
    const set = this.sourcesByCount.get(this.heaviest);
    return set ? set.values().next().value : undefined;
  }

  private add(t: Tracked): void {
    let conns = this.bySource.get(t.source);
    if (!conns) this.bySource.set(t.source, (conns = new RecencyList()));
    this.moveCount(t.source, conns.size, conns.size + 1);
    conns.push(t);
    this.bySocket.set(t.socket, t);
    this.count++;
  }

  private remove(t: Tracked): void {
    const conns = this.bySource.get(t.source);
    if (!conns?.has(t)) return;
    conns.unlink(t);
    this.moveCount(t.source, conns.size + 1, conns.size);
    if (conns.size === 0) this.bySource.delete(t.source);
    this.count--;
  }

  private moveCount(source: string, from: number, to: number): void {
    const old = this.sourcesByCount.get(from);
    old?.delete(source);
    if (old && old.size === 0) this.sourcesByCount.delete(from);
    if (to > 0) {
      let set = this.sourcesByCount.get(to);
      if (!set) this.sourcesByCount.set(to, (set = new Set()));
      set.add(source);
    }
    if (to > this.heaviest) this.heaviest = to;
  }
}

/** Shed connections as events: one per source and minute at most, with how many were shed since the last one. */
export function shedEvents(
  emit: (source: string, detail: string) => void,
  everyMs = 60_000,
  now: () => number = Date.now,
): (source: string, why: ShedReason) => void {
  return throttledBySource<ShedReason>(
    emit,
    (why, since) =>
      `connection closed at the ${why === 'total' ? 'process' : 'per-address'} connection cap${since ? ` (+${since} since the last event)` : ''}`,
    { everyMs, now },
  );
}
