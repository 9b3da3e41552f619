import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/model/secret-mask.js';

describe('SecretMasker', () => {
  it('masks every occurrence, the longest matching secret whole, and leaves short strings alone', () => {
    const m = new SecretMasker(['Sip1-s3cret', 'Sip1-s3cret-Q7', 'abc', 'Adm1n-pw']);
    expect(m.mask('a=Sip1-s3cret-Q7;b=Sip1-s3cret;c=Adm1n-pwAdm1n-pw;abc')).toBe('a=********;b=********;c=****************;abc');
    expect(m.mask('nothing secret here')).toBe('nothing secret here');
    expect(new SecretMasker([]).mask('Sip1-s3cret')).toBe('Sip1-s3cret');
  });
});
