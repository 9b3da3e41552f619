/** HTTP Digest (RFC 7616, MD5, qop=auth) with server-signed, expiring nonces and per-nonce replay protection. */
import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GhostguardError } from '../model/errors.js';

export const REALM = 'ghostguard';
const NONCE_TTL_MS = 5 * 60_000;
/**
 * How long a nonce is remembered (its signature verified, its highest count): past its TTL, plus a margin for a count
 * checked fresh just before the TTL whose claim reaches the cluster's primary a moment later. A nonce older than this
 * is refused outright, so forgetting it can never let a count through twice.
 */
const REMEMBERED_MS = NONCE_TTL_MS + 60_000;
/** a hard bound besides the age: what a burst of challenges can fill within REMEMBERED_MS */
const MAX_TRACKED_NONCES = 200_000;

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  algorithm?: string;
}

export type NonceState = 'fresh' | 'stale' | 'invalid';

const md5 = (s: string) => hash('md5', s, 'hex');
const sha256 = (s: string) => hash('sha256', s, 'hex');

export function parseDigestHeader(header: string | undefined): DigestCredentials | undefined {
  if (!header || header.length > 2048 || !/^Digest\s/i.test(header)) return undefined;
  const fields: Record<string, string> = {};
  const re = /([a-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/gi;
  re.lastIndex = 7; // after "Digest "
  for (let m = re.exec(header); m; m = re.exec(header)) fields[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  const { username, realm, nonce, uri, response } = fields;
  if (!username || !realm || !nonce || !uri || !response) return undefined;
  return { username, realm, nonce, uri, response, qop: fields.qop, nc: fields.nc, cnonce: fields.cnonce, algorithm: fields.algorithm };
}

/** RFC 7616 §3.4.1: the client's `algorithm` picks the hash (MD5 when absent, as RFC 2617 clients and phones send). */
export function digestResponse(c: Omit<DigestCredentials, 'response'>, password: string, method: string): string {
  const h = c.algorithm?.toUpperCase() === 'SHA-256' ? sha256 : md5;
  const ha1 = h(`${c.username}:${c.realm}:${password}`);
  const ha2 = h(`${method}:${c.uri}`);
  return c.qop ? h(`${ha1}:${c.nonce}:${c.nc}:${c.cnonce}:${c.qop}:${ha2}`) : h(`${ha1}:${c.nonce}:${ha2}`);
}

/**
 * The highest nonce-count accepted per nonce: a count must grow with every use, a repeat is a replay. One process
 * keeps one; a `serve --workers` primary keeps the cluster's (nonce-cluster.ts), which every worker asks before serving.
 */
export class NonceCounts {
  private readonly last = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** how many nonces' counts are remembered */
  get size(): number {
    return this.last.size;
  }

  /** true (and remembered) when `count` is above every count accepted for this nonce so far */
  accept(nonce: string, count: number): boolean {
    if (!Number.isSafeInteger(count) || count < 0) return false;
    const now = this.now();
    if (!(now - issuedAt(nonce) <= REMEMBERED_MS)) return false;
    const last = this.last.get(nonce);
    if (last !== undefined && count <= last) return false;
    if (last === undefined) {
      forgetOlderThan(this.last, now - REMEMBERED_MS, (n) => issuedAt(n));
      if (this.last.size >= MAX_TRACKED_NONCES) this.last.delete(this.last.keys().next().value!);
      this.last.set(detached(nonce), count);
    } else {
      this.last.set(nonce, count); // keeps the stored key
    }
    return true;
  }
}

/** A nonce's issue time (NaN for a string that is not one of ours). */
function issuedAt(nonce: string): number {
  const end = nonce.indexOf('.');
  return end > 0 ? parseInt(nonce.slice(0, end), 36) : Number.NaN;
}

/**
 * Drops the oldest entries of a map kept in about the order nonces were issued, while they are older than `horizon`:
 * a phone's nonce lives minutes, and a long-running server would otherwise keep every one up to MAX_TRACKED_NONCES.
 */
function forgetOlderThan<V>(map: Map<string, V>, horizon: number, issued: (nonce: string, value: V) => number): void {
  for (const [nonce, value] of map) {
    if (issued(nonce, value) >= horizon) return;
    map.delete(nonce);
  }
}

/** The nonce-count field of a Digest header as a number (absent: 0, as RFC 2069 clients send none). */
export function nonceCount(nc: string | undefined): number {
  return nc ? (/^[0-9a-f]{1,8}$/i.test(nc) ? parseInt(nc, 16) : Number.NaN) : 0;
}

/**
 * Nonces are `<time>.<issuer>.<random>.<signature>`. Server processes of one cluster share the key, so any of them
 * accepts a nonce any of them issued; the counts each accepts are then claimed at the cluster's primary before the
 * file is served (nonce-cluster.ts), so a captured header is served once cluster-wide.
 */
export class NonceAuthority {
  private readonly key: Buffer;
  private readonly counts: NonceCounts;
  /** nonces whose signature already verified → issue time: phones reuse a nonce for many requests */
  private readonly verified = new Map<string, number>();
  /**
   * Nonces issued before this authority existed are stale: the counts that refuse a replay live in memory, so a nonce
   * from before a restart — with a header captured and already used — must not verify again.
   */
  private readonly notBefore: number;

  constructor(
    key: Buffer = randomBytes(32),
    private readonly now: () => number = Date.now,
    private readonly issuer = 'a',
  ) {
    this.key = key;
    this.counts = new NonceCounts(now);
    this.notBefore = now();
    if (!/^[a-z0-9]+$/.test(issuer)) throw new GhostguardError('GG_ERR_INTERNAL', 'issuer must be lowercase alphanumeric');
  }

  issue(): string {
    const issued = this.now();
    const body = `${issued.toString(36)}.${this.issuer}.${randomBytes(9).toString('base64url')}`;
    const nonce = `${body}.${this.sign(body)}`;
    // its signature is known good: the phone's first answer to it costs a map look-up, not a second HMAC
    this.remember(nonce, issued);
    return nonce;
  }

  check(nonce: string): NonceState {
    const known = this.verified.get(nonce);
    if (known !== undefined) return this.now() - known > NONCE_TTL_MS ? 'stale' : 'fresh';
    const parts = nonce.split('.');
    if (parts.length !== 4) return 'invalid';
    const body = parts.slice(0, 3).join('.');
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(parts[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    const issued = parseInt(parts[0]!, 36);
    if (!(issued >= this.notBefore) || this.now() - issued > NONCE_TTL_MS) return 'stale';
    this.remember(detached(nonce), issued);
    return 'fresh';
  }

  /** how many nonces are remembered as verified, and how many with their counts */
  get remembered(): { verified: number; counted: number } {
    return { verified: this.verified.size, counted: this.counts.size };
  }

  private remember(nonce: string, issued: number): void {
    forgetOlderThan(this.verified, this.now() - REMEMBERED_MS, (_, at) => at);
    if (this.verified.size >= MAX_TRACKED_NONCES) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(nonce, issued);
  }

  /** A nonce-count must grow with every use; a repeat is a replay. Call only after the response verified. */
  acceptCount(nonce: string, nc: string | undefined): boolean {
    return this.counts.accept(nonce, nonceCount(nc));
  }

  challenge(stale = false): string {
    return `Digest realm="${REALM}", qop="auth", algorithm=MD5, nonce="${this.issue()}"${stale ? ', stale=true' : ''}`;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}

/**
 * A nonce parsed out of an Authorization header is a slice of it: kept as a map key it would pin the whole header
 * (~250 bytes) for the nonce's life. A copy of its own holds only the nonce.
 */
function detached(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

export function verifyDigest(c: DigestCredentials, password: string, method: string): boolean {
  const expected = Buffer.from(digestResponse(c, password, method));
  const given = Buffer.from(c.response.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
