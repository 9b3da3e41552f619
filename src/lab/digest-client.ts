/** The client side of HTTP Digest (RFC 7616, MD5 or SHA-256, qop=auth) as a phone does it: answer a challenge, count nonce uses. */
import { randomBytes } from 'node:crypto';
import { computeDigestResponse, parseDigestParams, supportsAlgorithm } from './digest.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm?: string;
  stale: boolean;
}

export interface Credentials {
  username: string;
  password: string;
}

/** `WWW-Authenticate: Digest realm="…", nonce="…", qop="auth"` → challenge; undefined for Basic or garbage. */
export function parseChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const text = Array.isArray(header) ? header.find((h) => /^Digest\s/i.test(h)) : header;
  const params = text === undefined ? undefined : parseDigestParams(text);
  const fields = Object.fromEntries(params ?? []);
  if (!fields.realm || !fields.nonce) return undefined;
  const qops = (fields.qop ?? '').split(',').map((q) => q.trim());
  return {
    realm: fields.realm,
    nonce: fields.nonce,
    ...(qops.includes('auth') ? { qop: 'auth' } : {}),
    ...(fields.opaque ? { opaque: fields.opaque } : {}),
    ...(fields.algorithm ? { algorithm: fields.algorithm } : {}),
    stale: /^true$/i.test(fields.stale ?? ''),
  };
}

/** Keeps the last challenge and its nonce count, so later requests can answer it pre-emptively. */
export class DigestSession {
  private challenge: DigestChallenge | undefined;
  private count = 0;

  get ready(): boolean {
    return this.challenge !== undefined;
  }

  accept(challenge: DigestChallenge): void {
    this.challenge = challenge;
    this.count = 0;
  }

  forget(): void {
    this.challenge = undefined;
    this.count = 0;
  }

  /** Authorization header for one request; every call uses the next nonce count. */
  authorization(creds: Credentials, method: string, uri: string, cnonce = randomBytes(8).toString('hex')): string | undefined {
    const c = this.challenge;
    if (!c) return undefined;
    if (!supportsAlgorithm(c.algorithm)) return undefined;
    const algorithm = c.algorithm?.toUpperCase() ?? 'MD5';
    this.count = Math.min(this.count + 1, 0xffffffff);
    const nc = this.count.toString(16).padStart(8, '0');
    const base = { username: creds.username, realm: c.realm, nonce: c.nonce, uri, algorithm, ...(c.qop ? { qop: c.qop, nc, cnonce } : {}) };
    const response = computeDigestResponse(base, creds.password, method);
    const parts = [
      `username="${quote(creds.username)}"`,
      `realm="${quote(c.realm)}"`,
      `nonce="${quote(c.nonce)}"`,
      `uri="${quote(uri)}"`,
      `response="${response}"`,
      `algorithm=${algorithm}`,
      ...(c.qop ? [`qop=${c.qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
      ...(c.opaque ? [`opaque="${quote(c.opaque)}"`] : []),
    ];
    return `Digest ${parts.join(', ')}`;
  }
}

const quote = (s: string): string => s.replace(/["\\\r\n]/g, '');
