/**
 * The emulated phones' own HTTP/SIP Digest arithmetic (RFC 7616 §3.4, RFC 2617 §3.2.2), written apart from the
 * server's src/provisioning/digest.ts: the lab is what that code is tested against, so the two share no code. Both are
 * held to the RFCs' worked examples by known-answer tests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The fields a Digest response is computed from (the Authorization header less `response`). */
export interface DigestFields {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/** RFC 7616 §6.1 algorithm names → node hash names; a phone that meets another algorithm does not answer. */
const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

export function supportsAlgorithm(algorithm: string | undefined): boolean {
  return HASHES[(algorithm ?? 'MD5').toUpperCase()] !== undefined;
}

/** KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)), or the RFC 2069 form without qop. */
export function computeDigestResponse(fields: DigestFields, password: string, method: string): string {
  const name = HASHES[(fields.algorithm ?? 'MD5').toUpperCase()];
  if (!name) throw new RangeError(`unsupported Digest algorithm ${fields.algorithm}`);
  const H = (data: string) => createHash(name).update(data, 'utf8').digest('hex');
  const a1 = [fields.username, fields.realm, password].join(':');
  const a2 = [method, fields.uri].join(':');
  const tail = fields.qop ? [fields.nonce, fields.nc ?? '', fields.cnonce ?? '', fields.qop] : [fields.nonce];
  return H([H(a1), ...tail, H(a2)].join(':'));
}

/**
 * `Digest a=b, c="d"` → its auth-params, lower-cased names (RFC 7235 §2.1, quoted-pair unescaped); undefined when the
 * scheme is not Digest or the list is malformed.
 */
export function parseDigestParams(text: string): Map<string, string> | undefined {
  const scheme = /^Digest[ \t]+/i.exec(text);
  if (!scheme || text.length > 2048) return undefined;
  const params = new Map<string, string>();
  let i = scheme[0].length;
  while (i < text.length) {
    const name = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(text.slice(i));
    if (!name) return undefined;
    i = skipSpace(text, i + name[0].length);
    if (text[i] !== '=') return undefined;
    i = skipSpace(text, i + 1);
    let value = '';
    if (text[i] === '"') {
      for (i += 1; i < text.length && text[i] !== '"'; i += 1) value += text[i] === '\\' ? (text[++i] ?? '') : text[i];
      if (text[i] !== '"') return undefined;
      i += 1;
    } else {
      const token = /^[^\s,]+/.exec(text.slice(i));
      if (!token) return undefined;
      value = token[0];
      i += value.length;
    }
    params.set(name[0].toLowerCase(), value);
    i = skipSpace(text, i);
    if (i < text.length && text[i++] !== ',') return undefined;
    i = skipSpace(text, i);
  }
  return params;
}

/** An Authorization header → the fields it answers with and its `response`; undefined when a required one is absent. */
export function parseDigestAnswer(text: string): { fields: DigestFields; response: string } | undefined {
  const p = parseDigestParams(text);
  const required = ['username', 'realm', 'nonce', 'uri', 'response'].map((k) => p?.get(k));
  if (!p || required.some((v) => !v)) return undefined;
  const [username, realm, nonce, uri, response] = required as string[];
  const optional = Object.fromEntries(['algorithm', 'qop', 'nc', 'cnonce'].flatMap((k) => (p.has(k) ? [[k, p.get(k)]] : [])));
  return { fields: { username: username!, realm: realm!, nonce: nonce!, uri: uri!, ...optional }, response: response! };
}

/** Constant-time comparison of a received response with the one the password gives. */
export function digestMatches(fields: DigestFields, response: string, password: string, method: string): boolean {
  if (!supportsAlgorithm(fields.algorithm)) return false;
  const expected = Buffer.from(computeDigestResponse(fields, password, method));
  const given = Buffer.from(response.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function skipSpace(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i += 1;
  return i;
}
