/**
 * API tokens for scripts: `ghostguard token create <name>` makes a random token, shows it once and keeps only its
 * SHA-256 in <dataDir>/api-tokens.json (mode 0600); the JSON API accepts it as `Authorization: Bearer <token>` until
 * `ghostguard token revoke` removes it. The server re-reads the file when it changes, so a revocation holds at once.
 * A plain hash suffices: the token is 256 random bits, not a password a dictionary could find.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GhostguardError } from '../model/errors.js';

export const TOKENS_FILE = 'api-tokens.json';

export interface ApiToken {
  /** short public id, part of the token itself: names the token in lists and logs without revealing it */
  id: string;
  name: string;
  sha256: string;
  createdAt: string;
}

const TOKEN_FORMAT = /^ggt_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const NAME_FORMAT = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

export function readTokens(dataDir: string): ApiToken[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, TOKENS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const parsed = JSON.parse(text) as { tokens?: unknown };
  if (!Array.isArray(parsed.tokens)) throw new GhostguardError('GG_ERR_TOKEN_FILE', `${join(dataDir, TOKENS_FILE)} is not a token file`);
  return parsed.tokens.filter(
    (t): t is ApiToken => typeof t?.id === 'string' && typeof t?.sha256 === 'string' && typeof t?.name === 'string',
  );
}

function writeTokens(dataDir: string, tokens: readonly ApiToken[]): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, TOKENS_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify({ tokens }, null, 2) + '\n', { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Makes a token named `name`; returns it in clear (the only time it exists outside the caller's hands). */
export function createToken(dataDir: string, name: string, now = new Date()): { token: string; record: ApiToken } {
  if (!NAME_FORMAT.test(name))
    throw new GhostguardError('GG_ERR_USAGE', 'a token name is 1-64 letters, digits, spaces or . _ @ -, starting with a letter or digit');
  const tokens = readTokens(dataDir);
  if (tokens.some((t) => t.name === name))
    throw new GhostguardError('GG_ERR_USAGE', `a token named "${name}" exists; revoke it first or pick another name`);
  const id = randomBytes(4).toString('hex');
  const token = `ggt_${id}_${randomBytes(32).toString('base64url')}`;
  const record: ApiToken = { id, name, sha256: digest(token), createdAt: now.toISOString() };
  writeTokens(dataDir, [...tokens, record]);
  return { token, record };
}

/** Removes the token with this id or name; the removed record, or undefined when there is none. */
export function revokeToken(dataDir: string, idOrName: string): ApiToken | undefined {
  const tokens = readTokens(dataDir);
  const gone = tokens.find((t) => t.id === idOrName || t.name === idOrName);
  if (gone)
    writeTokens(
      dataDir,
      tokens.filter((t) => t !== gone),
    );
  return gone;
}

/** The server's view of the token file: re-read whenever it changes (inode, size or time), checked in constant time. */
export class TokenCheck {
  private stamp = '';
  private tokens: { record: ApiToken; hash: Buffer }[] = [];

  constructor(private readonly dataDir: string) {}

  /** The token's record when it is valid now; undefined otherwise. */
  verify(candidate: string): ApiToken | undefined {
    const m = TOKEN_FORMAT.exec(candidate);
    if (!m) return undefined;
    this.refresh();
    const hash = Buffer.from(digest(candidate), 'hex');
    let found: ApiToken | undefined;
    for (const t of this.tokens) if (timingSafeEqual(t.hash, hash)) found = t.record;
    return found;
  }

  private refresh(): void {
    let stamp: string;
    try {
      const s = statSync(join(this.dataDir, TOKENS_FILE));
      stamp = `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp === this.stamp) return;
    this.tokens = readTokens(this.dataDir)
      .map((record) => ({ record, hash: Buffer.from(record.sha256, 'hex') }))
      .filter((t) => t.hash.length === 32);
    this.stamp = stamp;
  }
}
