/**
 * The Coordination of one `serve --workers` worker: everything goes over the IPC channel to the cluster primary
 * (src/cli/commands/serve-cluster.ts), which grants nonce-counts (nonce-cluster.ts), counts bans and rates for all
 * workers (guard-cluster.ts) and relays render invalidations. The operator worker leads the schedules.
 */
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import { isGuardBanMessage, reportToPrimary } from '../provisioning/guard-cluster.js';
import { isNonceClaimAnswer, NonceClaims } from '../provisioning/nonce-cluster.js';
import type { Coordination, CoordinationStatus, ReplicaInfo } from './coordination.js';
import { LocalReplica } from './local-replica.js';

/** worker → primary → every worker */
export const RENDERS_INVALIDATED = 'rendersInvalidated';

/** Sends to the primary; false when the channel is already closed (the callback absorbs a late close). */
export function sendToPrimary(message: object): boolean {
  if (!process.connected || !process.send) return false;
  process.send(message, undefined, {}, () => {});
  return true;
}

export class WorkerCoordination implements Coordination {
  readonly scope = 'workers' as const;
  private readonly claims = new NonceClaims(sendToPrimary);
  private readonly renderListeners: (() => void)[] = [];
  private readonly local = new LocalReplica();
  private guard?: { guard: AbuseGuard; announce: (address: string) => void };
  private readonly onMessage = (message: unknown) => this.receive(message);

  constructor(private readonly operator: boolean) {
    process.on('message', this.onMessage);
  }

  claimNonce(nonce: string, count: number): Promise<boolean> {
    return this.claims.claim(nonce, count);
  }

  shareGuard(guard: AbuseGuard, announce: (address: string) => void): () => void {
    const stop = reportToPrimary(guard, sendToPrimary);
    this.guard = { guard, announce };
    return () => {
      stop();
      this.guard = undefined;
    };
  }

  invalidateRenders(): void {
    if (!sendToPrimary({ [RENDERS_INVALIDATED]: true })) for (const l of this.renderListeners) l();
  }

  onRendersInvalidated(listener: () => void): void {
    this.renderListeners.push(listener);
  }

  publishInventory(version: string): void {
    this.local.publish(version);
  }

  replicas(): Promise<ReplicaInfo[]> {
    return this.local.list();
  }

  /** one machine reads one file: its processes never differ */
  onInventoryMismatch(_listener: (replicas: ReplicaInfo[]) => void): void {}

  status(): CoordinationStatus {
    return { scope: this.scope, connected: process.connected === true, leader: this.isLeader() };
  }

  isLeader(): boolean {
    return this.operator;
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    this.claims.close();
  }

  private receive(message: unknown): void {
    if (isNonceClaimAnswer(message)) {
      this.claims.answer(message);
      return;
    }
    if (typeof message === 'object' && message !== null && RENDERS_INVALIDATED in message) {
      for (const l of this.renderListeners) l();
      return;
    }
    if (!isGuardBanMessage(message) || !this.guard) return;
    for (const ban of message.guardBans) this.guard.guard.applyBan(ban);
    for (const throttle of message.guardThrottles ?? []) this.guard.guard.applyThrottle(throttle);
    if (message.announce) this.guard.announce(message.announce);
  }
}
