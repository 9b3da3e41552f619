/** Too many checks or audits at once: 429, try again shortly. */
export class BusyError extends Error {
  readonly statusCode = 429;
  readonly code = 'busy';
}
