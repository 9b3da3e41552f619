/**
 * Operator authentication for the admin listener: one admin password (env or a generated file), scrypt-checked in
 * constant time; random 32-byte session tokens whose hashes the state store keeps, with idle and absolute expiry; a login
 * rate limit per source.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { GhostguardError } from '../model/errors.js';
import type { SessionLimits, SessionRecords } from '../store/store.js';

export const ADMIN_USER = 'admin';
export const PASSWORD_ENV = 'GHOSTGUARD_ADMIN_PASSWORD';
export const PASSWORD_FILE = 'admin-password';

export interface AdminPasswordInfo {
  source: 'env' | 'file';
  /** the file holding the password (source 'file') */
  path?: string;
  /** true when the file was created by this process: the only time the password itself may be shown */
  created: boolean;
  /** set only when `created` */
  password?: string;
}

/** The admin password: $GHOSTGUARD_ADMIN_PASSWORD, else <dataDir>/admin-password, generated once (mode 0600). */
export function loadAdminPassword(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { password: string; info: AdminPasswordInfo } {
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 12) throw new GhostguardError('GG_ERR_ADMIN_PASSWORD', `${PASSWORD_ENV} must be at least 12 characters`);
    return { password: fromEnv, info: { source: 'env', created: false } };
  }
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, PASSWORD_FILE);
  if (!existsSync(path)) {
    const password = randomBytes(18).toString('base64url');
    try {
      writeFileSync(path, password + '\n', { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      return { password, info: { source: 'file', path, created: true, password } };
    } catch (err) {
      // another process created it between the check and the write: read theirs
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const password = readFileSync(path, 'utf8').trim();
  if (password.length < 12) throw new GhostguardError('GG_ERR_ADMIN_PASSWORD', `${path} must hold a password of at least 12 characters`);
  return { password, info: { source: 'file', path, created: false } };
}

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Holds only a salted scrypt hash of the password; every check costs the same scrypt work. */
export class PasswordCheck {
  private constructor(
    private readonly salt: Buffer,
    private readonly hash: Buffer,
  ) {}

  static async of(password: string): Promise<PasswordCheck> {
    const salt = randomBytes(16);
    return new PasswordCheck(salt, await derive(password, salt));
  }

  async verify(user: string, candidate: string): Promise<boolean> {
    // bounded input: scrypt over megabytes would be a cheap denial of service
    const key = await derive(candidate.slice(0, 1024), this.salt);
    const passwordOk = timingSafeEqual(key, this.hash);
    return passwordOk && user === ADMIN_USER;
  }
}

export interface Session {
  /** the token the cookie carries; held in this request only, never stored (the store keeps its sha256) */
  id: string;
  user: string;
  createdAt: number;
  lastSeen: number;
}

export type { SessionLimits };

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, maxAgeMs: 12 * 3600_000, max: 1000 };

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Dashboard sessions: a random 32-byte token in the cookie, its sha256 in the state store (shared by every worker and
 * replica on it), so a login made on one replica is valid on all and a logout or expiry ends it everywhere. A plain hash
 * suffices: the token is 256 random bits, not a password a dictionary could find.
 */
export class SessionStore {
  constructor(
    private readonly records: SessionRecords,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  async create(user: string): Promise<Session> {
    const t = this.now();
    const id = randomBytes(32).toString('base64url');
    await this.records.create(tokenHash(id), user, t, this.limits);
    return { id, user, createdAt: t, lastSeen: t };
  }

  /** The live session for a cookie value, touched; undefined when unknown or expired. */
  async get(id: string | undefined): Promise<Session | undefined> {
    if (id?.length !== 43) return undefined;
    const stored = await this.records.touch(tokenHash(id), this.now(), this.limits);
    return stored && { id, ...stored };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.records.destroy(tokenHash(id));
  }
}

export interface LoginLimits {
  /** failed attempts from one address (an IPv6 /64) before it is locked out until its window ends */
  perAddress: number;
  windowMs: number;
  /** failed attempts from one address answered at once; after them each attempt waits `slowdownMs`, doubling per failure */
  freeAttempts?: number;
  slowdownMs?: number;
}

export const DEFAULT_LOGIN_LIMITS: Required<LoginLimits> = { perAddress: 10, windowMs: 15 * 60_000, freeAttempts: 3, slowdownMs: 1000 };

/** The key a source's failures count under: the address, or its /64 for IPv6 (one host holds a whole /64). */
function sourceKey(source: string): string {
  if (!ipaddr.isValid(source)) return source;
  const address = ipaddr.process(source);
  if (address.kind() === 'ipv4') return address.toString();
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/64`).toString()}/64`;
}

/**
 * Failed logins per source address: the first few are answered at once, then each attempt from that address waits a
 * doubling delay, and after `perAddress` failures the address is locked out for the rest of its window. There is no
 * global lockout: guessing from many addresses cannot lock the operator out from another one (each guess still costs
 * the attacker one scrypt-checked attempt per address and delay).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; lastAt: number; resetAt: number }>();
  private readonly limits: Required<LoginLimits>;

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** Seconds until this source may try again; 0 when it may try now. */
  retryAfter(source: string): number {
    const t = this.now();
    const own = this.failures.get(sourceKey(source));
    if (!own || own.resetAt <= t) return 0;
    const { perAddress, freeAttempts, slowdownMs } = this.limits;
    if (own.count >= perAddress) return Math.ceil((own.resetAt - t) / 1000);
    if (own.count < freeAttempts) return 0;
    const delay = Math.min(slowdownMs * 2 ** (own.count - freeAttempts), own.resetAt - own.lastAt);
    return Math.max(0, Math.ceil((own.lastAt + delay - t) / 1000));
  }

  fail(source: string): void {
    const t = this.now();
    const key = sourceKey(source);
    const own = this.failures.get(key);
    if (!own || own.resetAt <= t) {
      if (this.failures.size >= 10_000) this.sweep(t);
      if (this.failures.size >= 10_000) this.failures.delete(this.failures.keys().next().value!);
      this.failures.set(key, { count: 1, lastAt: t, resetAt: t + this.limits.windowMs });
    } else {
      own.count++;
      own.lastAt = t;
    }
  }

  succeed(source: string): void {
    this.failures.delete(sourceKey(source));
  }

  private sweep(t: number): void {
    for (const [key, f] of this.failures) if (f.resetAt <= t) this.failures.delete(key);
  }
}
