import { randomBytes } from 'node:crypto';
import { computeDigestResponse } from '../../src/lab/digest.js';
import { REALM } from '../../src/provisioning/digest.js';

// Responses come from the lab's Digest code, written apart from the server's (both pass the RFC known answers), so a
// server test never checks the server's Digest against itself.

export function nonceFrom(wwwAuthenticate: string | string[] | undefined): string {
  const m = /nonce="([^"]+)"/.exec(String(wwwAuthenticate));
  if (!m) throw new Error('no nonce in challenge');
  return m[1]!;
}

export function digestHeader(username: string, password: string, method: string, uri: string, nonce: string, nc = 1): string {
  const fields = {
    username,
    realm: REALM,
    nonce,
    uri,
    qop: 'auth',
    nc: nc.toString(16).padStart(8, '0'),
    cnonce: randomBytes(8).toString('hex'),
  };
  const response = computeDigestResponse(fields, password, method);
  return `Digest username="${username}", realm="${REALM}", nonce="${nonce}", uri="${uri}", qop=auth, nc=${fields.nc}, cnonce="${fields.cnonce}", response="${response}", algorithm=MD5`;
}
