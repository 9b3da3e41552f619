/**
 * Digest replay protection across `serve --workers` processes. A phone's requests with one nonce reach whichever worker
 * the primary hands each connection to, and every worker accepts every nonce of the cluster; each keeps the highest
 * nonce-count it accepted. Workers pass the counts they accepted to the primary in batches, which hands them to the
 * other workers: a captured Authorization header replayed to another worker is refused there once the batch arrived.
 */
import type { NonceAuthority } from './digest.js';

/** worker → primary → the other workers: [nonce, highest count accepted] */
export interface NonceCountMessage {
  nonceCounts: [string, number][];
}

/** how often a worker passes its accepted counts on: the window in which a replay to another worker can succeed */
export const NONCE_SHARE_MS = 100;
/** a batch is sent early at this size, to bound the message */
const BATCH_LIMIT = 5000;

export function isNonceCountMessage(message: unknown): message is NonceCountMessage {
  return typeof message === 'object' && message !== null && Array.isArray((message as NonceCountMessage).nonceCounts);
}

/** In a worker: batches the counts its authority accepts to `send`, and learns the counts other workers accepted. */
export function shareNonceCounts(nonces: NonceAuthority, send: (message: NonceCountMessage) => void): { learn: (message: NonceCountMessage) => void; stop: () => void } {
  let batch = new Map<string, number>();
  const flush = () => {
    if (batch.size === 0) return;
    send({ nonceCounts: [...batch] });
    batch = new Map();
  };
  nonces.onAccepted = (nonce, count) => {
    batch.set(nonce, count);
    if (batch.size >= BATCH_LIMIT) flush();
  };
  const timer = setInterval(flush, NONCE_SHARE_MS);
  timer.unref();
  return {
    learn: (message) => {
      for (const entry of message.nonceCounts) {
        if (Array.isArray(entry) && typeof entry[0] === 'string' && Number.isSafeInteger(entry[1])) nonces.learnCount(entry[0], entry[1]);
      }
    },
    stop: () => {
      clearInterval(timer);
      flush();
      nonces.onAccepted = undefined;
    },
  };
}
