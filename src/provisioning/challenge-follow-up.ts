/**
 * A credential-less request outside the enrolment window gets the Digest challenge; only a repeat left unanswered is an
 * event — `not-enrolled`, or `enrolment-conflict` when the device enrolled from another address.
 */
import type { Mac } from '../model/mac.js';
import type { Store } from '../store/store.js';
import type { ChallengeLedger } from './challenge-ledger.js';
import type { EventLog } from './event-log.js';

export interface ChallengeFollowUpContext {
  store: Pick<Store, 'fetchHistory' | 'enrolment'>;
  events: EventLog;
  challenges: ChallengeLedger;
}

/** A credential-less request outside the enrolment window: the Digest challenge, an event only when it repeats unanswered. */
export async function followUpChallenge(
  ctx: ChallengeFollowUpContext,
  mac: Mac,
  source: string,
  file: string,
  userAgent: string,
  now: Date,
): Promise<void> {
  const { store, events, challenges } = ctx;
  const since = challenges.challenged(mac, source, now.getTime());
  if (since === undefined) return;
  // another worker may have served the authenticated fetch that answered the first challenge
  const answered = (await store.fetchHistory(mac, 5)).some((f) => f.source === source && f.auth !== 'none' && Date.parse(f.ts) >= since);
  if (answered) return void challenges.answered(mac, source);
  const enrolment = await store.enrolment(mac);
  if (enrolment?.closedAt && enrolment.pinnedSource !== undefined && enrolment.pinnedSource !== source) {
    // this device enrolled from elsewhere and is now asking, without credentials, from here: one of the two is not it
    const enrolled = (await store.fetchHistory(mac, 50)).filter((f) => f.auth === 'enrolment').at(-1);
    const by = enrolled
      ? `${enrolled.source} (${enrolled.userAgent}) at ${enrolled.ts}`
      : `${enrolment.pinnedSource} at ${enrolment.closedAt}`;
    events.emit({
      reason: 'enrolment-conflict',
      source,
      mac,
      file,
      detail: `enrolled by ${by}; now refused here: ${userAgent}. Possible theft: rotate its credentials and re-enrol it`,
    });
    return;
  }
  events.emit({
    reason: 'not-enrolled',
    source,
    mac,
    file,
    detail: `no credentials again after a challenge at ${new Date(since).toISOString()}; ${userAgent}`,
  });
}
