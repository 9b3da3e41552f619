/**
 * HTTP Digest known answers: the server's Digest code checked against the worked examples printed in RFC 2617 §3.5
 * and RFC 7616 §3.9.1 (headers and expected responses copied from the RFC text), not against itself.
 */
import { describe, expect, it } from 'vitest';
import { digestResponse, parseDigestHeader, verifyDigest } from '../../src/provisioning/digest.js';

const RFC2617 = {
  header:
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, ' +
    'nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  password: 'Circle Of Life',
  response: '6629fae49393a05397450978507c4ef1',
};

const RFC7616 = (algorithm: 'MD5' | 'SHA-256', response: string) => ({
  header:
    `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, ` +
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
    `qop=auth, response="${response}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
  password: 'Circle of Life',
  response,
});

const VECTORS = [
  ['RFC 2617 §3.5 (MD5)', RFC2617],
  ['RFC 7616 §3.9.1 (MD5)', RFC7616('MD5', '8ca523f5e9506fed4657c9700eebdbec')],
  ['RFC 7616 §3.9.1 (SHA-256)', RFC7616('SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1')],
] as const;

describe('Digest known answers', () => {
  for (const [name, v] of VECTORS) {
    it(`${name}: the server computes the RFC's response and accepts the RFC's header`, () => {
      const parsed = parseDigestHeader(v.header);
      expect(parsed).toBeDefined();
      expect(digestResponse(parsed!, v.password, 'GET')).toBe(v.response);
      expect(verifyDigest(parsed!, v.password, 'GET')).toBe(true);
    });

    it(`${name}: a wrong password, method or URI is refused`, () => {
      const parsed = parseDigestHeader(v.header)!;
      expect(verifyDigest(parsed, `${v.password}!`, 'GET')).toBe(false);
      expect(verifyDigest(parsed, v.password, 'POST')).toBe(false);
      expect(verifyDigest({ ...parsed, uri: '/dir/other.html' }, v.password, 'GET')).toBe(false);
    });
  }
});
