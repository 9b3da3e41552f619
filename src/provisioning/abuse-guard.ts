/** Rate limits and temporary bans per source address and per /24 (or /64), sized for a whole office behind one NAT address. */
import ipaddr from 'ipaddr.js';
import { SpreadWatch, type SpreadAlert, type SpreadLimits } from './spread-watch.js';

export interface AbuseLimits {
  perAddress: { burst: number; perSecond: number };
  perSubnet: { burst: number; perSecond: number };
  /** failures (unknown MAC, bad credentials) tolerated per window before a ban */
  addressFailures: number;
  subnetFailures: number;
  /** requests without credentials for secret files: a phone needs one or two per boot, a harvester thousands */
  addressChallenges: number;
  subnetChallenges: number;
  failureWindowMs: number;
  banMs: number;
  canaryBanMs: number;
  /** the aggregate alert for guessing spread over many /24s (absent: DEFAULT_SPREAD) */
  spread?: SpreadLimits;
}

export const DEFAULT_SPREAD: SpreadLimits = { guesses: 1000, subnets: 16, windowMs: 10 * 60_000 };

export const DEFAULT_LIMITS: AbuseLimits = {
  perAddress: { burst: 3000, perSecond: 600 },
  perSubnet: { burst: 12000, perSecond: 2400 },
  addressFailures: 10,
  subnetFailures: 40,
  addressChallenges: 1000,
  subnetChallenges: 2500,
  failureWindowMs: 10 * 60_000,
  banMs: 15 * 60_000,
  canaryBanMs: 24 * 3600_000,
};

const MAX_KEYS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}
interface Failures {
  count: number;
  since: number;
}

export type Verdict = 'ok' | 'banned' | 'rate-limited';

