/**
 * Possible credential theft, per device: a signal that someone else holds the device's file or a captured request —
 * an enrolment conflict (it enrolled from one address and is refused from another) or a replayed Digest header — that
 * no rotation has answered since. The Fleet and device pages show it as a banner with the one action that answers it:
 * rotate the credentials and re-enrol.
 */
import type { Mac } from '../model/mac.js';
import type { SecurityEvent, SecurityReason, Store } from '../store/store.js';

const THEFT_REASONS: readonly SecurityReason[] = ['enrolment-conflict', 'replayed-nonce'];
/** how far back the pages look, per reason */
const LOOK_BACK = 500;

export interface TheftSignal {
  mac: Mac;
  ts: string;
  reason: SecurityReason;
  source?: string;
  detail?: string;
}

/** The newest unanswered theft signal per device (of one device when `mac` is given), newest device first. */
export async function theftSignals(store: Pick<Store, 'events'>, mac?: Mac): Promise<TheftSignal[]> {
  const filter = (reason: SecurityReason, limit: number) => store.events({ reason, limit, ...(mac ? { mac } : {}) });
  const rotated = new Map<string, string>();
  for (const e of await filter('credentials-rotated', LOOK_BACK * 4)) if (e.mac && !rotated.has(e.mac)) rotated.set(e.mac, e.ts);
  const newest = new Map<string, SecurityEvent>();
  for (const reason of THEFT_REASONS) {
    for (const e of await filter(reason, LOOK_BACK)) {
      if (!e.mac || (rotated.get(e.mac) ?? '') >= e.ts) continue;
      const seen = newest.get(e.mac);
      if (!seen || seen.ts < e.ts) newest.set(e.mac, e);
    }
  }
  return [...newest.values()]
    .sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0))
    .map((e) => ({
      mac: e.mac as Mac,
      ts: e.ts,
      reason: e.reason,
      ...(e.source ? { source: e.source } : {}),
      ...(e.detail ? { detail: e.detail } : {}),
    }));
}
