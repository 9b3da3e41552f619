import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/model/secret-mask.js';
import { deriveSecret } from '../../src/model/secret-spec.js';

describe('SecretMasker', () => {
  it('masks every occurrence, the longest matching secret whole, and leaves short strings alone', () => {
    const m = new SecretMasker(['Sip1-s3cret', 'Sip1-s3cret-Q7', 'abc', 'Adm1n-pw']);
    expect(m.mask('a=Sip1-s3cret-Q7;b=Sip1-s3cret;c=Adm1n-pwAdm1n-pw;abc')).toBe('a=********;b=********;c=****************;abc');
    expect(m.mask('nothing secret here')).toBe('nothing secret here');
    expect(new SecretMasker([]).mask('Sip1-s3cret')).toBe('Sip1-s3cret');
  });
});

describe('deriveSecret', () => {
  it('is the same secret on every run and every version (a phone keeps its passwords across upgrades)', () => {
    const secret = deriveSecret(Buffer.alloc(32, 7), 'sip', '001565000001/1');
    expect(secret).toBe('qDaGX8cuivRBWzXE6fRY');
    expect(deriveSecret(Buffer.alloc(32, 7), 'sip', '001565000001/1', 32)).toMatch(/^qDaGX8cuivRBWzXE6fRY[A-Za-z2-9]{12}$/);
  });
});

describe('SecretMasker at fleet size', () => {
  it('masks each of 80,000 derived secrets wherever it appears, and text around them stays as it was', () => {
    const key = Buffer.alloc(32, 9);
    const secrets = Array.from({ length: 20_000 }, (_, i) => [
      deriveSecret(key, 'admin', `mac${i}`, 16),
      deriveSecret(key, 'user', `mac${i}`, 16),
      deriveSecret(key, 'prov:0', `mac${i}`),
      deriveSecret(key, 'sip:0:1', `mac${i}`),
    ]).flat();
    const m = new SecretMasker(secrets);
    for (const i of [0, 1, 4_999, 12_345, 79_999]) {
      const s = secrets[i]!;
      expect(m.mask(`x=${s}&y=${s}.`)).toBe('x=********&y=********.');
      expect(m.mask(`${s}`)).toBe('********');
    }
    const plain = 'P21896=public; user=admin; 2026-01-01T00:00:00.000Z 127.0.0.1 Yealink SIP-T46U 108.86.0.45';
    expect(m.mask(plain)).toBe(plain);
    // one character changed is another string: not masked
    const near = `${secrets[7]!.slice(0, -1)}${secrets[7]!.endsWith('a') ? 'b' : 'a'}`;
    expect(m.mask(near)).toBe(near);
  });
});
