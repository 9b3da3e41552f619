import { describe, expect, it } from 'vitest';
import { HostPacer, runPool, systemClock, TokenBucket, type Clock } from '../../src/auditor/scheduler.js';

/** Virtual time: sleeping advances the clock at once. */
function virtualClock(): Clock & { t: number; sleeps: number[] } {
  const c = {
    t: 0,
    sleeps: [] as number[],
    now: () => c.t,
    date: () => new Date(c.t),
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('scheduler', () => {
  it('token bucket: a burst, then the configured packets per second', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket(100, 5, clock);
    for (let i = 0; i < 25; i++) await bucket.take();
    // 5 free in the burst, 20 more at 100 pps = 200 ms
    expect(clock.t).toBeGreaterThanOrEqual(199);
    expect(clock.t).toBeLessThanOrEqual(201);
  });

  it('token bucket: concurrent takers queue instead of overshooting', async () => {
    const bucket = new TokenBucket(200, 1, systemClock);
    const start = performance.now();
    await Promise.all(Array.from({ length: 21 }, () => bucket.take()));
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  });

  it('host pacer keeps a minimum gap between packets to one host', async () => {
    const clock = virtualClock();
    const pacer = new HostPacer(50, clock);
    await pacer.wait();
    await pacer.wait();
    await pacer.wait();
    expect(clock.t).toBe(100);
  });

  it('runPool bounds concurrency, pulls lazily and survives throwing workers', async () => {
    let inFlight = 0;
    let peak = 0;
    let pulled = 0;
    function* items() {
      for (let i = 0; i < 50; i++) {
        pulled++;
        yield i;
      }
    }
    const seen: number[] = [];
    const result = await runPool(items(), 4, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      expect(pulled - seen.length).toBeLessThanOrEqual(4);
      await new Promise((r) => setTimeout(r, 2));
      seen.push(item);
      inFlight--;
      if (item === 7) throw new Error('boom');
    });
    expect(peak).toBe(4);
    expect(seen).toHaveLength(50);
    expect(result).toEqual({ started: 50, stopped: false, errors: 1 });
  });

  it('runPool stops taking new work when the signal aborts', async () => {
    const ctrl = new AbortController();
    const result = await runPool(
      Array.from({ length: 100 }, (_, i) => i),
      2,
      async (i) => {
        if (i === 5) ctrl.abort();
        await new Promise((r) => setTimeout(r, 1));
      },
      ctrl.signal,
    );
    expect(result.stopped).toBe(true);
    expect(result.started).toBeLessThan(10);
  });
});
