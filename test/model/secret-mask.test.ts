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
