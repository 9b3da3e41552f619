/** The Coordination of a server that is one process: nothing to share, so every answer is local. */
import { NonceCounts } from '../provisioning/digest.js';
import type { AbuseGuard } from '../provisioning/abuse-guard.js';
import type { Coordination } from './coordination.js';

export class ProcessCoordination implements Coordination {
  readonly scope = 'process' as const;
  private readonly counts = new NonceCounts();
  private readonly renderListeners: (() => void)[] = [];

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

  isLeader(): boolean {
    return true;
  }

  async close(): Promise<void> {}
}
