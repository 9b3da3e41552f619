/** Nonce-counts granted by the cluster's primary: each (nonce, count) once, whichever worker claims it, however soon. */
import { describe, expect, it } from 'vitest';
import { NonceAuthority } from '../../src/provisioning/digest.js';
import {
  isNonceClaimAnswer,
  isNonceClaimMessage,
  NonceClaims,
  NonceRegistry,
  type NonceClaimMessage,
} from '../../src/provisioning/nonce-cluster.js';

const KEY = Buffer.alloc(32, 3);

/** two workers' claim clients wired to one registry, as the primary relays them (answers arrive asynchronously) */
function cluster() {
  const registry = new NonceRegistry();
  const worker = (): NonceClaims => {
    const claims: NonceClaims = new NonceClaims((m: NonceClaimMessage) => {
      const answer = registry.answer(JSON.parse(JSON.stringify(m)));
      setImmediate(() => claims.answer(answer));
      return true;
    });
    return claims;
  };
  return { w1: worker(), w2: worker() };
}

describe('nonce-counts across workers', () => {
  it('a count granted to one worker is refused to the other at once; higher counts still pass', async () => {
    const nonce = new NonceAuthority(KEY, Date.now, 'w1').issue();
    const { w1, w2 } = cluster();
    // the replay races the original: both claims are in flight together, only one is granted
    expect(await Promise.all([w1.claim(nonce, 1), w2.claim(nonce, 1)])).toEqual([true, false]);
    expect(await w2.claim(nonce, 1)).toBe(false);
    expect(await w1.claim(nonce, 1)).toBe(false);
    expect(await w2.claim(nonce, 2)).toBe(true);
    expect(await w1.claim(nonce, 2)).toBe(false);
    expect(await w1.claim(nonce, 3)).toBe(true);
  });

  it('refuses when the primary cannot be reached, does not answer in time, or the worker stops', async () => {
    expect(await new NonceClaims(() => false).claim('n', 1)).toBe(false);
    expect(await new NonceClaims(() => true, 20).claim('n', 1)).toBe(false);
    const silent = new NonceClaims(() => true);
    const waiting = silent.claim('n', 1);
    silent.close();
    expect(await waiting).toBe(false);
  });

  it('recognises only well-formed messages', () => {
    expect(isNonceClaimMessage({ nonceClaim: 1, nonce: 'x', count: 2 })).toBe(true);
    expect(isNonceClaimMessage({ nonceClaim: 1, nonce: 'x'.repeat(300), count: 2 })).toBe(false);
    expect(isNonceClaimMessage({ guard: [] })).toBe(false);
    expect(isNonceClaimAnswer({ nonceClaimed: 1, granted: true })).toBe(true);
    expect(isNonceClaimAnswer({ nonceClaimed: 1 })).toBe(false);
  });
});
