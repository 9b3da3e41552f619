/**
 * Abuse budgets, bans, rate buckets and the guessing-spread alert shared by replicas through PostgreSQL. Each
 * replica's guard reports denials, refunds, canary hits and admitted requests; they are summed per key and written
 * every 100 ms (never on the phone's request path). A count that reaches its budget writes a ban to `gg_bans` and
 * announces it with NOTIFY `gg_bans`, so every replica applies it within a second; a replica that starts (or
 * reconnects) reads the bans standing in the table, so a ban survives restarts. Admitted requests go to the shared
 * rate buckets (postgres-rate.ts), unpaid denials to the spread window (postgres-spread.ts). The local guard keeps
 * counting too: a replica never tolerates more than it would alone.
 */
import type pg from 'pg';
import {
  type AbuseGuard,
  type AbuseLimits,
  type Ban,
  DEFAULT_SPREAD,
  type GuardReport,
  subnetOf,
  type Throttle,
} from '../provisioning/abuse-guard.js';
import { PostgresSpread } from './postgres-spread.js';
import { purgeFullBuckets, parseThrottleNotice, THROTTLE_CHANNEL, takeShared } from './postgres-rate.js';

export const BAN_CHANNEL = 'gg_bans';
const FLUSH_MS = 100;
const PURGE_MS = 60_000;
/** failed flushes between two reports of the failure (one a minute) */
const ERROR_EVERY = 600;

type Weight = 'challenge' | 'failure';

/** a count's key in gg_guard_counts, the ban key it leads to, and its budget */
interface CountKey {
  key: string;
  banKey: string;
  budget: number;
}

function countKeys(address: string, weight: Weight, limits: AbuseLimits): CountKey[] {
  const subnet = subnetOf(address);
  const [perAddress, perSubnet] =
    weight === 'failure' ? [limits.addressFailures, limits.subnetFailures] : [limits.addressChallenges, limits.subnetChallenges];
  return [
    { key: `${weight}:a:${address}`, banKey: address, budget: perAddress },
    { key: `${weight}:s:${subnet}`, banKey: subnet, budget: perSubnet },
  ];
}

export function parseBanNotice(payload: string | undefined): Ban | undefined {
  try {
    const b = JSON.parse(payload ?? '') as Ban;
    return typeof b.key === 'string' && Number.isFinite(b.until) ? { key: b.key, until: b.until } : undefined;
  } catch {
    return undefined;
  }
}

