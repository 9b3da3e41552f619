/**
 * A Digest exchange always starts with a request without credentials: its 401 challenge is the normal first step of
 * a phone's fetch (and of `curl --digest`), not a security event. A known device's credential-less request outside
 * its enrolment window becomes a 'not-enrolled' event only when the same device, from the same source, comes back
 * without credentials after a challenge it never answered — a phone that cannot authenticate (factory reset, wrong
 * credentials) retries; one that can answers at once. One event per device and source per memory span, not per retry.
 */
import type { Mac } from '../model/mac.js';

interface Pending {
  since: number;
  reported: boolean;
}

export class ChallengeLedger {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly memoryMs = 15 * 60_000,
    private readonly maxEntries = 50_000,
  ) {}

  /**
   * Records a challenge sent to a device without credentials. Returns the time of the first unanswered challenge when
   * this one repeats it and has not been reported yet (the caller emits one event), else undefined.
   */
  challenged(mac: Mac, source: string, now: number): number | undefined {
    const key = `${mac}|${source}`;
    const before = this.pending.get(key);
    if (before && now - before.since < this.memoryMs) {
      if (before.reported) return undefined;
      before.reported = true;
      return before.since;
    }
    if (!before && this.pending.size >= this.maxEntries) this.pending.delete(this.pending.keys().next().value!);
    this.pending.set(key, { since: now, reported: false });
    return undefined;
  }

  /** The device authenticated (or enrolled) from this source: its earlier challenge was the normal first step. */
  answered(mac: Mac, source: string): void {
    this.pending.delete(`${mac}|${source}`);
  }
}
