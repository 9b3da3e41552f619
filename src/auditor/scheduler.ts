/** Bounded concurrency over a lazy target iterator, a global packets-per-second token bucket, and per-host pacing. */
import { GhostguardError } from '../model/errors.js';

export interface Clock {
  /** milliseconds, monotonic enough for pacing */
  now(): number;
  /** wall-clock time for reports */
  date(): Date;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  date: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Global rate: every packet (datagram, TCP connection, HTTP request) takes one token. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new GhostguardError('GG_ERR_INTERNAL', 'rate and burst must be positive');
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Waits until a token is free. Concurrent callers reserve in order (tokens may go negative). */
  async take(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return;
    await this.clock.sleep((-this.tokens * 1000) / this.ratePerSecond, signal);
  }
}

/**
 * Per-host pacing: a minimum gap between two packets to the same host. One pacer per host; a host's probes may run
 * concurrently, so each caller reserves the next free slot before it sleeps (slots are handed out in call order).
 */
export class HostPacer {
  private last = -Infinity;

  constructor(
    private readonly gapMs: number,
    private readonly clock: Clock,
  ) {}

  async wait(signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    const due = Math.max(now, this.last + this.gapMs);
    this.last = due;
    if (due > now) await this.clock.sleep(due - now, signal);
  }
}

/** What a probe calls before each packet it sends. */
export interface PacketGate {
  beforePacket(signal?: AbortSignal): Promise<void>;
}

export function hostGate(bucket: TokenBucket, pacer: HostPacer): PacketGate {
  return {
    async beforePacket(signal) {
      await pacer.wait(signal);
      await bucket.take(signal);
    },
  };
}

export const openGate: PacketGate = { beforePacket: async () => {} };

export interface PoolResult {
  started: number;
  /** true when the signal stopped the pool before the iterator ran dry */
  stopped: boolean;
  errors: number;
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight, pulling lazily from the iterator.
 * A throwing worker is counted, never fatal; the signal stops new work (in-flight work is left to its own timeouts).
 */
export async function runPool<T>(
  items: Iterable<T>,
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<PoolResult> {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  let exhausted = false;
  let errors = 0;
  const next = (): { item: T; index: number } | undefined => {
    if (exhausted || signal?.aborted) return undefined;
    const r = iterator.next();
    if (r.done) {
      exhausted = true;
      return undefined;
    }
    return { item: r.value, index: index++ };
  };
  const lane = async (): Promise<void> => {
    for (let job = next(); job; job = next()) {
      try {
        await worker(job.item, job.index);
      } catch {
        errors++;
      }
    }
  };
  const lanes = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: lanes }, lane));
  return { started: index, stopped: !exhausted, errors };
}
