/** Decides whether a request may receive a device's secret file. The MAC in the URL is a claim, never a credential. */
import { addressWithin } from '../model/address-ranges.js';
import type { Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import type { Device } from '../model/config-types.js';
import type { RequestIdentity } from '../model/vendor-contract.js';
import type { AuthMethod, CredentialState, SecurityReason, Store } from '../store/store.js';
import { subnetOf } from './abuse-guard.js';
import { nonceCount, parseDigestHeader, REALM, verifyDigest, type NonceAuthority } from './digest.js';

/**
 * After the first successful fetch the window stays open this long for the rest of the same boot, from the same source,
 * for at most ENROLMENT_GRACE_FETCHES more device files (counted by the phone handler).
 */
export const ENROLMENT_GRACE_MS = 120_000;
export const ENROLMENT_GRACE_FETCHES = 3;

export interface AuthorizeInput {
  mac: Mac;
  method: string;
  uri: string;
  authorization: string | undefined;
  source: string;
  identity: RequestIdentity;
  pinSource: 'none' | 'address' | 'subnet';
  /** the vendor's firmware names the MAC in its User-Agent: enrolling without it is refused */
  macInUserAgent?: boolean;
}

export type AuthDecision =
  | {
      ok: true;
      method: Exclude<AuthMethod, 'none'>;
      device: Device;
      /** the generations read for this decision: the files are rendered at these */
      credentials: CredentialState;
      newCredentialsUsed: boolean;
      nonceUse?: { nonce: string; count: number };
    }
  | { ok: false; reason: SecurityReason; weight: DenialWeight; stale?: boolean; ban?: boolean };

/**
 * How a denial counts toward a ban. Every request without credentials counts as a 'challenge', whatever the MAC,
 * so the ban arithmetic cannot tell known from unknown MACs; wrong credentials count as a 'failure'.
 */
export type DenialWeight = 'challenge' | 'failure' | 'none';

const deny = (reason: SecurityReason, weight: DenialWeight, extra: { stale?: boolean; ban?: boolean } = {}): AuthDecision => ({
  ok: false,
  reason,
  weight,
  ...extra,
});

export async function authorize(
  input: AuthorizeInput,
  inventory: Inventory,
  store: Store,
  nonces: NonceAuthority,
  now = new Date(),
): Promise<AuthDecision> {
  const { mac } = input;
  if (inventory.isCanary(mac)) return deny('canary', 'failure', { ban: true });
  // Looked up for every MAC, known or not, so both paths cost the same.
  const device = inventory.device(mac);
  const digest = parseDigestHeader(input.authorization);
  // With credentials the window is read only for its pinned source, which a view a moment old answers; without them the
  // request may enrol, so it must see the window as it is now (a sibling process may have just closed it).
  const [enrolment, creds] = await Promise.all([store.enrolment(mac, digest ? 'recent' : 'exact'), store.credentials(mac)]);

  if (digest) {
    const nonceState = nonces.check(digest.nonce);
    if (nonceState === 'invalid') return deny('bad-credentials', 'failure');
    if (nonceState === 'stale') return deny('stale-nonce', 'none', { stale: true });
    const userOk = digest.username === inventory.provisioningUsername(mac) && digest.realm === REALM && digest.uri === input.uri;
    const matchesCurrent = verifyDigest(digest, inventory.provisioningPassword(mac, creds.generation), input.method);
    const matchesPrevious =
      !matchesCurrent &&
      creds.previousGeneration !== undefined &&
      verifyDigest(digest, inventory.provisioningPassword(mac, creds.previousGeneration), input.method);
    if (!device) return deny('unknown-mac', 'failure');
    if (device.disabled || device.provision === false) return deny('device-disabled', 'failure');
    if (!userOk || !(matchesCurrent || matchesPrevious)) return deny('bad-credentials', 'failure');
    if (!nonces.acceptCount(digest.nonce, digest.nc)) return deny('replayed-nonce', 'failure');
    if (!sourceAllowed(input, enrolment?.pinnedSource)) return deny('source-pin-mismatch', 'failure');
    if (!inventory.resolvable(mac)) return deny('unknown-mac', 'failure');
    return {
      ok: true,
      method: 'digest',
      device,
      credentials: creds,
      newCredentialsUsed: matchesCurrent && creds.previousGeneration !== undefined,
      nonceUse: { nonce: digest.nonce, count: nonceCount(digest.nc) },
    };
  }

  if (!device) return deny('unknown-mac', 'challenge');
  if (device.disabled || device.provision === false) return deny('device-disabled', 'challenge');
  if (!enrolment || !enrolmentOpen(enrolment, input.source, now)) return deny('not-enrolled', 'challenge');
  const networks = inventory.config.sites[device.site]?.networks;
  if (networks && !addressWithin(input.source, networks)) return deny('enrolment-off-site', 'challenge');
  if (input.identity.uaMac === undefined ? input.macInUserAgent : input.identity.uaMac !== mac) return deny('ua-url-mismatch', 'challenge');
  if (input.identity.model !== device.model) return deny('model-mismatch', 'challenge');
  if (!sourceAllowed(input, enrolment.pinnedSource)) return deny('source-pin-mismatch', 'challenge');
  if (!inventory.resolvable(mac)) return deny('unknown-mac', 'challenge');
  return { ok: true, method: 'enrolment', device, credentials: creds, newCredentialsUsed: false };
}

function enrolmentOpen(e: { expiresAt: string; closedAt?: string; pinnedSource?: string }, source: string, now: Date): boolean {
  if (!e.closedAt) return Date.parse(e.expiresAt) > now.getTime();
  return now.getTime() - Date.parse(e.closedAt) < ENROLMENT_GRACE_MS && (e.pinnedSource === undefined || e.pinnedSource === source);
}

function sourceAllowed(input: AuthorizeInput, pinned: string | undefined): boolean {
  if (input.pinSource === 'none' || !pinned) return true;
  return input.pinSource === 'address' ? pinned === input.source : subnetOf(pinned) === subnetOf(input.source);
}
