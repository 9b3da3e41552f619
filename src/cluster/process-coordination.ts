/** The Coordination of a server that is one process: nothing to share, so every answer is local. */
import { NonceCounts } from '../provisioning/digest.js';
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import type { Coordination, CoordinationStatus } from './coordination.js';
import { OneMachineCoordination } from './one-machine.js';

export class ProcessCoordination extends OneMachineCoordination implements Coordination {
  readonly scope = 'process' as const;
  private readonly counts = new NonceCounts();

  async claimNonce(nonce: string, count: number): Promise<boolean> {
    return this.counts.accept(nonce, count);
  }

  /** the guard alone decides: nothing to join */
  shareGuard(_guard: AbuseGuard, _announce: (address: string) => void): () => void {
    return () => undefined;
  }

  status(): CoordinationStatus {
    return { scope: this.scope, connected: true, leader: this.isLeader() };
  }

  isLeader(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
