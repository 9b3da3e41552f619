/**
 * Address literals as merged intervals: single addresses, CIDRs and ranges (a-b, a.b.c.d-e), IPv4 and IPv6. Shared by
 * audit targets, the allow lists (auditAllow, adminAllow) and a site's phone networks.
 */
import ipaddr from 'ipaddr.js';
import { GhostguardError } from './errors.js';

export interface Interval {
  family: 4 | 6;
  start: bigint;
  /** inclusive */
  end: bigint;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export const invalidTarget = (token: string, why: string): GhostguardError =>
  new GhostguardError('GG_ERR_TARGET_INVALID', `invalid audit target "${token.slice(0, 80)}": ${why}`);

export function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

export function fromBig(family: 4 | 6, value: bigint): string {
  const size = family === 4 ? 4 : 16;
  const bytes = new Array<number>(size);
  let v = value;
  for (let i = size - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

export const familyOf = (a: ipaddr.IPv4 | ipaddr.IPv6): 4 | 6 => (a.kind() === 'ipv4' ? 4 : 6);

/** A literal token → intervals; undefined when the token is a hostname. Throws on anything else. */
export function parseLiteral(token: string, wholeNetwork = false): Interval[] | undefined {
  if (token.includes('/')) {
    const [addrText, bitsText = ''] = token.split('/', 2) as [string, string];
    const addr = parseAddress(addrText);
    if (!addr) throw invalidTarget(token, 'not an IP address before the "/"');
    const family = familyOf(addr);
    const width = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > width) throw invalidTarget(token, `prefix length must be 0-${width}`);
    const hostBits = BigInt(width - Number(bitsText));
    const start = (toBig(addr) >> hostBits) << hostBits;
    const end = start + (1n << hostBits) - 1n;
    // IPv4 networks of 4+ addresses: skip the network and broadcast addresses
    if (family === 4 && hostBits >= 2n && !wholeNetwork) return [{ family, start: start + 1n, end: end - 1n }];
    return [{ family, start, end }];
  }
  const single = parseAddress(token);
  if (single) return [{ family: familyOf(single), start: toBig(single), end: toBig(single) }];
  const dash = token.indexOf('-');
  if (dash > 0) {
    const first = parseAddress(token.slice(0, dash));
    if (first) return [rangeInterval(token, first, token.slice(dash + 1))];
  }
  if (HOSTNAME.test(token) && !/^\d+$/.test(token.replace(/\.$/, '').split('.').pop() ?? '')) return undefined;
  throw invalidTarget(
    token,
    'expected an IP address, CIDR (127.0.1.0/24), range (127.0.1.1-127.0.1.50 or 127.0.1.1-50), hostname or @file',
  );
}

function rangeInterval(token: string, first: ipaddr.IPv4 | ipaddr.IPv6, rest: string): Interval {
  const family = familyOf(first);
  let last = parseAddress(rest);
  if (!last && family === 4 && /^\d{1,3}$/.test(rest) && Number(rest) <= 255) {
    const octets = (first as ipaddr.IPv4).octets.slice(0, 3);
    last = new ipaddr.IPv4([...octets, Number(rest)]);
  }
  if (!last) throw invalidTarget(token, 'the end of the range is not an address');
  if (familyOf(last) !== family) throw invalidTarget(token, 'the range mixes IPv4 and IPv6');
  const start = toBig(first);
  const end = toBig(last);
  if (end < start) throw invalidTarget(token, 'the range ends before it starts');
  return { family, start, end };
}

export function merge(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.family - b.family || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && last.family === iv.family && iv.start <= last.end + 1n) {
      if (iv.end > last.end) last.end = iv.end;
    } else {
      out.push({ ...iv });
    }
  }
  return out;
}

/** the entries of `included` not wholly inside `allowed` */
export function outside(included: { token: string; intervals: Interval[] }[], allowed: readonly string[]): string[] {
  const allow = merge(allowed.flatMap((a) => parseLiteral(a, true) ?? []));
  const within = (iv: Interval) => allow.some((a) => a.family === iv.family && a.start <= iv.start && iv.end <= a.end);
  return included.filter(({ intervals }) => !intervals.every(within)).map((t) => t.token);
}

/** true when the address (IPv4-mapped IPv6 counts as IPv4) lies inside one of the `allowed` addresses, ranges or CIDRs */
export function addressWithin(address: string, allowed: readonly string[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const plain = ipaddr.process(address).toString();
  return outside([{ token: plain, intervals: parseLiteral(plain) ?? [] }], allowed).length === 0;
}