const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function subnetOf(address: string): string {
  if (DOTTED_QUAD.test(address)) return `${address.slice(0, address.lastIndexOf('.'))}.0/24`;
  try {
    const ip = ipaddr.process(address);
    if (ip.kind() === 'ipv4') return `${ip.toString().split('.').slice(0, 3).join('.')}.0/24`;
    return `${(ip as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
  } catch {
    return address;
  }
}

/** What one server process tells the others' coordinator (`serve --workers`): its denials, refunds and canary hits. */
export type GuardReport =
  | { kind: 'deny'; address: string; weight: 'challenge' | 'failure' }
  | { kind: 'refund'; address: string; times: number }
  | { kind: 'ban-now'; address: string }
  /** requests this process admitted from an address: the coordinator counts them against the address's shared bucket */
  | { kind: 'take'; address: string; times: number };

export interface Ban {
  key: string;
  until: number;
}

/** A rate bucket (`a:<address>` or `s:<subnet>`) run dry across processes: refused as rate-limited until `until`. */
export interface Throttle {
  key: string;
  until: number;
}

export class AbuseGuard {
  private readonly buckets = new Map<string, Bucket>();
  private readonly failures = new Map<string, Failures>();
  private readonly bans = new Map<string, number>();
  /** buckets the coordinator found empty across processes (keys as in `buckets`) */
  private readonly throttles = new Map<string, number>();
  /** set in cluster workers: every denial, refund and canary hit is reported, so bans count across processes */
  report?: (report: GuardReport) => void;
  /**
   * guessing spread over many /24s crossed the aggregate threshold (once per window, in the whole scope: a shared
   * guard's own watch stays off and the coordination calls this where the alert is raised)
   */
  onSpread?: (alert: SpreadAlert) => void;
  private readonly spread: SpreadWatch;

  constructor(
    private readonly limits: AbuseLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.spread = new SpreadWatch(limits.spread ?? DEFAULT_SPREAD, now);
  }

  /** A ban decided elsewhere (the cluster's coordinator), kept until it expires. */
  applyBan(ban: Ban): void {
    if (ban.until > this.now() && (this.bans.get(ban.key) ?? 0) < ban.until) bounded(this.bans, ban.key, ban.until);
  }

  /** A bucket found empty across processes (the cluster's coordinator): its key refused as rate-limited until then. */
  applyThrottle(throttle: Throttle): void {
    if (throttle.until > this.now()) bounded(this.throttles, throttle.key, throttle.until);
  }

  /**
   * The coordinator's side of shared rate buckets: `times` requests other processes already admitted from `address`
   * are taken from this guard's buckets, which may go into debt; a bucket without a whole token left is throttled
   * until one has refilled.
   */
  consume(address: string, times: number): Throttle[] {
    const t = this.now();
    const out: Throttle[] = [];
    for (const [key, spec] of [
      [`a:${address}`, this.limits.perAddress],
      [`s:${subnetOf(address)}`, this.limits.perSubnet],
    ] as const) {
      const b = this.buckets.get(key) ?? { tokens: spec.burst, at: t };
      const tokens = Math.min(spec.burst, b.tokens + ((t - b.at) / 1000) * spec.perSecond) - times;
      bounded(this.buckets, key, { tokens, at: t });
      if (tokens < 1) out.push({ key, until: t + Math.ceil(((1 - tokens) / spec.perSecond) * 1000) });
    }
    return out;
  }

  /** The bans now standing for an address and its subnet. */
  bansFor(address: string): Ban[] {
    return [address, subnetOf(address)].filter((key) => this.isBanned(key)).map((key) => ({ key, until: this.bans.get(key)! }));
  }

  /** Every ban standing now (for a cluster worker that starts late: a replacement). */
  standingBans(): Ban[] {
    const t = this.now();
    return [...this.bans].filter(([, until]) => until > t).map(([key, until]) => ({ key, until }));
  }

  /** Applies another process's report to this guard's counts; returns true when it triggered a new ban. */
  apply(report: GuardReport): boolean {
    switch (report.kind) {
      case 'deny':
        return this.deny(report.address, report.weight);
      case 'refund':
        for (let i = 0; i < report.times; i++) this.refund(report.address);
        return false;
      case 'ban-now':
        this.banNow(report.address);
        return true;
      case 'take':
        this.consume(report.address, report.times);
        return false;
    }
  }

  admit(address: string): Verdict {
    const subnet = subnetOf(address);
    if (this.isBanned(address) || this.isBanned(subnet)) return 'banned';
    const t = this.now();
    if (this.throttled(`a:${address}`, t) || this.throttled(`s:${subnet}`, t)) return 'rate-limited';
    if (!this.take(`a:${address}`, this.limits.perAddress, t) || !this.take(`s:${subnet}`, this.limits.perSubnet, t)) return 'rate-limited';
    this.report?.({ kind: 'take', address, times: 1 });
    return 'ok';
  }

  /** Counts a denial; returns true when it triggered a new ban. */
  deny(address: string, weight: 'challenge' | 'failure'): boolean {
    this.report?.({ kind: 'deny', address, weight });
    const subnet = subnetOf(address);
    const [perAddress, perSubnet] =
      weight === 'failure'
        ? [this.limits.addressFailures, this.limits.subnetFailures]
        : [this.limits.addressChallenges, this.limits.subnetChallenges];
    const a = this.count(`${weight}:a:${address}`) >= perAddress;
    const s = this.count(`${weight}:s:${subnet}`) >= perSubnet;
    if (a) this.ban(address, this.limits.banMs);
    if (s) this.ban(subnet, this.limits.banMs);
    // shared (a cluster worker, a replica): the spread is watched where every process's denials meet, which raises it
    const spread = this.report ? undefined : this.spread.deny(subnet);
    if (spread) this.onSpread?.(spread);
    return a || s;
  }

  /** A request that authenticated pays back the challenge it drew, so phones with credentials never add up to a ban. */
  refund(address: string): void {
    this.report?.({ kind: 'refund', address, times: 1 });
    const subnet = subnetOf(address);
    if (!this.report) this.spread.refund(subnet);
    for (const key of [`challenge:a:${address}`, `challenge:s:${subnet}`]) {
      const f = this.failures.get(key);
      if (f && f.count > 0) f.count--;
    }
  }

  banNow(address: string): void {
    this.report?.({ kind: 'ban-now', address });
    this.ban(address, this.limits.canaryBanMs);
  }

  isBanned(key: string): boolean {
    const until = this.bans.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.bans.delete(key);
    return false;
  }

  private throttled(key: string, t: number): boolean {
    const until = this.throttles.get(key);
    if (until === undefined) return false;
    if (until > t) return true;
    this.throttles.delete(key);
    return false;
  }

  private ban(key: string, ms: number): void {
    bounded(this.bans, key, this.now() + ms);
  }

  private count(key: string): number {
    const t = this.now();
    const f = this.failures.get(key);
    const next = !f || t - f.since > this.limits.failureWindowMs ? { count: 1, since: t } : { count: f.count + 1, since: f.since };
    bounded(this.failures, key, next);
    return next.count;
  }

  private take(key: string, spec: { burst: number; perSecond: number }, t: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: spec.burst, at: t };
    const tokens = Math.min(spec.burst, b.tokens + ((t - b.at) / 1000) * spec.perSecond);
    const ok = tokens >= 1;
    bounded(this.buckets, key, { tokens: ok ? tokens - 1 : tokens, at: t });
    return ok;
  }
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_KEYS) map.delete(map.keys().next().value!);
  map.set(key, value);
}
