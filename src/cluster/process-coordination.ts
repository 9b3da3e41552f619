/** The Coordination of a server that is one process: nothing to share, so every answer is local. */
import { NonceCounts } from '../provisioning/digest.js';
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import type { Coordination, CoordinationStatus, ReplicaInfo } from './coordination.js';
import { LocalReplica } from './local-replica.js';

export class ProcessCoordination implements Coordination {
  readonly scope = 'process' as const;
  private readonly counts = new NonceCounts();
  private readonly renderListeners: (() => void)[] = [];
  private readonly local = new LocalReplica();

  async claimNonce(nonce: string, count: number): Promise<boolean> {
    return this.counts.accept(nonce, count);
  }

  /** the guard alone decides: nothing to join */
  shareGuard(_guard: AbuseGuard, _announce: (address: string) => void): () => void {
    return () => undefined;
  }

  invalidateRenders(): void {
    for (const l of this.renderListeners) l();
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
    return { scope: this.scope, connected: true, leader: this.isLeader() };
  }

  isLeader(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
