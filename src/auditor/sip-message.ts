/** A tiny SIP builder and a defensive response parser: just what the auditor's probes need (RFC 3261 syntax). */
import { randomBytes } from 'node:crypto';
import {
  canonicalHeaderName,
  headerParam,
  parseCSeq,
  splitHeaderLine,
  splitHeaderValues,
  tagOf,
  TOKEN,
  unfoldHeaderLines,
} from '../model/sip-grammar.js';

export const AUDITOR_USER_AGENT = 'ghostguard-audit/0.1';
export const MAX_SIP_MESSAGE = 65_507;
const MAX_HEADERS = 128;

export interface SipRequestSpec {
  method: 'OPTIONS' | 'INVITE' | 'CANCEL' | 'ACK' | 'BYE';
  requestUri: string;
  /** the auditor's own address and port, as the connected socket sees them */
  local: { host: string; port: number };
  branch: string;
  fromTag: string;
  toUri: string;
  toTag?: string;
  callId: string;
  cseq: number;
  /** extra headers, in order */
  headers?: [string, string][];
  body?: string;
  contentType?: string;
}

export const token = (bytes = 8): string => randomBytes(bytes).toString('hex');
export const newBranch = (): string => `z9hG4bK${token(10)}`;

const hostForUri = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export function sipUri(user: string | undefined, host: string, port: number): string {
  return `sip:${user ? `${user}@` : ''}${hostForUri(host)}:${port}`;
}

export function buildRequest(spec: SipRequestSpec): string {
  const local = `${hostForUri(spec.local.host)}:${spec.local.port}`;
  const body = spec.body ?? '';
  const lines = [
    `${spec.method} ${spec.requestUri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local};branch=${spec.branch};rport`,
    'Max-Forwards: 70',
    `From: "ghostguard audit" <sip:ghostguard@${local}>;tag=${spec.fromTag}`,
    `To: <${spec.toUri}>${spec.toTag ? `;tag=${spec.toTag}` : ''}`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${spec.cseq} ${spec.method}`,
  ];
  if (spec.method === 'OPTIONS' || spec.method === 'INVITE') lines.push(`Contact: <sip:ghostguard@${local}>`);
  lines.push(`User-Agent: ${AUDITOR_USER_AGENT}`);
  for (const [name, value] of spec.headers ?? []) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Type: ${spec.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** An inactive audio offer: some phones refuse an INVITE without SDP before they look at anything else. */
export function probeSdp(localHost: string): string {
  const ip = localHost.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=ghostguard 1 1 IN ${ip} ${localHost}`,
    's=ghostguard audit',
    `c=IN ${ip} ${localHost}`,
    't=0 0',
    'm=audio 9 RTP/AVP 0',
    'a=inactive',
    '',
  ].join('\r\n');
}

export interface SipResponse {
  status: number;
  reason: string;
  /** lowercase full header name → values in order */
  headers: Map<string, string[]>;
  body: string;
}

export type ParseResult = { ok: true; response: SipResponse } | { ok: false; error: string };

const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/;

/** Parses a SIP response datagram; anything else (requests, binary, truncated junk) is an error result, never a throw. */
export function parseResponse(datagram: Buffer): ParseResult {
  if (datagram.length === 0) return { ok: false, error: 'empty datagram' };
  if (datagram.length > MAX_SIP_MESSAGE) return { ok: false, error: 'datagram too large' };
  const text = datagram.toString('utf8');
  const split = /\r?\n\r?\n/.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  const body = split ? text.slice(split.index + split[0].length) : '';
  const rawLines = head.split(/\r?\n/);
  const status = STATUS_LINE.exec(rawLines[0] ?? '');
  if (!status) return { ok: false, error: 'not a SIP response status line' };
  const { lines, orphanContinuation } = unfoldHeaderLines(rawLines.slice(1));
  if (orphanContinuation) return { ok: false, error: 'malformed header line' };
  if (lines.length > MAX_HEADERS) return { ok: false, error: 'too many header lines' };
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const split = splitHeaderLine(line);
    if (!split) return { ok: false, error: 'malformed header line' };
    if (!TOKEN.test(split.name)) return { ok: false, error: 'malformed header name' };
    const name = canonicalHeaderName(split.name);
    const list = headers.get(name) ?? [];
    list.push(split.value);
    headers.set(name, list);
  }
  for (const required of ['via', 'call-id', 'cseq']) {
    if (!headers.has(required)) return { ok: false, error: `missing ${required} header` };
  }
  return { ok: true, response: { status: Number(status[1]), reason: (status[2] ?? '').trim(), headers, body } };
}

export function header(response: SipResponse, name: string): string | undefined {
  return response.headers.get(name.toLowerCase())?.[0];
}

export function cseqOf(response: SipResponse): { seq: number; method: string } | undefined {
  return parseCSeq(header(response, 'cseq'));
}

export function viaBranch(response: SipResponse): string | undefined {
  const top = splitHeaderValues(header(response, 'via') ?? '')[0];
  return headerParam(top, 'branch') || undefined;
}

export function toTag(response: SipResponse): string | undefined {
  return tagOf(header(response, 'to'));
}

/** Does this response belong to our transaction? Matched on Call-ID, CSeq method and the top Via branch. */
export function matches(response: SipResponse, callId: string, method: string, branch: string): boolean {
  const cseq = cseqOf(response);
  return header(response, 'call-id') === callId && cseq?.method === method && viaBranch(response) === branch;
}
