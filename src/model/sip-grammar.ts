/**
 * The SIP grammar every codec shares (RFC 3261 §7.3, §20, §25): header names and their compact forms, line folding,
 * comma-separated values and header parameters. Tolerance — what a malformed message becomes — stays with each codec.
 */

/** RFC 3261 §7.3.3 (i m e l c f t v s k), RFC 6665 (o u), RFC 3515 (r). */
export const COMPACT_HEADER_NAMES: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  t: 'to',
  v: 'via',
  s: 'subject',
  k: 'supported',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
};

/** RFC 3261 §25.1 `token`: the characters a header name (and a method) may hold. */
export const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Lower-case full name for a header name as written (`v` → `via`, `CaLl-Id` → `call-id`). */
export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return COMPACT_HEADER_NAMES[lower] ?? lower;
}

export interface Unfolded {
  lines: string[];
  /** a continuation line with no header before it (RFC 3261 §7.3.1: not well formed) */
  orphanContinuation: boolean;
}

/** Joins continuation lines (leading space or tab) to the header line before them, with one space (§7.3.1 LWS). */
export function unfoldHeaderLines(lines: readonly string[]): Unfolded {
  const out: string[] = [];
  let orphanContinuation = false;
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (out.length === 0) orphanContinuation = true;
      else out[out.length - 1] = `${out[out.length - 1]!.trimEnd()} ${line.trim()}`;
      continue;
    }
    out.push(line);
  }
  return { lines: out, orphanContinuation };
}

/** `Name : value` → raw name and trimmed value (whitespace before the colon is allowed, §7.3.1); undefined without a name. */
export function splitHeaderLine(line: string): { name: string; value: string } | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (!name) return undefined;
  return { name, value: line.slice(colon + 1).trim() };
}

/**
 * Splits `text` at `separator` wherever it is outside a quoted string (with backslash escapes) and outside `<…>`:
 * a `;` or `,` inside a display name or inside a bracketed URI belongs to that, not to the header (§20.10, §25.1).
 */
function splitOutside(text: string, separator: ';' | ','): string[] {
  const parts: string[] = [];
  let quoted = false;
  let angle = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') angle = true;
    else if (c === '>') angle = false;
    else if (c === separator && !angle) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** The values of a header that allows a comma-separated list (Via, Contact, Route…), trimmed. */
export function splitHeaderValues(value: string): string[] {
  return splitOutside(value, ',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export interface ParsedHeaderValue {
  /** what precedes the parameters: a name-addr, addr-spec or Via sent-protocol + sent-by */
  address: string;
  /** header parameters, lower-case names; a parameter without a value maps to '' */
  params: Map<string, string>;
}

/**
 * One header value → its address part and header parameters. For `"Bob" <sip:100@host;tag=inuri>;tag=real` the
 * tag is `real`: a parameter inside `<>` is a URI parameter (§20.10). Whitespace around `;` and `=` is allowed (§7.3.1).
 */
export function parseHeaderValue(value: string): ParsedHeaderValue {
  const [address = '', ...rest] = splitOutside(value, ';');
  const params = new Map<string, string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!name || params.has(name)) continue;
    params.set(name, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  return { address: address.trim(), params };
}

export function headerParam(value: string | undefined, name: string): string | undefined {
  return value === undefined ? undefined : parseHeaderValue(value).params.get(name.toLowerCase());
}

/** The tag parameter of a From/To value (§19.3), or undefined. */
export function tagOf(value: string | undefined): string | undefined {
  const tag = headerParam(value, 'tag');
  return tag ? tag : undefined;
}

/** The URI of a name-addr (`"x" <uri>`) or an addr-spec, without header parameters. */
export function addressUri(value: string): string {
  const { address } = parseHeaderValue(value);
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') {
      const close = address.indexOf('>', i + 1);
      return address.slice(i + 1, close < 0 ? undefined : close).trim();
    }
  }
  return address;
}

export interface ViaValue {
  transport: string;
  host: string;
  port?: number;
  params: Map<string, string>;
}

/** One Via value (§20.42): `SIP / 2.0 / UDP host:port ;params`, with the LWS the grammar allows around `/` and `:`. */
export function parseVia(value: string): ViaValue | undefined {
  const { address, params } = parseHeaderValue(value);
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z0-9\-.!%*_+`'~]+)\s+(\[[0-9A-Fa-f:.]+\]|[^\s:;]+)(?:\s*:\s*(\d{1,5}))?$/i.exec(address);
  if (!m) return undefined;
  const via: ViaValue = { transport: m[1]!.toUpperCase(), host: m[2]!.replace(/^\[|\]$/g, '').toLowerCase(), params };
  if (m[3]) via.port = Number(m[3]);
  return via;
}

/** CSeq (§20.16): sequence number and method; leading zeros allowed. */
export function parseCSeq(value: string | undefined): { seq: number; method: string } | undefined {
  const m = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec((value ?? '').trim());
  return m ? { seq: Number(m[1]), method: m[2]!.toUpperCase() } : undefined;
}
