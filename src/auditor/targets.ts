/**
 * Audit targets: CIDR, ranges (a-b, a-n), single addresses, hostnames and @file lists, minus --exclude.
 * Kept as merged address intervals and walked lazily, so memory stays flat from a /24 to a /16.
 */
import { GhostguardError } from '../model/errors.js';
import {
  familyOf,
  fromBig,
  type Interval,
  invalidTarget,
  merge,
  outside,
  parseAddress,
  parseLiteral,
  toBig,
} from '../model/address-ranges.js';

export const DEFAULT_MAX_HOSTS = 65_536;

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

const MAX_FILE_TOKENS = 100_000;

/** Splits arguments into tokens, expanding @file (one level, comments after #). */
export function tokenize(specs: readonly string[], readFile?: (path: string) => string): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    for (const token of spec.split(/[\s,]+/).filter(Boolean)) {
      if (!token.startsWith('@')) {
        out.push(token);
        continue;
      }
      if (!readFile) throw invalidTarget(token, 'target files are not available here');
      let text: string;
      try {
        text = readFile(token.slice(1));
      } catch (err) {
        throw invalidTarget(token, `cannot read the file (${(err as Error).message})`);
      }
      const inner = text
        .split(/\r?\n/)
        .map((l) => l.replace(/#.*/, ''))
        .join(' ')
        .split(/[\s,]+/)
        .filter(Boolean);
      if (inner.length > MAX_FILE_TOKENS) throw invalidTarget(token, `more than ${MAX_FILE_TOKENS} entries`);
      const nested = inner.find((t) => t.startsWith('@'));
      if (nested) throw invalidTarget(nested, `target files cannot include other files (in ${token})`);
      out.push(...inner);
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
    if (!options.resolveHost) throw invalidTarget(token, 'hostnames cannot be resolved here');
    let addresses: string[];
    try {
      addresses = await options.resolveHost(token);
    } catch (err) {
      throw invalidTarget(token, `the hostname does not resolve (${(err as Error).message})`);
    }
    const intervals: Interval[] = [];
    for (const a of addresses.slice(0, 16)) {
      const addr = parseAddress(a);
      if (!addr) continue;
      intervals.push({ family: familyOf(addr), start: toBig(addr), end: toBig(addr) });
      labels?.set(addr.toString(), token);
    }
    if (intervals.length === 0) throw invalidTarget(token, 'the hostname does not resolve to an address');
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
