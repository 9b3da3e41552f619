/**
 * Per-direction TCP byte streams rebuilt in sequence order, then cut into SIP messages by Content-Length.
 * Bounded: at most `maxFlows` flows (least recently used evicted), `maxFlowBytes` buffered per flow, `maxOutOfOrder`
 * early segments kept per flow; past a gap that cannot be filled, the stream resynchronises at the next segment.
 */
import type { Transport } from './decode.js';
import type { Frame } from './frame.js';
import { frameStream, type SipMessage } from './sip-parse.js';

export interface TcpLimits {
  maxFlows: number;
  maxFlowBytes: number;
  maxOutOfOrder: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = { maxFlows: 4096, maxFlowBytes: 256 * 1024, maxOutOfOrder: 64 };

export interface TcpStats {
  flows: number;
  evicted: number;
  gaps: number;
  nonSip: number;
  oversized: number;
}

interface Flow {
  next: number | undefined;
  buf: Buffer;
  ooo: Map<number, Buffer>;
  /** undefined until the first bytes decide; false: not SIP, ignored */
  sip: boolean | undefined;
}

const EMPTY = Buffer.alloc(0);

export class TcpReassembler {
  private readonly flows = new Map<string, Flow>();
  readonly stats: TcpStats = { flows: 0, evicted: 0, gaps: 0, nonSip: 0, oversized: 0 };

  constructor(
    private readonly emit: (msg: SipMessage, t: Transport, frame: Frame) => void,
    private readonly limits: TcpLimits = DEFAULT_TCP_LIMITS,
  ) {}

  get openFlows(): number {
    return this.flows.size;
  }

  segment(t: Transport, frame: Frame): void {
    const key = `${t.src}|${t.srcPort}|${t.dst}|${t.dstPort}`;
    let flow = this.flows.get(key);
    if (t.rst) {
      this.flows.delete(key);
      return;
    }
    if (t.syn) {
      flow = this.fresh(key, (t.seq! + 1) >>> 0);
      if (t.payload.length === 0) return;
    }
    if (t.payload.length === 0) return;
    if (!flow) flow = this.fresh(key, t.seq!);
    else {
      // keep the map in least-recently-used order
      this.flows.delete(key);
      this.flows.set(key, flow);
    }
    if (flow.sip === false) return;
    this.accept(flow, t.seq!, t.payload);
    this.drain(flow, t, frame);
  }

  private fresh(key: string, next: number): Flow {
    this.flows.delete(key);
    const flow: Flow = { next, buf: EMPTY, ooo: new Map(), sip: undefined };
    this.flows.set(key, flow);
    this.stats.flows++;
    while (this.flows.size > this.limits.maxFlows) {
      const oldest = this.flows.keys().next().value as string;
      this.flows.delete(oldest);
      this.stats.evicted++;
    }
    return flow;
  }

  private accept(flow: Flow, seq: number, data: Buffer): void {
    if (flow.next === undefined) flow.next = seq;
    const diff = (seq - flow.next) | 0;
    if (diff > 0) {
      if (flow.ooo.size < this.limits.maxOutOfOrder && diff < this.limits.maxFlowBytes) {
        if (!flow.ooo.has(seq)) flow.ooo.set(seq, Buffer.from(data));
        return;
      }
      // a hole we will never fill: drop what was pending and restart at this segment
      this.stats.gaps++;
      flow.buf = EMPTY;
      flow.ooo.clear();
      flow.next = seq;
      this.append(flow, data);
      return;
    }
    if (diff + data.length <= 0) return; // retransmission of bytes already taken
    this.append(flow, data.subarray(-diff));
    // fill from segments that arrived early
    let progressed = true;
    while (progressed && flow.ooo.size) {
      progressed = false;
      for (const [s, d] of flow.ooo) {
        const dd = (s - flow.next!) | 0;
        if (dd > 0) continue;
        flow.ooo.delete(s);
        if (dd + d.length > 0) this.append(flow, d.subarray(-dd));
        progressed = true;
      }
    }
  }

  private append(flow: Flow, data: Buffer): void {
    flow.buf = flow.buf.length ? Buffer.concat([flow.buf, data]) : Buffer.from(data);
    flow.next = (flow.next! + data.length) >>> 0;
  }

  private drain(flow: Flow, t: Transport, frame: Frame): void {
    for (;;) {
      const r = frameStream(flow.buf);
      if ('skip' in r) {
        flow.buf = flow.buf.subarray(r.skip);
        continue;
      }
      if ('junk' in r) {
        if (flow.sip === undefined) {
          flow.sip = false;
          this.stats.nonSip++;
        } else {
          // lost framing inside a SIP stream: wait for the next segment to start a message
          this.stats.gaps++;
        }
        flow.buf = EMPTY;
        flow.ooo.clear();
        return;
      }
      if ('need' in r) {
        if (flow.buf.length > this.limits.maxFlowBytes) {
          this.stats.oversized++;
          flow.buf = EMPTY;
          flow.ooo.clear();
        }
        return;
      }
      flow.sip = true;
      flow.buf = flow.buf.subarray(r.used);
      if (flow.buf.length === 0) flow.buf = EMPTY;
      this.emit(r.msg, t, frame);
    }
  }
}
