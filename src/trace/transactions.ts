/**
 * SIP transaction matching for the trace analysis: an INVITE, OPTIONS or REGISTER is remembered under its Call-ID,
 * CSeq, method and Via branch, so its responses find it and its retransmissions count once. Bounded: past the cap the
 * oldest transaction is forgotten.
 */
import type { Endpoint, SipEvent } from './frame.js';
import { tagOf, viaParts, type SipMessage } from './sip-parse.js';

export interface Tx {
  src: string;
  srcEp: Endpoint | undefined;
  dst: string;
  method: string;
  packet: number;
  time: number | undefined;
  ruri: string;
  initial: boolean;
  answered: boolean;
}

/** the methods whose transactions are matched with their responses */
export function tracked(method: string): boolean {
  return method === 'INVITE' || method === 'OPTIONS' || method === 'REGISTER';
}

function txKey(m: SipMessage, method: string): string {
  return `${m.callId}\u0000${m.cseqNum}\u0000${method}\u0000${viaParts(m.via).branch}`;
}

export class TransactionTable {
  private readonly txs = new Map<string, Tx>();
  /** transactions forgotten at the cap */
  dropped = 0;

  constructor(private readonly cap: number) {}

  /** Remembers a request between `src` and `dst` (normalised); true when it retransmits one already seen. */
  request(ev: SipEvent, m: SipMessage, src: string, dst: string): boolean {
    const method = m.method!;
    const key = txKey(m, method);
    if (this.txs.has(key)) return true;
    if (tracked(method)) {
      if (this.txs.size >= this.cap) {
        this.txs.delete(this.txs.keys().next().value as string);
        this.dropped++;
      }
      this.txs.set(key, {
        src,
        srcEp: ev.src,
        dst,
        method,
        packet: ev.packet,
        time: ev.time,
        ruri: m.uri ?? '',
        initial: !tagOf(m.to),
        answered: false,
      });
    }
    return false;
  }

  /** The request a response answers, if it is still remembered. */
  response(m: SipMessage): Tx | undefined {
    return this.txs.get(txKey(m, m.cseqMethod));
  }
}
