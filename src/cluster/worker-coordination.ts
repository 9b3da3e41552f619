/**
 * The Coordination of one `serve --workers` worker: everything goes over the IPC channel to the cluster primary
 * (src/cli/commands/serve-cluster.ts), which grants nonce-counts (nonce-cluster.ts), counts bans and rates for all
 * workers (guard-cluster.ts). The operator worker leads the schedules.
 */
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import { isGuardBanMessage, reportToPrimary } from '../provisioning/guard-cluster.js';
import { isNonceClaimAnswer, NonceClaims } from '../provisioning/nonce-cluster.js';
import type { Coordination, CoordinationStatus } from './coordination.js';
import { OneMachineCoordination } from './one-machine.js';

/** Sends to the primary; false when the channel is already closed (the callback absorbs a late close). */
export function sendToPrimary(message: object): boolean {
  if (!process.connected || !process.send) return false;
  process.send(message, undefined, {}, () => {});
  return true;
}

export class WorkerCoordination extends OneMachineCoordination implements Coordination {
  readonly scope = 'workers' as const;
  private readonly claims = new NonceClaims(sendToPrimary);
  private guard?: { guard: AbuseGuard; announce: (address: string) => void };
  private readonly onMessage = (message: unknown) => this.receive(message);

  constructor(private readonly operator: boolean) {
    super();
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
    if (!isGuardBanMessage(message) || !this.guard) return;
    const { guard, announce } = this.guard;
    // bans this worker's guard already held were announced by its own `banned` event: one ban, one event
    const news = message.guardBans.some((ban) => !guard.isBanned(ban.key));
    for (const ban of message.guardBans) guard.applyBan(ban);
    for (const throttle of message.guardThrottles ?? []) guard.applyThrottle(throttle);
    if (message.announce && news) announce(message.announce);
    if (message.spread) guard.onSpread?.(message.spread);
  }
}
