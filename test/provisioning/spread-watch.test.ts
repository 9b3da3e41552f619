/** The aggregate window on its own clock: thresholds, pay-back, one alert per window, and expiry of old denials. */
import { describe, expect, it } from 'vitest';
import { SpreadWatch } from '../../src/provisioning/spread-watch.js';

const MINUTE = 60_000;

describe('SpreadWatch', () => {
  it('alerts once when both thresholds are met, again only after the window emptied', () => {
    let t = 0;
    const watch = new SpreadWatch({ guesses: 10, subnets: 3, windowMs: 10 * MINUTE }, () => t);
    // 9 denials from 3 subnets: under the count
    for (let i = 0; i < 9; i++) expect(watch.deny(`127.0.${i % 3}.0/24`)).toBeUndefined();
    const alert = watch.deny('127.0.0.0/24');
    expect(alert).toEqual({ guesses: 10, subnets: 3, busiest: { subnet: '127.0.0.0/24', guesses: 4 }, windowMs: 10 * MINUTE });
    expect(watch.deny('127.0.1.0/24')).toBeUndefined();
    // 10 minutes after the alert, the 11 denials of minute 0 have left; 10 new ones alert again
    t = 10 * MINUTE;
    for (let i = 0; i < 9; i++) expect(watch.deny(`127.0.${i % 3}.0/24`)).toBeUndefined();
    expect(watch.deny('127.0.2.0/24')?.guesses).toBe(10);
  });

  it('needs the spread: 50 denials from 2 subnets never alert with subnets: 3', () => {
    const watch = new SpreadWatch({ guesses: 10, subnets: 3, windowMs: 10 * MINUTE }, () => 0);
    for (let i = 0; i < 50; i++) expect(watch.deny(`127.0.${i % 2}.0/24`)).toBeUndefined();
  });

  it('a refund pays back a denial still in the window; refunds for nothing owed are ignored', () => {
    let t = 0;
    const watch = new SpreadWatch({ guesses: 4, subnets: 2, windowMs: 10 * MINUTE }, () => t);
    watch.refund('127.0.9.0/24');
    watch.refund('127.0.9.0/24');
    watch.deny('127.0.1.0/24');
    watch.refund('127.0.1.0/24');
    watch.deny('127.0.1.0/24');
    t = 5 * MINUTE;
    watch.deny('127.0.2.0/24');
    watch.refund('127.0.1.0/24');
    // owed now: 127.0.2.0/24 once
    t = 11 * MINUTE;
    expect(watch.deny('127.0.3.0/24')).toBeUndefined();
    expect(watch.deny('127.0.3.0/24')).toBeUndefined();
    expect(watch.deny('127.0.4.0/24')).toEqual({
      guesses: 4,
      subnets: 3,
      busiest: { subnet: '127.0.3.0/24', guesses: 2 },
      windowMs: 10 * MINUTE,
    });
  });
});
