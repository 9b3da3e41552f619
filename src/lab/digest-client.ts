/** The client side of HTTP Digest (RFC 7616, MD5, qop=auth) as a phone does it: answer a challenge, count nonce uses. */
import { randomBytes } from 'node:crypto';
import { digestResponse } from '../provisioning/digest.js';

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
  if (!text || text.length > 2048 || !/^Digest\s/i.test(text)) return undefined;
  const fields: Record<string, string> = {};
  const re = /([a-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/gi;
  const rest = text.slice(7);
  for (let m = re.exec(rest); m; m = re.exec(rest)) fields[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
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
  authorization(creds: Credentials, method: string, uri: string): string | undefined {
    const c = this.challenge;
    if (!c) return undefined;
    if (c.algorithm && !/^MD5$/i.test(c.algorithm)) return undefined;
    this.count = Math.min(this.count + 1, 0xffffffff);
    const nc = this.count.toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const base = { username: creds.username, realm: c.realm, nonce: c.nonce, uri, ...(c.qop ? { qop: c.qop, nc, cnonce } : {}) };
    const response = digestResponse(base, creds.password, method);
    const parts = [
      `username="${quote(creds.username)}"`,
      `realm="${quote(c.realm)}"`,
      `nonce="${quote(c.nonce)}"`,
      `uri="${quote(uri)}"`,
      `response="${response}"`,
      'algorithm=MD5',
      ...(c.qop ? [`qop=${c.qop}`, `nc=${nc}`, `cnonce="${cnonce}"`] : []),
      ...(c.opaque ? [`opaque="${quote(c.opaque)}"`] : []),
    ];
    return `Digest ${parts.join(', ')}`;
  }
}

const quote = (s: string): string => s.replace(/["\\\r\n]/g, '');
