/**
 * The emulated phone's SIP UA on UDP <ip>:<port>. Request handling follows the applied settings, in RFC 3261 §8.2
 * order: source filter (trusted-only: silent drop) → request validation (Polycom source 403 / digest 401) →
 * Require (420) → method. An INVITE from a non-trusted source is a direct IP call.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { PhoneBehaviour, RequestValidationMode, SipListener } from '../model/vendor-lab.js';
import { assertLoopback, isLoopbackV4 } from './loopback.js';
import { SipDigestAuth } from './sip-digest-auth.js';
import { CallTable, newTag, type Peer } from './sip-calls.js';
import { TRYING_DELAY_MS, type SipClass } from './sip-classes.js';
import { buildResponse, header, parseSipMessage, uriUser, type HeaderList, type SipRequest } from './sip-message.js';
import { GhostguardError } from '../model/errors.js';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, NOTIFY, REFER, INFO, MESSAGE, UPDATE, PRACK';
export const SUPPORTED = ['replaces', 'timer', '100rel', 'path'];
export const DEFAULT_RING_TIMEOUT_MS = 30_000;
const MAX_RING_TIMEOUT_MS = 300_000;
const MAX_LOG = 200;

export interface SipEndpointOptions {
  ip: string;
  listener: SipListener;
  behaviour: () => PhoneBehaviour;
  agent: { header: 'User-Agent' | 'Server'; value: string };
  ringTimeoutMs?: number;
  maxCalls?: number;
  /** a behaviour class for strangers' INVITEs (sip-classes.ts), overriding what the settings would do */
  sipClass?: SipClass;
}

export interface SipLogEntry {
  at: number;
  source: string;
  method: string;
  /** status sent, or 'dropped' / 'ignored' */
  result: number | 'dropped' | 'ignored';
}

export class SipEndpoint {
  readonly log: SipLogEntry[] = [];
  private socket: Socket | undefined;
  private readonly calls: CallTable;
  private readonly digest = new SipDigestAuth();
  /** `trying-then-403` INVITEs between their 100 and their 403, by Call-ID */
  private readonly refusing = new Map<string, { timer: NodeJS.Timeout; req: SipRequest; peer: Peer; toTag: string }>();

  constructor(private readonly options: SipEndpointOptions) {
    assertLoopback(options.ip, 'SIP address');
    const ring = Math.min(Math.max(options.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS, 50), MAX_RING_TIMEOUT_MS);
    this.calls = new CallTable({
      send: (text, peer) => this.send(text, peer),
      ringTimeoutMs: ring,
      callTimeoutMs: ring,
      maxCalls: Math.min(options.maxCalls ?? 16, 256),
      common: () => this.commonHeaders(),
      sdp: () => this.sdp(),
    });
  }

  get port(): number {
    return this.options.listener.port;
  }

