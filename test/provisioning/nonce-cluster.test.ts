/** Nonce-counts passed between the workers of a cluster: what one accepted is a replay at the other. */
import { describe, expect, it } from 'vitest';
import { NonceAuthority } from '../../src/provisioning/digest.js';
import { isNonceCountMessage, shareNonceCounts, type NonceCountMessage } from '../../src/provisioning/nonce-cluster.js';

const KEY = Buffer.alloc(32, 3);

describe('nonce-counts across workers', () => {
  it('a count one worker accepted is refused by the other once the batch arrives; higher counts still pass', () => {
    const [w1, w2] = [new NonceAuthority(KEY, Date.now, 'w1'), new NonceAuthority(KEY, Date.now, 'w2')];
    const sent: NonceCountMessage[] = [];
    const sharing = shareNonceCounts(w1, (m) => sent.push(m));
    const nonce = w1.issue();
    expect(w2.check(nonce)).toBe('fresh');
    expect(w1.acceptCount(nonce, '00000001')).toBe(true);
    expect(w1.acceptCount(nonce, '00000003')).toBe(true);
    sharing.stop(); // sends what is batched
    expect(sent).toEqual([{ nonceCounts: [[nonce, 3]] }]);
    expect(isNonceCountMessage(sent[0])).toBe(true);
    const other = shareNonceCounts(w2, () => {});
    other.learn(sent[0]!);
    other.stop();
    expect(w2.acceptCount(nonce, '00000003')).toBe(false);
    expect(w2.acceptCount(nonce, '00000002')).toBe(false);
    expect(w2.acceptCount(nonce, '00000004')).toBe(true);
  });

  it('ignores malformed entries and never lowers a count', () => {
    const w = new NonceAuthority(KEY, Date.now, 'w1');
    const sharing = shareNonceCounts(w, () => {});
    const nonce = w.issue();
    expect(w.acceptCount(nonce, '00000005')).toBe(true);
    sharing.learn({ nonceCounts: [[nonce, 2], ['x', Number.NaN], [42, 1] as unknown as [string, number]] });
    sharing.stop();
    expect(w.acceptCount(nonce, '00000005')).toBe(false);
    expect(w.acceptCount(nonce, '00000006')).toBe(true);
    expect(isNonceCountMessage({ guard: [] })).toBe(false);
  });
});
