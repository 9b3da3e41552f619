/**
 * The INVITE server transactions and calls of one emulated phone: ring (100, 180) until CANCEL (200 + 487) or the
 * ring timeout (480), or answer (200 with SDP) and wait for BYE. Bounded in number and in time.
 */
import { randomBytes } from 'node:crypto';
import { buildResponse, header, topBranch, type HeaderList, type SipRequest } from './sip-message.js';

export interface Peer {
  address: string;
  port: number;
}

export interface CallTableOptions {
  send: (text: string, peer: Peer) => void;
  ringTimeoutMs: number;
  /** longest an answered call is kept before it is forgotten */
  callTimeoutMs: number;
  maxCalls: number;
  /** headers every response carries (User-Agent/Server, Allow, Contact…) */
  common: () => HeaderList;
  sdp: () => string;
}

interface Call {
  key: string;
  branch: string;
  state: 'ringing' | 'answered';
  toTag: string;
  invite: SipRequest;
  peer: Peer;
  /** the last response sent for the INVITE, for retransmissions */
  last: string;
  timer: NodeJS.Timeout;
}

export class CallTable {
  private readonly calls = new Map<string, Call>();

  constructor(private readonly options: CallTableOptions) {}

  get size(): number {
    return this.calls.size;
  }

  get ringing(): number {
    return [...this.calls.values()].filter((c) => c.state === 'ringing').length;
  }

  /** Returns the final-or-provisional status sent for this INVITE. */
  invite(req: SipRequest, peer: Peer, answer: boolean): number {
    const key = header(req.headers, 'call-id')!;
    const branch = topBranch(req) ?? '';
    const existing = this.calls.get(key);
    if (existing) {
      if (existing.branch === branch) {
        this.options.send(existing.last, peer); // retransmission
        return existing.state === 'ringing' ? 180 : 200;
      }
      if (existing.state === 'answered') return this.reply(req, peer, 200, 'OK', existing.toTag, this.options.sdp());
      return this.reply(req, peer, 491, 'Request Pending', existing.toTag);
    }
    if (this.calls.size >= this.options.maxCalls) return this.reply(req, peer, 486, 'Busy Here', newTag());
    const toTag = newTag();
    this.reply(req, peer, 100, 'Trying');
    const last = answer ? this.text(req, 200, 'OK', toTag, this.options.sdp()) : this.text(req, 180, 'Ringing', toTag);
    const timer = answer
      ? setTimeout(() => this.calls.delete(key), this.options.callTimeoutMs)
      : setTimeout(() => this.ringTimeout(key), this.options.ringTimeoutMs);
    const call: Call = { key, branch, state: answer ? 'answered' : 'ringing', toTag, invite: req, peer, last, timer };
    this.calls.set(key, call);
    this.options.send(call.last, peer);
    return answer ? 200 : 180;
  }

  /** 200 for the CANCEL, then 487 for the INVITE it matches; 481 when nothing matches. */
  cancel(req: SipRequest, peer: Peer): number {
    const call = this.calls.get(header(req.headers, 'call-id')!);
    if (!call || call.branch !== (topBranch(req) ?? '')) return this.reply(req, peer, 481, 'Call/Transaction Does Not Exist', newTag());
    this.reply(req, peer, 200, 'OK', call.toTag);
    if (call.state === 'ringing') this.finish(call, 487, 'Request Terminated');
    return 200;
  }

  bye(req: SipRequest, peer: Peer): number {
    const call = this.calls.get(header(req.headers, 'call-id')!);
    if (call?.state !== 'answered') return this.reply(req, peer, 481, 'Call/Transaction Does Not Exist', newTag());
    clearTimeout(call.timer);
    this.calls.delete(call.key);
    return this.reply(req, peer, 200, 'OK');
  }

  clear(): void {
    for (const call of this.calls.values()) clearTimeout(call.timer);
    this.calls.clear();
  }

  private ringTimeout(key: string): void {
    const call = this.calls.get(key);
    if (call) this.finish(call, 480, 'Temporarily Unavailable');
  }

  private finish(call: Call, status: number, reason: string): void {
    clearTimeout(call.timer);
    this.calls.delete(call.key);
    this.options.send(this.text(call.invite, status, reason, call.toTag), call.peer);
  }

  private reply(req: SipRequest, peer: Peer, status: number, reason: string, toTag?: string, body?: string): number {
    this.options.send(this.text(req, status, reason, toTag, body), peer);
    return status;
  }

  private text(req: SipRequest, status: number, reason: string, toTag?: string, body?: string): string {
    return buildResponse(req, status, reason, { ...(toTag ? { toTag } : {}), headers: this.options.common(), ...(body ? { body } : {}) });
  }
}

export const newTag = (): string => randomBytes(6).toString('hex');
