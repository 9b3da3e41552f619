/** A minimal, defensive SIP message parser and builder (RFC 3261 §7). Anything malformed parses to undefined. */

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
const COMPACT: Readonly<Record<string, string>> = {
  v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding', o: 'event', r: 'refer-to', u: 'allow-events',
};
const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9._!%*+`'~-]{0,31}) (\S{1,2048}) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ?(.{0,200})$/;
const CSEQ = /^(\d{1,10})\s+([A-Za-z][A-Za-z0-9._!%*+`'~-]{0,31})$/;

const canonical = (name: string): string => {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
};

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
  const headers: [string, string][] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1];
      if (!last) return undefined;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!%*_+`'~.-]{1,64}$/.test(name)) return undefined;
    headers.push([canonical(name), line.slice(colon + 1).trim()]);
    if (headers.length > MAX_HEADERS) return undefined;
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
  const cseq = CSEQ.exec(header(headers, 'cseq') ?? '');
  const method = request[1]!.toUpperCase();
  if (!cseq || cseq[2]!.toUpperCase() !== method) return undefined;
  for (const required of ['via', 'from', 'to', 'call-id']) if (!header(headers, required)) return undefined;
  return { kind: 'request', method, uri: request[2]!, headers, body };
}

/** `;name=value` parameter of a header value (outside the <uri>) */
export function param(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const tail = value.includes('>') ? value.slice(value.lastIndexOf('>') + 1) : value;
  const m = new RegExp(`;\\s*${name}=([^;,\\s]+)`, 'i').exec(tail);
  return m?.[1];
}

export const tagOf = (value: string | undefined): string | undefined => param(value, 'tag');

export function topBranch(req: SipRequest): string | undefined {
  const via = header(req.headers, 'via')?.split(',')[0];
  return param(via, 'branch');
}

export function cseqNumber(msg: SipMessage): number {
  return Number(/^(\d+)/.exec(header(msg.headers, 'cseq') ?? '')?.[1] ?? NaN);
}

/** user part of a sip: URI (`sip:100@1.2.3.4` → `100`), or undefined */
export function uriUser(uri: string): string | undefined {
  const m = /^sips?:([^@;>]+)@/i.exec(uri.replace(/^.*<|>.*$/g, ''));
  return m?.[1];
}

const NAME_CASE: Readonly<Record<string, string>> = { 'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate' };
const display = (name: string): string => NAME_CASE[name] ?? name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());

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
export function buildRequest(spec: RequestSpec): string {
  const body = spec.body ?? '';
  const lines = [`${spec.method} ${spec.uri} SIP/2.0`, ...spec.headers.map(([n, v]) => `${display(canonical(n))}: ${v}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
