/**
 * A small SIP phone emulator for the ghost-call acceptance test, one behaviour class per instance. Its SIP handling is
 * its own — a few lines of header splitting, written for this test — and shares no code with ghostguard's SIP grammar,
 * its lab or its probes (the rule: a parser and the emulator it is tested against share no code). Binds 127/8 only.
 */
import dgram from 'node:dgram';
import { assertLoopback } from '../net.js';
import type { BehaviourClass } from './classes.js';

export interface EmulatorOptions {
  host: string;
  port: number;
  behaviour: BehaviourClass;
  /** sent in every response (a phone's own product string) */
  userAgent: string;
  /** `checks-request-uri-user`: the users it answers to (its own extensions); any other user gets 404 */
  ownUsers?: readonly string[];
  /** how long a ringing call lasts without CANCEL before 480 */
  ringMs?: number;
}

export interface SipEmulator {
  host: string;
  port: number;
  /** request lines received, in order (`INVITE sip:100@…`), for assertions on what the auditor sent */
  readonly requests: string[];
  /** calls still ringing */
  ringing(): number;
  stop(): Promise<void>;
}

interface Parsed {
  startLine: string;
  method: string;
  uri: string;
  headers: [string, string][];
}

/** Splits a datagram into its start line and headers; undefined for anything that is not a request. */
function parse(text: string): Parsed | undefined {
  const head = text.split('\r\n\r\n', 1)[0]!;
  const lines = head.split('\r\n');
  const start = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (!start) return undefined;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { startLine: lines[0]!, method: start[1]!, uri: start[2]!, headers };
}

const get = (p: Parsed, name: string): string => p.headers.find(([n]) => n === name)?.[1] ?? '';

/** `sip:100@127.0.0.1:5060;x=y` → `100`; no user part → '' */
function userOf(uri: string): string {
  const m = /^sips?:([^@;>]+)@/i.exec(uri);
  return m ? m[1]! : '';
}

interface Call {
  invite: Parsed;
  toTag: string;
  timer: NodeJS.Timeout;
  to: dgram.RemoteInfo;
}

export async function startSipEmulator(options: EmulatorOptions): Promise<SipEmulator> {
  assertLoopback(options.host);
  const socket = dgram.createSocket('udp4');
  const requests: string[] = [];
  const calls = new Map<string, Call>();
  let tags = 0;

  const respond = (req: Parsed, to: dgram.RemoteInfo, status: string, toTag: string | undefined, extra: string[] = [], cseq?: string) => {
    const toHeader = get(req, 'to');
    const lines = [
      `SIP/2.0 ${status}`,
      ...req.headers.filter(([n]) => n === 'via' || n === 'v').map(([, v]) => `Via: ${v}`),
      `From: ${get(req, 'from')}`,
      `To: ${toTag && !/;\s*tag=/i.test(toHeader) ? `${toHeader};tag=${toTag}` : toHeader}`,
      `Call-ID: ${get(req, 'call-id')}`,
      `CSeq: ${cseq ?? get(req, 'cseq')}`,
      `User-Agent: ${options.userAgent}`,
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ];
    socket.send(lines.join('\r\n'), to.port, to.address);
  };

  const ring = (req: Parsed, from: dgram.RemoteInfo) => {
    const callId = get(req, 'call-id');
    if (calls.has(callId)) return; // a retransmission: the 180 already went out
    const toTag = `emu${++tags}`;
    respond(req, from, '100 Trying', undefined);
    respond(req, from, '180 Ringing', toTag, [`Contact: <sip:${options.host}:${options.port}>`]);
    const timer = setTimeout(() => {
      calls.delete(callId);
      respond(req, from, '480 Temporarily Unavailable', toTag);
    }, options.ringMs ?? 8000);
    calls.set(callId, { invite: req, toTag, timer, to: from });
  };

  const invite = (req: Parsed, from: dgram.RemoteInfo) => {
    const tag = `emu${++tags}`;
    switch (options.behaviour) {
      case 'silent':
      case 'drop-invite':
        return;
      case 'refuse-403':
        return respond(req, from, '403 Forbidden', tag);
      case 'trying-then-403': {
        // the refusal follows a moment later; a CANCEL in between is honoured as any UAS would (200, then 487)
        const callId = get(req, 'call-id');
        if (calls.has(callId)) return;
        respond(req, from, '100 Trying', undefined);
        const timer = setTimeout(() => {
          calls.delete(callId);
          respond(req, from, '403 Forbidden', tag);
        }, 60);
        calls.set(callId, { invite: req, toTag: tag, timer, to: from });
        return;
      }
      case 'challenge-401':
        return respond(req, from, '401 Unauthorized', tag, [
          'WWW-Authenticate: Digest realm="emulator.invalid", nonce="0f1e2d3c4b5a", algorithm=MD5, qop="auth"',
        ]);
      case 'require-420': {
        const required = get(req, 'require');
        if (required) return respond(req, from, '420 Bad Extension', tag, [`Unsupported: ${required}`]);
        return ring(req, from);
      }
      case 'checks-request-uri-user':
        if (!(options.ownUsers ?? []).includes(userOf(req.uri))) return respond(req, from, '404 Not Found', tag);
        return ring(req, from);
      case 'ring-until-cancel':
        return ring(req, from);
    }
  };

  const cancel = (req: Parsed, from: dgram.RemoteInfo) => {
    const call = calls.get(get(req, 'call-id'));
    if (!call) return respond(req, from, '481 Call/Transaction Does Not Exist', `emu${++tags}`);
    clearTimeout(call.timer);
    calls.delete(get(req, 'call-id'));
    respond(req, from, '200 OK', call.toTag);
    const seq = get(call.invite, 'cseq').split(/\s+/)[0];
    respond(call.invite, from, '487 Request Terminated', call.toTag, [], `${seq} INVITE`);
  };

  socket.on('message', (buf, from) => {
    if (!from.address.startsWith('127.')) return;
    const req = parse(buf.toString('latin1'));
    if (!req) return;
    requests.push(req.startLine);
    if (requests.length > 500) requests.shift();
    if (options.behaviour === 'silent') return;
    if (req.method === 'OPTIONS')
      respond(req, from, '200 OK', `emu${++tags}`, ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS', 'Accept: application/sdp']);
    else if (req.method === 'INVITE') invite(req, from);
    else if (req.method === 'CANCEL') cancel(req, from);
    else if (req.method === 'BYE') respond(req, from, '481 Call/Transaction Does Not Exist', `emu${++tags}`);
    // ACK: nothing to answer
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ address: options.host, port: options.port, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  return {
    host: options.host,
    port: options.port,
    requests,
    ringing: () => calls.size,
    stop: async () => {
      for (const c of calls.values()) clearTimeout(c.timer);
      calls.clear();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
