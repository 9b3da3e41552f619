/** A tolerant SIP message parser (RFC 3261 §7) for captured traffic: start line, the headers analysis needs, the body. */
import {
  addressUri,
  canonicalHeaderName,
  parseCSeq,
  parseVia,
  splitHeaderLine,
  splitHeaderValues,
  tagOf as tagParam,
  unfoldHeaderLines,
} from '../model/sip-grammar.js';

export interface SipMessage {
  /** requests */
  method?: string;
  uri?: string;
  /** responses */
  status?: number;
  reason?: string;
  callId: string;
  cseqNum: number;
  cseqMethod: string;
  from: string;
  to: string;
  contact: string;
  /** top Via */
  via: string;
  /** User-Agent (requests) or Server (responses) */
  userAgent: string;
  contentLength: number | undefined;
  /** the header block, unfolded, as one string (for signature checks) */
  headerText: string;
  body: string;
}

const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9._!%*+`'~-]*) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 (\d{3})(?: (.*))?$/;

/** Cheap test on raw bytes: does this look like the start of a SIP message? */
export function looksLikeSip(b: Buffer, at = 0): boolean {
  if (b.length - at < 8) return false;
  const c = b[at]!;
  if (c === 0x53 /* S */ && b.toString('latin1', at, at + 8) === 'SIP/2.0 ') return true;
  if (c < 0x41 || c > 0x5a) return false;
  const lineEnd = b.indexOf(0x0a, at);
  const end = lineEnd < 0 ? Math.min(b.length, at + 256) : Math.min(lineEnd, at + 1024);
  const line = b.toString('latin1', at, end).replace(/\r$/, '');
  return lineEnd < 0 ? /^[A-Z]+ \S/.test(line) : REQUEST_LINE.test(line);
}

export function isStartLine(line: string): boolean {
  return REQUEST_LINE.test(line) || STATUS_LINE.test(line);
}

/** Parses header text (start line + headers, no blank line) and a body. Returns undefined when it is not SIP. */
export function parseSip(head: string, body: string): SipMessage | undefined {
  const lines = head.split(/\r?\n/);
  const start = lines[0]!.trim();
  const msg: SipMessage = {
    callId: '',
    cseqNum: 0,
    cseqMethod: '',
    from: '',
    to: '',
    contact: '',
    via: '',
    userAgent: '',
    contentLength: undefined,
    headerText: '',
    body,
  };
  let m = STATUS_LINE.exec(start);
  if (m) {
    msg.status = Number(m[1]);
    msg.reason = (m[2] ?? '').trim();
  } else if ((m = REQUEST_LINE.exec(start))) {
    msg.method = m[1]!.toUpperCase();
    msg.uri = m[2]!;
  } else {
    return undefined;
  }
  // tolerant: a continuation with nothing before it and lines without a colon are skipped, not fatal
  const unfolded = unfoldHeaderLines(lines.slice(1)).lines;
  for (const l of unfolded) {
    const split = splitHeaderLine(l);
    if (!split) continue;
    const name = canonicalHeaderName(split.name);
    const value = split.value;
    switch (name) {
      case 'call-id':
        if (!msg.callId) msg.callId = value;
        break;
      case 'cseq': {
        if (msg.cseqMethod) break;
        const cseq = parseCSeq(value);
        const [n, meth] = value.split(/\s+/);
        msg.cseqNum = cseq?.seq ?? (Number(n) || 0);
        msg.cseqMethod = cseq?.method ?? (meth ?? '').toUpperCase();
        break;
      }
      case 'from':
        if (!msg.from) msg.from = value;
        break;
      case 'to':
        if (!msg.to) msg.to = value;
        break;
      case 'contact':
        if (!msg.contact) msg.contact = value;
        break;
      case 'via':
        if (!msg.via) msg.via = splitHeaderValues(value)[0] ?? '';
        break;
      case 'user-agent':
        if (msg.method) msg.userAgent = value;
        break;
      case 'server':
        if (msg.status !== undefined) msg.userAgent = value;
        break;
      case 'content-length': {
        const n = Number(value);
        if (Number.isInteger(n) && n >= 0) msg.contentLength = n;
        break;
      }
    }
  }
  msg.headerText = [start, ...unfolded].join('\n');
  return msg;
}

/** One datagram (UDP) holding one SIP message. */
export function parseDatagram(payload: Buffer): SipMessage | undefined {
  let at = 0;
  while (at + 1 < payload.length && payload[at] === 0x0d && payload[at + 1] === 0x0a) at += 2;
  if (!looksLikeSip(payload, at)) return undefined;
  let sep = payload.indexOf('\r\n\r\n', at, 'latin1');
  let sepLen = 4;
  if (sep < 0) {
    sep = payload.indexOf('\n\n', at, 'latin1');
    sepLen = 2;
  }
  const headEnd = sep < 0 ? payload.length : sep;
  const head = payload.toString('utf8', at, headEnd);
  const bodyStart = sep < 0 ? payload.length : sep + sepLen;
  const msg = parseSip(head, '');
  if (!msg) return undefined;
  const bodyEnd = msg.contentLength === undefined ? payload.length : Math.min(payload.length, bodyStart + msg.contentLength);
  msg.body = payload.toString('utf8', bodyStart, Math.min(bodyEnd, bodyStart + 4096));
  return msg;
}

export type Framed = { msg: SipMessage; used: number } | { need: true } | { junk: string };

/**
 * Frames one message at the start of a stream buffer (TCP): headers to the blank line, then Content-Length bytes
 * (RFC 3261 §18.3: mandatory on stream transports; taken as 0 when missing). Leading CRLF keep-alives are skipped.
 */
export function frameStream(buf: Buffer): Framed | { skip: number } {
  let at = 0;
  while (at < buf.length && (buf[at] === 0x0d || buf[at] === 0x0a)) at++;
  if (at > 0) return { skip: at };
  if (buf.length === 0) return { need: true };
  const firstLf = buf.indexOf(0x0a);
  if (firstLf < 0) {
    if (buf.length > 1024 || (buf.length >= 8 && !/^(SIP\/2\.0 |[A-Z]+ )/.test(buf.toString('latin1', 0, 8))))
      return { junk: 'no SIP start line' };
    return { need: true };
  }
  if (!looksLikeSip(buf)) return { junk: 'no SIP start line' };
  const sep = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (sep < 0) return { need: true };
  const msg = parseSip(buf.toString('utf8', 0, sep), '');
  if (!msg) return { junk: 'unparsable SIP header' };
  const bodyStart = sep + 4;
  const len = msg.contentLength ?? 0;
  if (buf.length < bodyStart + len) return { need: true };
  msg.body = buf.toString('utf8', bodyStart, bodyStart + Math.min(len, 4096));
  return { msg, used: bodyStart + len };
}

/** user part and host of a SIP URI or a name-addr header value (`"x" <sip:100@1.2.3.4:5060>;tag=..`). */
export function uriParts(value: string): { user: string; host: string; port?: number } {
  const m = /sips?:(?:([^@;>\s]*)@)?(\[[0-9a-fA-F:.]+\]|[^;:>\s?]+)(?::(\d+))?/.exec(addressUri(value));
  if (!m) return { user: '', host: '' };
  const host = m[2]!.replace(/^\[|\]$/g, '').toLowerCase();
  const out: { user: string; host: string; port?: number } = { user: tryDecode(m[1] ?? ''), host };
  if (m[3]) out.port = Number(m[3]);
  return out;
}

function tryDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The tag parameter of a From/To value (outside the <uri>, RFC 3261 §20.10), '' when absent. */
export function tagOf(value: string): string {
  return tagParam(value) ?? '';
}

/** Via parameters: sent-by host/port, branch, received, rport. */
export function viaParts(via: string): { host: string; port?: number; branch: string; received?: string } {
  const parsed = parseVia(via);
  if (!parsed) return { host: '', branch: '' };
  const out: { host: string; port?: number; branch: string; received?: string } = {
    host: parsed.host,
    branch: parsed.params.get('branch') ?? '',
  };
  if (parsed.port !== undefined) out.port = parsed.port;
  const received = parsed.params.get('received');
  if (received) out.received = received.toLowerCase();
  return out;
}
