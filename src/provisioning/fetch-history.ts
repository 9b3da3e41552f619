/**
 * What a device file's delivery leaves behind: the fetch-history record, and the count of fetches by enrolment the
 * phone still has once its window closed (the grace).
 */
import type { Mac } from '../model/mac.js';
import type { FetchRecord } from '../store/store.js';
import { ENROLMENT_GRACE_FETCHES } from './authorize.js';
import type { ProvisioningDeps } from './provisioning-deps.js';

export class FetchHistory {
  /** device files served inside the post-enrolment grace, per MAC (bounded: ENROLMENT_GRACE_FETCHES) */
  private readonly graceUses = new Map<string, number>();

  constructor(private readonly deps: Pick<ProvisioningDeps, 'store' | 'onFetch'>) {}

  /** The enrolment window of this MAC just closed: its grace fetches count from now. */
  startGrace(mac: Mac): void {
    this.graceUses.set(mac, 0);
  }

  /** Counts a fetch by enrolment; false once the window closed and its grace fetches are used up. */
  async graceLeft(mac: Mac): Promise<boolean> {
    if (!(await this.deps.store.enrolment(mac))?.closedAt) return true;
    const used = this.graceUses.get(mac) ?? ENROLMENT_GRACE_FETCHES;
    if (used >= ENROLMENT_GRACE_FETCHES) return false;
    this.graceUses.set(mac, used + 1);
    return true;
  }

  /** Fetch history: authenticated deliveries only. A store that records deliveries before they leave returns the wait. */
  record(
    mac: string,
    source: string,
    userAgent: string,
    file: string,
    sha256: string,
    auth: 'digest' | 'enrolment',
    status: number,
  ): Promise<void> | undefined {
    const record: FetchRecord = {
      ts: new Date().toISOString(),
      mac,
      source,
      userAgent: userAgent.length > 200 ? userAgent.slice(0, 200) : userAgent,
      file,
      sha256,
      auth,
      status,
    };
    this.deps.onFetch?.(record);
    if (status === 200 && this.deps.store.recordDelivery) return this.deps.store.recordDelivery(record);
    // queued behind the phone path (recordFetch takes the record before it returns); a failed write is the store's to report
    this.deps.store.recordFetch(record).catch(() => {});
    return undefined;
  }
}
