/**
 * Audit targets: CIDR, ranges (a-b, a-n), single addresses, hostnames and @file lists, minus --exclude.
 * Kept as merged address intervals and walked lazily, so memory stays flat from a /24 to a /16.
 */
import ipaddr from 'ipaddr.js';
import { GhostguardError } from '../model/errors.js';

export const DEFAULT_MAX_HOSTS = 65_536;

interface Interval {
  family: 4 | 6;
  start: bigint;
  /** inclusive */
  end: bigint;
}

export interface TargetOptions {
  exclude?: readonly string[];
  maxHosts?: number;
  /** reads an @file list */
  readFile?: (path: string) => string;
  /** hostname → addresses */
  resolveHost?: (name: string) => Promise<string[]>;
  /** when given, every target must lie inside these CIDRs */
  allowed?: readonly string[];
}

export interface TargetSet extends Iterable<string> {
  readonly count: number;
  /** hostnames the operator gave, by address */
  readonly labels: ReadonlyMap<string, string>;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const MAX_FILE_TOKENS = 100_000;

const invalid = (token: string, why: string): GhostguardError =>
  new GhostguardError('GG_ERR_TARGET_INVALID', `invalid audit target "${token.slice(0, 80)}": ${why}`);

/** Splits arguments into tokens, expanding @file (one level, comments after #). */
export function tokenize(specs: readonly string[], readFile?: (path: string) => string): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    for (const token of spec.split(/[\s,]+/).filter(Boolean)) {
      if (!token.startsWith('@')) {
        out.push(token);
        continue;
      }
      if (!readFile) throw invalid(token, 'target files are not available here');
      let text: string;
      try {
        text = readFile(token.slice(1));
      } catch (err) {
        throw invalid(token, `cannot read the file (${(err as Error).message})`);
      }
      const inner = text
        .split(/\r?\n/)
        .map((l) => l.replace(/#.*/, ''))
        .join(' ')
        .split(/[\s,]+/)
        .filter(Boolean);
      if (inner.length > MAX_FILE_TOKENS) throw invalid(token, `more than ${MAX_FILE_TOKENS} entries`);
      const nested = inner.find((t) => t.startsWith('@'));
      if (nested) throw invalid(nested, `target files cannot include other files (in ${token})`);
      out.push(...inner);
    }
  }
  return out;
}

function toBig(addr: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return addr.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBig(family: 4 | 6, value: bigint): string {
  const size = family === 4 ? 4 : 16;
  const bytes = new Array<number>(size);
  let v = value;
  for (let i = size - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString();
}

function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) return ipaddr.IPv6.parse(text);
  return undefined;
}

const familyOf = (a: ipaddr.IPv4 | ipaddr.IPv6): 4 | 6 => (a.kind() === 'ipv4' ? 4 : 6);

/** A literal token → intervals; undefined when the token is a hostname. Throws on anything else. */
export function parseLiteral(token: string, wholeNetwork = false): Interval[] | undefined {
  if (token.includes('/')) {
    const [addrText, bitsText = ''] = token.split('/', 2) as [string, string];
    const addr = parseAddress(addrText);
    if (!addr) throw invalid(token, 'not an IP address before the "/"');
    const family = familyOf(addr);
    const width = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > width) throw invalid(token, `prefix length must be 0-${width}`);
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
  throw invalid(token, 'expected an IP address, CIDR (127.0.1.0/24), range (127.0.1.1-127.0.1.50 or 127.0.1.1-50), hostname or @file');
}

function rangeInterval(token: string, first: ipaddr.IPv4 | ipaddr.IPv6, rest: string): Interval {
  const family = familyOf(first);
  let last = parseAddress(rest);
  if (!last && family === 4 && /^\d{1,3}$/.test(rest) && Number(rest) <= 255) {
    const octets = (first as ipaddr.IPv4).octets.slice(0, 3);
    last = new ipaddr.IPv4([...octets, Number(rest)]);
  }
  if (!last) throw invalid(token, 'the end of the range is not an address');
  if (familyOf(last) !== family) throw invalid(token, 'the range mixes IPv4 and IPv6');
  const start = toBig(first);
  const end = toBig(last);
  if (end < start) throw invalid(token, 'the range ends before it starts');
  return { family, start, end };
}

function merge(intervals: Interval[]): Interval[] {
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

function subtract(include: Interval[], exclude: Interval[]): Interval[] {
  let current = include;
  for (const ex of exclude) {
    const next: Interval[] = [];
    for (const iv of current) {
      if (iv.family !== ex.family || ex.end < iv.start || ex.start > iv.end) {
        next.push(iv);
        continue;
      }
      if (ex.start > iv.start) next.push({ family: iv.family, start: iv.start, end: ex.start - 1n });
      if (ex.end < iv.end) next.push({ family: iv.family, start: ex.end + 1n, end: iv.end });
    }
    current = next;
  }
  return current;
}

async function expand(
  tokens: string[],
  options: TargetOptions,
  labels?: Map<string, string>,
): Promise<{ token: string; intervals: Interval[] }[]> {
  const out: { token: string; intervals: Interval[] }[] = [];
  for (const token of tokens) {
    const literal = parseLiteral(token);
    if (literal) {
      out.push({ token, intervals: literal });
      continue;
    }
    if (!options.resolveHost) throw invalid(token, 'hostnames cannot be resolved here');
    let addresses: string[];
    try {
      addresses = await options.resolveHost(token);
    } catch (err) {
      throw invalid(token, `the hostname does not resolve (${(err as Error).message})`);
    }
    const intervals: Interval[] = [];
    for (const a of addresses.slice(0, 16)) {
      const addr = parseAddress(a);
      if (!addr) continue;
      intervals.push({ family: familyOf(addr), start: toBig(addr), end: toBig(addr) });
      labels?.set(addr.toString(), token);
    }
    if (intervals.length === 0) throw invalid(token, 'the hostname does not resolve to an address');
    out.push({ token, intervals });
  }
  return out;
}

/** Parses, resolves and checks the targets; throws GhostguardError (GG_ERR_TARGET_*) naming the bad token. */
export async function resolveTargets(specs: readonly string[], options: TargetOptions = {}): Promise<TargetSet> {
  const tokens = tokenize(specs, options.readFile);
  if (tokens.length === 0) throw new GhostguardError('GG_ERR_TARGET_INVALID', 'no audit targets given (there is no default target)');
  const labels = new Map<string, string>();
  const included = await expand(tokens, options, labels);
  const excluded = await expand(tokenize(options.exclude ?? [], options.readFile), options);
  if (options.allowed) checkAllowed(included, options.allowed);
  const intervals = subtract(merge(included.flatMap((t) => t.intervals)), merge(excluded.flatMap((t) => t.intervals)));
  const count = intervals.reduce((n, iv) => n + (iv.end - iv.start + 1n), 0n);
  const max = options.maxHosts ?? DEFAULT_MAX_HOSTS;
  if (count > BigInt(max)) {
    throw new GhostguardError(
      'GG_ERR_TARGET_TOO_MANY',
      `the targets cover ${count} hosts, more than the limit of ${max} (raise it with --max-hosts)`,
    );
  }
  if (count === 0n) throw new GhostguardError('GG_ERR_TARGET_INVALID', 'no hosts left to audit after exclusions');
  return {
    count: Number(count),
    labels,
    *[Symbol.iterator]() {
      for (const iv of intervals) for (let v = iv.start; v <= iv.end; v++) yield fromBig(iv.family, v);
    },
  };
}

function outside(included: { token: string; intervals: Interval[] }[], allowed: readonly string[]): string[] {
  const allow = merge(allowed.flatMap((a) => parseLiteral(a, true) ?? []));
  const within = (iv: Interval) => allow.some((a) => a.family === iv.family && a.start <= iv.start && iv.end <= a.end);
  return included.filter(({ intervals }) => !intervals.every(within)).map((t) => t.token);
}

function checkAllowed(included: { token: string; intervals: Interval[] }[], allowed: readonly string[]): void {
  const [token] = outside(included, allowed);
  if (token !== undefined) {
    throw new GhostguardError(
      'GG_ERR_TARGET_FORBIDDEN',
      `audit target "${token.slice(0, 80)}" is outside the allowed ranges (${allowed.join(', ')})`,
    );
  }
}

/** The address literals among `tokens` not wholly inside `allowed` (host names are judged once resolved, at run time). */
export function literalsOutside(tokens: readonly string[], allowed: readonly string[]): string[] {
  return outside(
    tokens.flatMap((token) => {
      const intervals = parseLiteral(token);
      return intervals ? [{ token, intervals }] : [];
    }),
    allowed,
  );
}

/** true when the address (IPv4-mapped IPv6 counts as IPv4) lies inside one of the `allowed` addresses, ranges or CIDRs */
export function addressWithin(address: string, allowed: readonly string[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const plain = ipaddr.process(address).toString();
  return outside([{ token: plain, intervals: parseLiteral(plain) ?? [] }], allowed).length === 0;
}
