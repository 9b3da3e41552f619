/**
 * The aggregate view the per-source budgets cannot give: MAC guessing spread over many /24s, each below its own ban.
 * Counts unpaid denials (a denial an authenticated request has not paid back, as the abuse guard's budgets do) per /24
 * over a sliding window of one-minute slots; when the window holds `guesses` of them from at least `subnets` /24s, it
 * raises one alert, then stays quiet until the window has emptied of what raised it.
 */

export interface SpreadLimits {
  /** unpaid denials in the window, all sources together */
  guesses: number;
  /** distinct /24s (or /64s) they must come from: fewer is a concentrated harvest, which the per-/24 ban handles */
  subnets: number;
  windowMs: number;
}

export interface SpreadAlert {
  guesses: number;
  subnets: number;
  /** the /24 with the most unpaid denials, and how many */
  busiest: { subnet: string; guesses: number };
  windowMs: number;
}

const SLOTS = 10;
const MAX_SUBNETS = 100_000;

interface Slot {
  start: number;
  counts: Map<string, number>;
}

export class SpreadWatch {
  private readonly slotMs: number;
  private readonly slots: Slot[] = [];
  /** unpaid denials per subnet across the window (only positive entries kept) */
  private readonly totals = new Map<string, number>();
  private total = 0;
  /** no second alert before this time: the guesses behind an alert must first leave the window */
  private quietUntil = 0;

  constructor(
    private readonly limits: SpreadLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.slotMs = Math.max(1, Math.ceil(limits.windowMs / SLOTS));
  }

  /** One denial from `subnet`; the alert when it is the one that crosses both thresholds. */
  deny(subnet: string): SpreadAlert | undefined {
    const t = this.now();
    this.expire(t);
    if (!this.totals.has(subnet) && this.totals.size >= MAX_SUBNETS) return undefined;
    this.add(this.slot(t), subnet);
    if (t < this.quietUntil || this.total < this.limits.guesses || this.totals.size < this.limits.subnets) return undefined;
    this.quietUntil = t + this.limits.windowMs;
    let busiest = { subnet, guesses: 0 };
    for (const [s, n] of this.totals) if (n > busiest.guesses) busiest = { subnet: s, guesses: n };
    return { guesses: this.total, subnets: this.totals.size, busiest, windowMs: this.limits.windowMs };
  }

  /** An authenticated request from `subnet` pays back its newest denial still in the window. */
  refund(subnet: string): void {
    this.expire(this.now());
    if (!this.totals.has(subnet)) return;
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const counts = this.slots[i]!.counts;
      const n = counts.get(subnet);
      if (n === undefined) continue;
      if (n > 1) counts.set(subnet, n - 1);
      else counts.delete(subnet);
      this.credit(subnet, -1);
      return;
    }
  }

  private add(slot: Slot, subnet: string): void {
    slot.counts.set(subnet, (slot.counts.get(subnet) ?? 0) + 1);
    this.credit(subnet, 1);
  }

  /** keeps `totals` the sum of the slots' counts (all positive) and `total` the sum of `totals` */
  private credit(subnet: string, by: number): void {
    const n = (this.totals.get(subnet) ?? 0) + by;
    if (n > 0) this.totals.set(subnet, n);
    else this.totals.delete(subnet);
    this.total += by;
  }

  private slot(t: number): Slot {
    const start = t - (t % this.slotMs);
    const last = this.slots.at(-1);
    if (last?.start === start) return last;
    const slot = { start, counts: new Map<string, number>() };
    this.slots.push(slot);
    return slot;
  }

  private expire(t: number): void {
    while (this.slots.length > 0 && this.slots[0]!.start + this.limits.windowMs <= t) {
      for (const [subnet, n] of this.slots.shift()!.counts) this.credit(subnet, -n);
    }
  }
}
