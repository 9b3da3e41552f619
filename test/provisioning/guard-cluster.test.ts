/**
 * Shared rate buckets under `serve --workers`: two workers' guards and the primary's coordinator wired in memory (the
 * IPC messages as objects), on a fake clock. Expected counts come from the token-bucket definition: a bucket of burst
 * B refilling at R per second admits B at once, then one request per 1/R second — for the address, whatever process
 * the requests reach.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbuseGuard, DEFAULT_LIMITS, type AbuseLimits } from '../../src/provisioning/abuse-guard.js';
import { GUARD_FLUSH_MS, GuardCoordinator, reportToPrimary } from '../../src/provisioning/guard-cluster.js';

const LIMITS: AbuseLimits = { ...DEFAULT_LIMITS, perAddress: { burst: 40, perSecond: 2 }, perSubnet: { burst: 10_000, perSecond: 10_000 } };
const ADDRESS = '127.132.1.1';

describe('rate buckets shared by serve --workers', () => {
  let t = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    t = 0;
  });
  afterEach(() => vi.useRealTimers());

  const cluster = () => {
    const now = () => t;
    const coordinator = new GuardCoordinator(LIMITS, now);
    const workers = [new AbuseGuard(LIMITS, now), new AbuseGuard(LIMITS, now)];
    const stops = workers.map((w) =>
      reportToPrimary(w, (message) => {
        for (const { toReporter, toOthers } of coordinator.receive(message))
          for (const other of workers) {
            const m = other === w ? toReporter : toOthers;
            if (!m) continue;
            for (const ban of m.guardBans) other.applyBan(ban);
            for (const throttle of m.guardThrottles ?? []) other.applyThrottle(throttle);
          }
      }),
    );
    return {
      workers,
      stop: () => {
        for (const s of stops) s();
      },
    };
  };
  const admitted = (guard: AbuseGuard, n: number) => Array.from({ length: n }, () => guard.admit(ADDRESS)).filter((v) => v === 'ok').length;
  const advance = (ms: number) => {
    t += ms;
    vi.advanceTimersByTime(ms);
  };

  it('an address that used the burst on one worker is rate-limited on the other once the counts meet', () => {
    const { workers, stop } = cluster();
    expect(admitted(workers[0]!, 40)).toBe(40);
    advance(GUARD_FLUSH_MS);
    // worker 2's own bucket is full, but the address's shared bucket is empty: refused until a token refills (0.5 s)
    expect(admitted(workers[1]!, 20)).toBe(0);
    advance(500);
    expect(admitted(workers[1]!, 1)).toBe(1);
    stop();
  });

  it('over ten seconds both workers together admit what one bucket does (burst + rate × time), not twice it', () => {
    const { workers, stop } = cluster();
    let total = 0;
    // 10 requests to each worker every 50 ms for 10 s: far above the rate
    for (let step = 0; step < 200; step++) {
      total += admitted(workers[0]!, 10) + admitted(workers[1]!, 10);
      advance(GUARD_FLUSH_MS);
    }
    const oneBucket = 40 + 2 * 10;
    // what the workers admit inside one flush interval before the counts meet is the documented overshoot
    expect(total).toBeGreaterThanOrEqual(oneBucket);
    expect(total).toBeLessThanOrEqual(oneBucket + 20);
    stop();
  });

  it('without the coordinator each worker would admit its own bucket (the defect this closes)', () => {
    const now = () => t;
    const workers = [new AbuseGuard(LIMITS, now), new AbuseGuard(LIMITS, now)];
    expect(admitted(workers[0]!, 40) + admitted(workers[1]!, 40)).toBe(80);
  });
});
