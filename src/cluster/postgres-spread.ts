/**
 * The guessing-spread watch (spread-watch.ts) over all replicas: each flush adds this replica's unpaid denials per /24
 * to the current one-minute slot of `gg_spread` (a denial paid back within the same flush never leaves the replica),
 * pays refunds back from a subnet's newest slots still in the window, then sums the window. When it holds `guesses`
 * denials from at least `subnets` /24s, the replica claims the alert in `gg_alerts` with one conditional upsert: only
 * the first claim in a window succeeds, so the cluster raises exactly one `distributed-guessing` event per window.
 * Slots are stamped with the replica's clock (replicas are assumed NTP-synchronised, as Digest nonces already are).
 */
import type pg from 'pg';
import type { SpreadAlert, SpreadLimits } from '../provisioning/spread-watch.js';

const SLOTS = 10;
const ALERT = 'distributed-guessing';

export interface SpreadCounts {
  /** unpaid denials per subnet since the last flush */
  denials: Map<string, number>;
  /** authenticated requests per subnet since the last flush, each paying one denial back */
  refunds: Map<string, number>;
}

/** Nets this flush's refunds against its own denials first; what is left goes to the database. */
export function netSpread(c: SpreadCounts): SpreadCounts {
  const denials = new Map<string, number>();
  const refunds = new Map<string, number>();
  for (const subnet of new Set([...c.denials.keys(), ...c.refunds.keys()])) {
    const net = (c.denials.get(subnet) ?? 0) - (c.refunds.get(subnet) ?? 0);
    if (net > 0) denials.set(subnet, net);
    else if (net < 0) refunds.set(subnet, -net);
  }
  return { denials, refunds };
}

export class PostgresSpread {
  private readonly slotMs: number;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: SpreadLimits,
  ) {
    this.slotMs = Math.max(1, Math.ceil(limits.windowMs / SLOTS));
  }

  /** Writes one flush's counts; the alert when this replica's claim is the one that raises it. */
  async write(counts: SpreadCounts, now: number): Promise<SpreadAlert | undefined> {
    const { denials, refunds } = netSpread(counts);
    const since = now - this.limits.windowMs;
    if (refunds.size > 0) {
      // each subnet's refunds taken from its newest slots first, never below zero
      await this.pool.query(
        `WITH r AS (SELECT * FROM unnest($1::text[], $2::int[]) AS x(subnet, n)),
              w AS (SELECT g.subnet, g.slot_ms, g.count, r.n,
                           sum(g.count) OVER (PARTITION BY g.subnet ORDER BY g.slot_ms DESC) - g.count AS newer
                      FROM gg_spread g JOIN r USING (subnet) WHERE g.slot_ms > $3)
         UPDATE gg_spread g SET count = greatest(g.count - least(w.count, w.n - w.newer), 0)
           FROM w WHERE g.subnet = w.subnet AND g.slot_ms = w.slot_ms AND w.newer < w.n`,
        [[...refunds.keys()], [...refunds.values()], since],
      );
    }
    if (denials.size === 0) return undefined;
    const slot = now - (now % this.slotMs);
    await this.pool.query(
      `INSERT INTO gg_spread AS g (slot_ms, subnet, count) SELECT $3, s, n FROM unnest($1::text[], $2::int[]) AS x(s, n)
       ON CONFLICT (subnet, slot_ms) DO UPDATE SET count = g.count + EXCLUDED.count`,
      [[...denials.keys()], [...denials.values()], slot],
    );
    const { rows } = await this.pool.query<{ subnet: string; n: number }>(
      `SELECT subnet, sum(count)::int AS n FROM gg_spread WHERE slot_ms > $1 GROUP BY subnet HAVING sum(count) > 0`,
      [since],
    );
    const guesses = rows.reduce((sum, r) => sum + r.n, 0);
    if (guesses < this.limits.guesses || rows.length < this.limits.subnets) return undefined;
    const claimed = await this.pool.query(
      `INSERT INTO gg_alerts AS a (kind, quiet_until_ms) VALUES ($1, $2)
       ON CONFLICT (kind) DO UPDATE SET quiet_until_ms = EXCLUDED.quiet_until_ms WHERE a.quiet_until_ms <= $3`,
      [ALERT, now + this.limits.windowMs, now],
    );
    if (claimed.rowCount !== 1) return undefined;
    const busiest = rows.reduce((a, b) => (b.n > a.n ? b : a));
    return { guesses, subnets: rows.length, busiest: { subnet: busiest.subnet, guesses: busiest.n }, windowMs: this.limits.windowMs };
  }

  /** Slots that have left the window. */
  async purge(now: number): Promise<void> {
    await this.pool.query('DELETE FROM gg_spread WHERE slot_ms <= $1', [now - this.limits.windowMs]);
  }
}
