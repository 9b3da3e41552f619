/** A minimal, defensive SIP message parser and builder (RFC 3261 §7). Anything malformed parses to undefined. */
import {
  addressUri,
  canonicalHeaderName,
  headerParam,
  parseCSeq,
  splitHeaderLine,
  splitHeaderValues,
  tagOf as tagParam,
  TOKEN,
  unfoldHeaderLines,
} from '../model/sip-grammar.js';

export type HeaderList = readonly (readonly [string, string])[];

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: HeaderList;
  body: string;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: HeaderList;
  body: string;
}

export type SipMessage = SipRequest | SipResponse;

const MAX_MESSAGE = 65_507;
const MAX_HEADERS = 120;
const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9._!%*+`'~-]{0,31}) (\S{1,2048}) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.{0,200})$/;
const canonical = canonicalHeaderName;

export function header(headers: HeaderList, name: string): string | undefined {
  const wanted = canonical(name);
  return headers.find(([n]) => n === wanted)?.[1];
}

export function headerAll(headers: HeaderList, name: string): string[] {
  const wanted = canonical(name);
  return headers.filter(([n]) => n === wanted).map(([, v]) => v);
}

export function parseSipMessage(data: Buffer | string): SipMessage | undefined {
  if (data.length === 0 || data.length > MAX_MESSAGE) return undefined;
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const split = /\r?\n\r?\n/.exec(text);
  const head = split ? text.slice(0, split.index) : text;
  let body = split ? text.slice(split.index + split[0].length) : '';
  const lines = head.split(/\r?\n/);
  const start = lines.shift()?.trim() ?? '';
  const unfolded = unfoldHeaderLines(lines);
  if (unfolded.orphanContinuation || unfolded.lines.length > MAX_HEADERS) return undefined;
  const headers: [string, string][] = [];
  for (const line of unfolded.lines) {
    const split = splitHeaderLine(line);
    if (!split || split.name.length > 64 || !TOKEN.test(split.name)) return undefined;
    headers.push([canonical(split.name), split.value]);
  }
  const length = header(headers, 'content-length');
  if (length !== undefined) {
    if (!/^\d{1,6}$/.test(length) || Number(length) > body.length) return undefined;
    body = body.slice(0, Number(length));
  }
  const status = STATUS_LINE.exec(start);
  if (status) return { kind: 'response', status: Number(status[1]), reason: status[2] ?? '', headers, body };
  const request = REQUEST_LINE.exec(start);
  if (!request) return undefined;
  const cseq = parseCSeq(header(headers, 'cseq'));
  const method = request[1]!.toUpperCase();
  if (!cseq || cseq.method !== method) return undefined;
  for (const required of ['via', 'from', 'to', 'call-id']) if (!header(headers, required)) return undefined;
  return { kind: 'request', method, uri: request[2]!, headers, body };
}

/** `;name=value` header parameter of a header value (outside the <uri>, RFC 3261 §20.10) */
export function param(value: string | undefined, name: string): string | undefined {
  return headerParam(value, name) || undefined;
}

export const tagOf = (value: string | undefined): string | undefined => tagParam(value);

export function topBranch(req: SipRequest): string | undefined {
  return param(splitHeaderValues(header(req.headers, 'via') ?? '')[0], 'branch');
}

/** user part of a sip: URI (`sip:100@127.0.0.1` → `100`), or undefined */
export function uriUser(uri: string): string | undefined {
  const m = /^sips?:([^@;>]+)@/i.exec(addressUri(uri));
  return m?.[1];
}

const NAME_CASE: Readonly<Record<string, string>> = { 'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate' };
const display = (name: string): string =>
  NAME_CASE[name] ?? name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());

export interface ResponseOptions {
  /** To tag to add when the request has none (not for 100 Trying) */
  toTag?: string;
  headers?: HeaderList;
  body?: string;
  contentType?: string;
}

/** A response that copies Via (all, in order), From, To, Call-ID and CSeq from the request. */
export function buildResponse(req: SipRequest, status: number, reason: string, options: ResponseOptions = {}): string {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const via of headerAll(req.headers, 'via')) lines.push(`Via: ${via}`);
  lines.push(`From: ${header(req.headers, 'from')}`);
  const to = header(req.headers, 'to')!;
  lines.push(`To: ${options.toTag && status > 100 && !tagOf(to) ? `${to};tag=${options.toTag}` : to}`);
  lines.push(`Call-ID: ${header(req.headers, 'call-id')}`, `CSeq: ${header(req.headers, 'cseq')}`);
  for (const [name, value] of options.headers ?? []) lines.push(`${display(name)}: ${value}`);
  const body = options.body ?? '';
  if (body) lines.push(`Content-Type: ${options.contentType ?? 'application/sdp'}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export interface RequestSpec {
  method: string;
  uri: string;
  headers: HeaderList;
  body?: string;
}

/** A request in wire form (the auditor and tests build theirs with it). */
/** @public used by the test peers (test/lab/sip-probe.ts) */
export function buildRequest(spec: RequestSpec): string {
  const body = spec.body ?? '';
  const lines = [`${spec.method} ${spec.uri} SIP/2.0`, ...spec.headers.map(([n, v]) => `${display(canonical(n))}: ${v}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
