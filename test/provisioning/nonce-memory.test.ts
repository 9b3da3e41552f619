/**
 * Nonces are remembered for minutes, not forever: past their lifetime (plus a margin for a claim in flight) they are
 * forgotten as new ones arrive, and a forgotten nonce is refused — stale to the phone, never a second use of a count.
 */
import { describe, expect, it } from 'vitest';
import { NonceAuthority, NonceCounts } from '../../src/provisioning/digest.js';

const KEY = Buffer.alloc(32, 3);
const MINUTE = 60_000;

describe('nonce memory', () => {
  it('a long-running server forgets nonces past their lifetime; an old nonce is then stale, and its counts refused', () => {
    let now = Date.parse('2026-12-07T08:00:00Z');
    const nonces = new NonceAuthority(KEY, () => now);
    const morning = Array.from({ length: 1000 }, () => nonces.issue());
    expect(nonces.check(morning[0]!)).toBe('fresh');
    expect(nonces.acceptCount(morning[0]!, '00000001')).toBe(true);
    expect(nonces.remembered).toEqual({ verified: 1000, counted: 1 });

    // inside lifetime plus margin nothing is forgotten: the count still refuses a replay
    now += 5 * MINUTE + 59_000;
    nonces.issue();
    expect(nonces.remembered.verified).toBe(1001);
    expect(nonces.acceptCount(morning[0]!, '00000001')).toBe(false);

    now += 2_000;
    const later = nonces.issue();
    expect(nonces.remembered.verified).toBe(2);
    expect(nonces.check(morning[1]!)).toBe('stale');
    expect(nonces.remembered.verified).toBe(2);
    // even with a higher count: forgotten means refused, never counted afresh
    expect(nonces.acceptCount(morning[0]!, '00000002')).toBe(false);
    expect(nonces.check(later)).toBe('fresh');
    expect(nonces.acceptCount(later, '00000001')).toBe(true);
    expect(nonces.remembered.counted).toBe(1);
  });

  it("the cluster primary's counts forget the same way, and refuse what they forgot", () => {
    let now = Date.parse('2026-12-07T08:00:00Z');
    const issuer = new NonceAuthority(KEY, () => now, 'w1');
    const counts = new NonceCounts(() => now);
    const first = issuer.issue();
    expect(counts.accept(first, 1)).toBe(true);
    expect(counts.accept(first, 1)).toBe(false);
    now += 6 * MINUTE + 1_000;
    expect(counts.accept(issuer.issue(), 1)).toBe(true);
    expect(counts.size).toBe(1);
    expect(counts.accept(first, 2)).toBe(false);
    expect(counts.accept('not-a-nonce', 1)).toBe(false);
  });
});
