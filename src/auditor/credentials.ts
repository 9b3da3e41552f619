/**
 * The credentials file (YAML or JSON): logins for phones ghostguard did not provision, and extra SNMP communities.
 *   logins:
 *     - { host: 127.0.1.0/24, vendor: polycom, username: Polycom, password: "…" }
 *     - { mac: 00:04:f2:aa:bb:cc, password: "…" }
 *   communities: ["…"]
 * Passwords never appear in errors.
 */
import ipaddr from 'ipaddr.js';
import { parse } from 'yaml';
import { GhostguardError } from '../model/errors.js';
import { parseMac, type Mac } from '../model/mac.js';
import type { Credentials } from '../model/vendor-audit.js';

export interface CredentialEntry {
  host?: string;
  mac?: Mac;
  vendor?: string;
  username?: string;
  password: string;
}

export interface CredentialsFile {
  logins: CredentialEntry[];
  communities: string[];
}

const bad = (where: string, why: string): GhostguardError => new GhostguardError('GG_ERR_USAGE', `credentials file: ${where}: ${why}`);

export function parseCredentialsFile(text: string): CredentialsFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw bad('(syntax)', (err as Error).message.split('\n')[0]!);
  }
  if (doc === null || doc === undefined) return { logins: [], communities: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw bad('(root)', 'must be a map with logins and/or communities');
  const root = doc as Record<string, unknown>;
  for (const k of Object.keys(root))
    if (k !== 'logins' && k !== 'communities') throw bad(k, 'unknown field (expected logins, communities)');
  const logins = root.logins ?? [];
  if (!Array.isArray(logins)) throw bad('logins', 'must be a list');
  const communities = root.communities ?? [];
  if (!Array.isArray(communities) || communities.some((c) => typeof c !== 'string' || c === ''))
    throw bad('communities', 'must be a list of strings');
  return { logins: logins.slice(0, 10_000).map((e, i) => entry(e, i)), communities: (communities as string[]).slice(0, 8) };
}

function entry(raw: unknown, i: number): CredentialEntry {
  const where = `logins[${i}]`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw bad(where, 'must be a map');
  const e = raw as Record<string, unknown>;
  for (const k of Object.keys(e))
    if (!['host', 'mac', 'vendor', 'username', 'password'].includes(k)) throw bad(`${where}.${k}`, 'unknown field');
  if (typeof e.password !== 'string' && typeof e.password !== 'number') throw bad(`${where}.password`, 'is required');
  const out: CredentialEntry = { password: String(e.password) };
  if (e.host !== undefined) {
    const host = String(e.host);
    if (!ipaddr.isValid(host) && !ipaddr.isValidCIDR(host)) throw bad(`${where}.host`, 'must be an IP address or CIDR');
    out.host = host;
  }
  if (e.mac !== undefined) {
    const mac = parseMac(String(e.mac));
    if (!mac) throw bad(`${where}.mac`, 'not a MAC address');
    out.mac = mac;
  }
  if (e.vendor !== undefined) out.vendor = String(e.vendor);
  if (e.username !== undefined) out.username = String(e.username);
  return out;
}

function hostMatches(pattern: string, host: string): boolean {
  try {
    const addr = ipaddr.parse(host);
    if (pattern.includes('/')) {
      const range = ipaddr.parseCIDR(pattern);
      return addr.kind() === range[0].kind() && addr.match(range);
    }
    return ipaddr.parse(pattern).toString() === addr.toString();
  } catch {
    return false;
  }
}

/** Entries whose selectors all match this phone, with the vendor's admin user filled in. */
export function credentialsFor(
  entries: readonly CredentialEntry[],
  phone: { host: string; mac?: Mac; vendor: string },
  adminUser: string,
): Credentials[] {
  return entries
    .filter(
      (e) =>
        (e.host === undefined || hostMatches(e.host, phone.host)) &&
        (e.mac === undefined || e.mac === phone.mac) &&
        (e.vendor === undefined || e.vendor === phone.vendor),
    )
    .map((e) => ({ username: e.username ?? adminUser, password: e.password }));
}