export class PostgresGuardShare {
  private readonly denials = new Map<string, { address: string; weight: Weight; times: number }>();
  private readonly refunds = new Map<string, number>();
  private readonly immediate: string[] = [];
  /** requests admitted per address since the last flush */
  private readonly takes = new Map<string, number>();
  private readonly spreadDenials = new Map<string, number>();
  private readonly spreadRefunds = new Map<string, number>();
  private readonly spread: PostgresSpread;
  private timer?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private flushing = Promise.resolve();
  /** flushes failed in a row */
  private failing = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: AbuseLimits,
    private readonly guard: AbuseGuard,
    private readonly announce: (address: string) => void,
    private readonly onError: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.spread = new PostgresSpread(pool, limits.spread ?? DEFAULT_SPREAD);
    guard.report = (report) => this.collect(report);
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
    this.purgeTimer = setInterval(() => void this.purge(), PURGE_MS);
    this.purgeTimer.unref();
  }

  /** The bans standing in the table, applied to this replica's guard (at start and after a reconnect). */
  async loadStandingBans(): Promise<void> {
    const { rows } = await this.pool.query<{ key: string; until_ms: string }>('SELECT key, until_ms FROM gg_bans WHERE until_ms > $1', [
      this.now(),
    ]);
    for (const r of rows) this.guard.applyBan({ key: r.key, until: Number(r.until_ms) });
  }

  applyNotice(payload: string | undefined): void {
    const ban = parseBanNotice(payload);
    if (ban) this.guard.applyBan(ban);
  }

  /** Buckets another replica found dry. */
  applyThrottleNotice(payload: string | undefined): void {
    for (const throttle of parseThrottleNotice(payload)) this.guard.applyThrottle(throttle);
  }

  /** Writes what is pending now (tests, shutdown). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() =>
      this.write().then(
        (asked) => {
          if (!asked) return;
          if (this.failing > 0) this.onError(`shared abuse and rate counts written again (${this.failing} flushes lost)`);
          this.failing = 0;
        },
        (err: Error) => {
          // every 100 ms while the database is away: the first failure is reported, then one line a minute
          if (this.failing++ % ERROR_EVERY === 0) this.onError(`shared abuse and rate counts not written: ${err.message}`);
        },
      ),
    );
    return this.flushing;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.purgeTimer);
    this.guard.report = undefined;
    await this.flush();
  }

  private collect(report: GuardReport): void {
    if (report.kind === 'take') add(this.takes, report.address, report.times);
    else if (report.kind === 'refund') {
      add(this.refunds, report.address, report.times);
      add(this.spreadRefunds, subnetOf(report.address), report.times);
    } else if (report.kind === 'deny') {
      const id = `${report.weight}|${report.address}`;
      const d = this.denials.get(id) ?? { address: report.address, weight: report.weight, times: 0 };
      d.times++;
      this.denials.set(id, d);
      add(this.spreadDenials, subnetOf(report.address), 1);
    } else if (report.kind === 'ban-now') this.immediate.push(report.address);
  }

  private async purge(): Promise<void> {
    try {
      await purgeFullBuckets(this.pool, this.limits);
      await this.spread.purge(this.now());
    } catch (err) {
      this.onError(`shared rate and spread counts not purged: ${(err as Error).message}`);
    }
  }

  /** Writes what was collected since the last flush; false when there was nothing (the database was not asked). */
  private async write(): Promise<boolean> {
    const denials = [...this.denials.values()];
    const refunds = [...this.refunds];
    const immediate = this.immediate.splice(0);
    const takes = new Map(this.takes);
    const spread = { denials: new Map(this.spreadDenials), refunds: new Map(this.spreadRefunds) };
    this.denials.clear();
    this.refunds.clear();
    this.takes.clear();
    this.spreadDenials.clear();
    this.spreadRefunds.clear();
    if (denials.length + refunds.length + immediate.length + takes.size + spread.refunds.size === 0) return false;
    await this.writeThrottles(await takeShared(this.pool, takes, this.limits, this.now()));
    const alert = await this.spread.write(spread, this.now());
    if (alert) this.guard.onSpread?.(alert);
    if (refunds.length > 0) {
      const keys = refunds.flatMap(([a]) => [`challenge:a:${a}`, `challenge:s:${subnetOf(a)}`]);
      const times = refunds.flatMap(([, n]) => [n, n]);
      await this.pool.query(
        `UPDATE gg_guard_counts c SET count = greatest(c.count - u.n, 0)
           FROM (SELECT k, sum(n)::int AS n FROM unnest($1::text[], $2::int[]) AS x(k, n) GROUP BY k) u WHERE c.key = u.k`,
        [keys, times],
      );
    }
    const bans: { key: string; until: number; announce: string }[] = immediate.map((address) => ({
      key: address,
      until: this.now() + this.limits.canaryBanMs,
      announce: address,
    }));
    if (denials.length > 0) {
      const rows = denials.flatMap((d) =>
        countKeys(d.address, d.weight, this.limits).map((k) => ({ ...k, times: d.times, address: d.address })),
      );
      const summed = new Map<string, number>();
      for (const r of rows) summed.set(r.key, (summed.get(r.key) ?? 0) + r.times);
      const { rows: counts } = await this.pool.query<{ key: string; count: number }>(
        `INSERT INTO gg_guard_counts AS c (key, since, count)
           SELECT k, now(), n FROM unnest($1::text[], $2::int[]) AS u(k, n)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN c.since < now() - make_interval(secs => $3) THEN EXCLUDED.count ELSE c.count + EXCLUDED.count END,
           since = CASE WHEN c.since < now() - make_interval(secs => $3) THEN now() ELSE c.since END
         RETURNING key, count`,
        [[...summed.keys()], [...summed.values()], this.limits.failureWindowMs / 1000],
      );
      const after = new Map(counts.map((c) => [c.key, c.count]));
      for (const r of rows) {
        const count = after.get(r.key) ?? 0;
        // announced once: by the replica whose write crossed the budget
        if (count >= r.budget && count - summed.get(r.key)! < r.budget && !bans.some((b) => b.key === r.banKey))
          bans.push({ key: r.banKey, until: this.now() + this.limits.banMs, announce: r.address });
      }
    }
    for (const ban of bans) {
      // a ban this replica's guard already holds was announced by its own `banned` event: one ban, one event
      const heldHere = this.guard.isBanned(ban.key);
      this.guard.applyBan(ban);
      await this.pool.query(
        `INSERT INTO gg_bans (key, until_ms) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET until_ms = greatest(gg_bans.until_ms, EXCLUDED.until_ms)`,
        [ban.key, ban.until],
      );
      await this.pool.query('SELECT pg_notify($1, $2)', [BAN_CHANNEL, JSON.stringify({ key: ban.key, until: ban.until })]);
      if (!heldHere) this.announce(ban.announce);
    }
    return true;
  }

  /** dry buckets: throttled here at once, in the other replicas when they hear the notice */
  private async writeThrottles(throttles: Throttle[]): Promise<void> {
    if (throttles.length === 0) return;
    for (const t of throttles) this.guard.applyThrottle(t);
    // a notice carries at most 8,000 bytes: 80 throttles of an IPv6 key each
    for (let i = 0; i < throttles.length; i += 80)
      await this.pool.query('SELECT pg_notify($1, $2)', [THROTTLE_CHANNEL, JSON.stringify(throttles.slice(i, i + 80))]);
  }
}

function add(map: Map<string, number>, key: string, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}
