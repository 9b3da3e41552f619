/**
 * Digest replay protection across `serve --workers` processes. A phone's requests with one nonce reach whichever worker
 * the primary hands each connection to, and every worker accepts every nonce of the cluster. So the count is not a
 * worker's to accept: once the response verified, the worker claims (nonce, count) at the primary, which keeps the
 * cluster's counts and answers each claim in arrival order, and serves the file only when the claim was granted. A
 * captured Authorization header is therefore served once cluster-wide, however soon it is replayed, and to whichever
 * worker. No answer (the primary gone, the channel closed) is a refusal.
 */
import { NonceCounts } from './digest.js';

/** worker → primary */
export interface NonceClaimMessage {
  nonceClaim: number;
  nonce: string;
  count: number;
}

/** primary → the claiming worker */
export interface NonceClaimAnswer {
  nonceClaimed: number;
  granted: boolean;
}

/** a claim the primary has not answered in this long is refused (the phone retries with a fresh challenge) */
export const CLAIM_TIMEOUT_MS = 5000;

export function isNonceClaimMessage(message: unknown): message is NonceClaimMessage {
  const m = message as NonceClaimMessage;
  return (
    typeof m === 'object' &&
    m !== null &&
    Number.isSafeInteger(m.nonceClaim) &&
    typeof m.nonce === 'string' &&
    m.nonce.length <= 256 &&
    Number.isSafeInteger(m.count)
  );
}

export function isNonceClaimAnswer(message: unknown): message is NonceClaimAnswer {
  const m = message as NonceClaimAnswer;
  return typeof m === 'object' && m !== null && Number.isSafeInteger(m.nonceClaimed) && typeof m.granted === 'boolean';
}

/** In the primary: the cluster's nonce-counts; each claim is granted at most once. */
export class NonceRegistry {
  private readonly counts = new NonceCounts();

  answer(claim: NonceClaimMessage): NonceClaimAnswer {
    return { nonceClaimed: claim.nonceClaim, granted: this.counts.accept(claim.nonce, claim.count) };
  }
}

/** In a worker: claims sent to the primary, each resolved by its answer, a timeout, or close(). */
export class NonceClaims {
  private next = 1;
  private readonly pending = new Map<number, { done: (granted: boolean) => void; timer: NodeJS.Timeout }>();

  /** `send` returns false when the message could not be sent (the channel to the primary is closed) */
  constructor(
    private readonly send: (message: NonceClaimMessage) => boolean,
    private readonly timeoutMs = CLAIM_TIMEOUT_MS,
  ) {}

  claim(nonce: string, count: number): Promise<boolean> {
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, false), this.timeoutMs);
      timer.unref();
      this.pending.set(id, { done: resolve, timer });
      if (!this.send({ nonceClaim: id, nonce, count })) this.settle(id, false);
    });
  }

  answer(message: NonceClaimAnswer): void {
    this.settle(message.nonceClaimed, message.granted);
  }

  /** refuses every claim still waiting */
  close(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, false);
  }

  private settle(id: number, granted: boolean): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.done(granted);
  }
}
