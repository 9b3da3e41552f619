/** The emulated phone's Digest challenge to SIP requests (Grandstream "authenticate incoming INVITE", the 401 class). */
import { randomBytes } from 'node:crypto';
import type { PhoneBehaviour } from '../model/vendor-lab.js';
import { digestMatches, parseDigestAnswer } from './digest.js';
import { header, type SipRequest } from './sip-message.js';

const MAX_NONCES = 64;

export class SipDigestAuth {
  /** the last nonces this phone issued; an answer to any other is refused */
  private readonly nonces: string[] = [];

  /** the request carries a Digest answer to one of our nonces, from one of the phone's accounts */
  authorized(req: SipRequest, b: PhoneBehaviour): boolean {
    const answer = parseDigestAnswer(header(req.headers, 'authorization') ?? '');
    if (!answer || answer.fields.realm !== b.sipRealm || !this.nonces.includes(answer.fields.nonce)) return false;
    const account = b.sipCredentials.find((c) => c.username === answer.fields.username);
    return account !== undefined && account.password !== '' && digestMatches(answer.fields, answer.response, account.password, req.method);
  }

  /** a WWW-Authenticate value with a fresh nonce */
  challenge(realm: string): string {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.push(nonce);
    if (this.nonces.length > MAX_NONCES) this.nonces.shift();
    return `Digest realm="${realm}", nonce="${nonce}", algorithm=MD5, qop="auth"`;
  }
}