  /** calls currently ringing or answered */
  get activeCalls(): number {
    return this.calls.size;
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.options.ip, port: this.options.listener.port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new GhostguardError('GG_ERR_LAB_LISTEN', `SIP ${this.options.ip}:${this.options.listener.port}: ${err.message}`);
    });
    socket.on('error', () => undefined);
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
    this.socket = socket;
  }

  async stop(): Promise<void> {
    this.calls.clear();
    for (const r of this.refusing.values()) clearTimeout(r.timer);
    this.refusing.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onMessage(data: Buffer, rinfo: RemoteInfo): void {
    if (!isLoopbackV4(rinfo.address)) return; // never answer outside 127/8
    const msg = parseSipMessage(data);
    if (msg?.kind !== 'request') return;
    const peer: Peer = { address: rinfo.address, port: rinfo.port };
    const result = this.handle(msg, peer);
    if (this.log.length >= MAX_LOG) this.log.shift();
    this.log.push({ at: Date.now(), source: `${peer.address}:${peer.port}`, method: msg.method, result });
  }

  private handle(req: SipRequest, peer: Peer): SipLogEntry['result'] {
    const b = this.options.behaviour();
    const trusted = b.trustedSources.includes(peer.address);
    const sipClass = this.options.sipClass;
    if (sipClass && !trusted && req.method === 'INVITE') return this.classInvite(sipClass, req, peer, b);
    if (this.options.listener.trustedOnly && !trusted) return 'dropped';
    if (req.method === 'ACK') return 'ignored';
    if (req.method === 'CANCEL') return this.cancelRefusal(req, peer) ?? this.calls.cancel(req, peer);
    const mode: RequestValidationMode | undefined =
      b.requestValidation[req.method] ?? (req.method === 'INVITE' && b.inviteDigest ? 'digest' : undefined);
    if (mode && mode !== 'digest' && !trusted) return this.reply(req, peer, 403, 'Forbidden');
    if (mode && mode !== 'source' && !this.digest.authorized(req, b)) {
      return this.reply(req, peer, 401, 'Unauthorized', [['www-authenticate', this.digest.challenge(b.sipRealm)]]);
    }
    const unsupported = (header(req.headers, 'require') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o && !SUPPORTED.includes(o.toLowerCase()));
    if (unsupported.length > 0) return this.reply(req, peer, 420, 'Bad Extension', [['unsupported', unsupported.join(', ')]]);
    switch (req.method) {
      case 'OPTIONS':
        return this.reply(req, peer, 200, 'OK', [
          ['accept', 'application/sdp'],
          ['supported', SUPPORTED.join(', ')],
        ]);
      case 'INVITE':
        return this.invite(req, peer, b, trusted);
      case 'BYE':
        return this.calls.bye(req, peer);
      case 'NOTIFY':
      case 'INFO':
      case 'MESSAGE':
        return this.reply(req, peer, 200, 'OK');
      case 'SUBSCRIBE':
        return this.reply(req, peer, 489, 'Bad Event');
      case 'REGISTER':
        return this.reply(req, peer, 405, 'Method Not Allowed');
      case 'UPDATE':
      case 'PRACK':
      case 'REFER':
        return this.reply(req, peer, 481, 'Call/Transaction Does Not Exist');
      default:
        return this.reply(req, peer, 501, 'Not Implemented');
    }
  }

  private invite(req: SipRequest, peer: Peer, b: PhoneBehaviour, trusted: boolean): number {
    if (b.rejectAnonymous && /anonymous/i.test(header(req.headers, 'from') ?? ''))
      return this.reply(req, peer, 433, 'Anonymity Disallowed');
    if (b.checkUserId) {
      const user = uriUser(req.uri);
      if (!user || !b.accountUsers.includes(user)) return this.reply(req, peer, 404, 'Not Found');
    }
    if (!trusted && !b.directIpCalls) return this.reply(req, peer, 403, 'Forbidden');
    const hint = /answer-after=\d|auto[ -]?answer|intercom/i.test(
      `${header(req.headers, 'call-info') ?? ''} ${header(req.headers, 'alert-info') ?? ''}`,
    );
    return this.calls.invite(req, peer, b.autoAnswer || (b.intercomAutoAnswer && hint));
  }

  /** A stranger's INVITE to a phone given a behaviour class: the class decides, Require: included. */
  private classInvite(sipClass: SipClass, req: SipRequest, peer: Peer, b: PhoneBehaviour): SipLogEntry['result'] {
    switch (sipClass) {
      case 'drop-invite':
        return 'dropped';
      case 'refuse-403':
        return this.reply(req, peer, 403, 'Forbidden');
      case 'challenge-401':
        if (this.digest.authorized(req, b)) return this.calls.invite(req, peer, false);
        return this.reply(req, peer, 401, 'Unauthorized', [['www-authenticate', this.digest.challenge(b.sipRealm)]]);
      case 'trying-then-403':
        return this.tryingThenRefuse(req, peer);
      case 'checks-request-uri-user': {
        const user = uriUser(req.uri);
        if (!user || !b.accountUsers.includes(user)) return this.reply(req, peer, 404, 'Not Found');
        return this.calls.invite(req, peer, false);
      }
      case 'rings':
        return this.calls.invite(req, peer, false);
    }
  }

  private tryingThenRefuse(req: SipRequest, peer: Peer): number {
    const callId = header(req.headers, 'call-id') ?? '';
    if (this.refusing.has(callId) || this.refusing.size >= 64) return 100;
    this.send(buildResponse(req, 100, 'Trying', { headers: this.commonHeaders() }), peer);
    const toTag = newTag();
    const timer = setTimeout(() => {
      this.refusing.delete(callId);
      this.send(buildResponse(req, 403, 'Forbidden', { toTag, headers: this.commonHeaders() }), peer);
    }, TRYING_DELAY_MS);
    this.refusing.set(callId, { timer, req, peer, toTag });
    return 100;
  }

  /** A CANCEL for an INVITE still between its 100 and its 403: 200, then 487, as from any UAS. */
  private cancelRefusal(req: SipRequest, peer: Peer): number | undefined {
    const pending = this.refusing.get(header(req.headers, 'call-id') ?? '');
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.refusing.delete(header(req.headers, 'call-id') ?? '');
    this.send(buildResponse(req, 200, 'OK', { toTag: pending.toTag, headers: this.commonHeaders() }), peer);
    this.send(buildResponse(pending.req, 487, 'Request Terminated', { toTag: pending.toTag, headers: this.commonHeaders() }), pending.peer);
    return 200;
  }

  private reply(req: SipRequest, peer: Peer, status: number, reason: string, extra: HeaderList = []): number {
    const headers = [...this.commonHeaders(), ...extra];
    this.send(buildResponse(req, status, reason, { toTag: newTag(), headers }), peer);
    return status;
  }

  private commonHeaders(): HeaderList {
    const { ip, listener, agent } = this.options;
    return [
      [agent.header.toLowerCase(), agent.value],
      ['contact', `<sip:${ip}:${listener.port}>`],
      ['allow', ALLOW],
    ];
  }

  private sdp(): string {
    const { ip } = this.options;
    const id = Date.now();
    return [
      'v=0',
      `o=- ${id} ${id} IN IP4 ${ip}`,
      's=-',
      `c=IN IP4 ${ip}`,
      't=0 0',
      'm=audio 40000 RTP/AVP 0 8 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  private send(text: string, peer: Peer): void {
    if (!this.socket || !isLoopbackV4(peer.address)) return;
    this.socket.send(text, peer.port, peer.address, () => undefined);
  }
}
