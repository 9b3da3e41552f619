/**
 * Rate buckets shared by replicas through PostgreSQL. Each replica's guard still refuses from its own buckets; on top,
 * the requests every replica admitted are summed per bucket (`a:<address>`, `s:<subnet>`) and taken from one token
 * bucket per key in `gg_rate_buckets` once per flush (100 ms), never on the request path. A bucket the write leaves
 * without a whole token is throttled — in the replica that wrote, and in every other through NOTIFY `gg_throttles` —
 * until its debt has refilled at the configured rate. The debt is kept, so over any span the cluster admits at most
 * burst + rate × span + what the replicas admit between a flush and the throttle reaching them (one flush interval
 * plus the notification's delay, each replica at most its own bucket's worth).
 */
import type pg from 'pg';
import { type AbuseLimits, subnetOf, type Throttle } from '../provisioning/abuse-guard.js';

export const THROTTLE_CHANNEL = 'gg_throttles';

export function parseThrottleNotice(payload: string | undefined): Throttle[] {
  try {
    const list = JSON.parse(payload ?? '') as Throttle[];
    if (!Array.isArray(list)) return [];
    return list.filter((t) => typeof t?.key === 'string' && Number.isFinite(t.until)).map((t) => ({ key: t.key, until: t.until }));
  } catch {
    return [];
  }
}

/** what this replica admitted since the last flush, summed per bucket key */
export function bucketTakes(takes: ReadonlyMap<string, number>, limits: AbuseLimits): { key: string; n: number; burst: number }[] {
  const out = new Map<string, { key: string; n: number; burst: number }>();
  for (const [address, times] of takes) {
    for (const [key, spec] of [
      [`a:${address}`, limits.perAddress],
      [`s:${subnetOf(address)}`, limits.perSubnet],
    ] as const) {
      const b = out.get(key) ?? { key, n: 0, burst: spec.burst };
      b.n += times;
      out.set(key, b);
    }
  }
  return [...out.values()];
}

/**
 * Takes the summed requests from the shared buckets (the database's clock refills them) and returns the buckets left
 * dry, as throttles ending when one token is back. Every replica writes with the same arithmetic, so the row is the sum.
 */
export async function takeShared(pool: pg.Pool, takes: ReadonlyMap<string, number>, limits: AbuseLimits, now: number): Promise<Throttle[]> {
  const rows = bucketTakes(takes, limits);
  if (rows.length === 0) return [];
  // burst and rate follow from the key's kind (a: address, s: subnet), so a row needs only its count: the insert's
  // tokens are burst − n, and the update reads n back from them (no per-row lookup into the batch)
  const burst = `CASE WHEN left(b.key, 2) = 'a:' THEN $4::float8 ELSE $6::float8 END`;
  const rate = `CASE WHEN left(b.key, 2) = 'a:' THEN $5::float8 ELSE $7::float8 END`;
  const { rows: after } = await pool.query<{ key: string; tokens: number; rate: number }>(
    `INSERT INTO gg_rate_buckets AS b (key, tokens, at_ms)
       SELECT k, burst - n, (extract(epoch FROM clock_timestamp()) * 1000)::bigint
         FROM unnest($1::text[], $2::int[], $3::float8[]) AS u(k, n, burst)
     ON CONFLICT (key) DO UPDATE SET
       tokens = least(${burst}, b.tokens + greatest(EXCLUDED.at_ms - b.at_ms, 0) / 1000.0 * ${rate}) - (${burst} - EXCLUDED.tokens),
       at_ms = greatest(b.at_ms, EXCLUDED.at_ms)
     RETURNING key, tokens, ${rate} AS rate`,
    [
      rows.map((r) => r.key),
      rows.map((r) => r.n),
      rows.map((r) => r.burst),
      limits.perAddress.burst,
      limits.perAddress.perSecond,
      limits.perSubnet.burst,
      limits.perSubnet.perSecond,
    ],
  );
  return after.filter((r) => r.tokens < 1).map((r) => ({ key: r.key, until: now + Math.ceil(((1 - r.tokens) / r.rate) * 1000) }));
}

/** Buckets untouched long enough to be full again are the same as no row: deleted. */
export async function purgeFullBuckets(pool: pg.Pool, limits: AbuseLimits): Promise<void> {
  const refillMs = Math.ceil(
    Math.max(limits.perAddress.burst / limits.perAddress.perSecond, limits.perSubnet.burst / limits.perSubnet.perSecond) * 1000,
  );
  await pool.query(`DELETE FROM gg_rate_buckets WHERE at_ms < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $1::bigint`, [
    refillMs,
  ]);
}
