/**
 * HTTP Digest known answers: the server's Digest code checked against the worked examples printed in RFC 2617 §3.5
 * and RFC 7616 §3.9.1 (test/fixtures/digest-rfc-vectors.ts), not against itself.
 */
import { describe, expect, it } from 'vitest';
import { digestResponse, parseDigestHeader, verifyDigest } from '../../src/provisioning/digest.js';
import { DIGEST_RFC_VECTORS } from '../fixtures/digest-rfc-vectors.js';

describe('Digest known answers', () => {
  for (const v of DIGEST_RFC_VECTORS) {
    it(`${v.name}: the server computes the RFC's response and accepts the RFC's header`, () => {
      const parsed = parseDigestHeader(v.header);
      expect(parsed).toBeDefined();
      expect(digestResponse(parsed!, v.password, 'GET')).toBe(v.response);
      expect(verifyDigest(parsed!, v.password, 'GET')).toBe(true);
    });

    it(`${v.name}: a wrong password, method or URI is refused`, () => {
      const parsed = parseDigestHeader(v.header)!;
      expect(verifyDigest(parsed, `${v.password}!`, 'GET')).toBe(false);
      expect(verifyDigest(parsed, v.password, 'POST')).toBe(false);
      expect(verifyDigest({ ...parsed, uri: '/dir/other.html' }, v.password, 'GET')).toBe(false);
    });
  }
});
