/**
 * The lab's own Digest code (src/lab/digest.ts, digest-client.ts) against the RFCs' worked examples: the emulated
 * phone answers the RFC's challenge with the RFC's response, and its SIP endpoint accepts the RFC's header.
 */
import { describe, expect, it } from 'vitest';
import { DigestSession, parseChallenge } from '../../src/lab/digest-client.js';
import { digestMatches, parseDigestAnswer, parseDigestParams } from '../../src/lab/digest.js';
import { DIGEST_RFC_VECTORS } from '../fixtures/digest-rfc-vectors.js';

describe('lab Digest known answers', () => {
  for (const v of DIGEST_RFC_VECTORS) {
    it(`${v.name}: the phone's client answers the RFC's challenge with the RFC's response`, () => {
      const session = new DigestSession();
      session.accept(parseChallenge(v.challenge)!);
      const header = session.authorization({ username: 'Mufasa', password: v.password }, v.method, v.uri, v.cnonce);
      const sent = parseDigestParams(header!)!;
      expect(sent.get('response')).toBe(v.response);
      expect(sent.get('nc')).toBe(v.nc);
      expect(sent.get('qop')).toBe('auth');
    });

    it(`${v.name}: the phone's verifier accepts the RFC's header and refuses a wrong password, method or URI`, () => {
      const answer = parseDigestAnswer(v.header)!;
      expect(answer.response).toBe(v.response);
      expect(digestMatches(answer.fields, answer.response, v.password, v.method)).toBe(true);
      expect(digestMatches(answer.fields, answer.response, `${v.password}!`, v.method)).toBe(false);
      expect(digestMatches(answer.fields, answer.response, v.password, 'POST')).toBe(false);
      expect(digestMatches({ ...answer.fields, uri: '/dir/other.html' }, answer.response, v.password, v.method)).toBe(false);
    });
  }

  it('reads quoted-pair escapes and refuses a malformed list (RFC 7235 §2.1)', () => {
    expect(parseDigestParams('Digest realm="a\\"b", nonce=x')?.get('realm')).toBe('a"b');
    expect(parseDigestParams('Digest realm="open')).toBeUndefined();
    expect(parseDigestParams('Basic realm="x"')).toBeUndefined();
  });
});
