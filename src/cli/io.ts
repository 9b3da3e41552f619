/** Where CLI commands write: injected so tests can drive commands in-process and read what a user would see. */
import { asGhostguardError } from '../model/errors.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  isTty: boolean;
}

export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  isTty: Boolean(process.stderr.isTTY),
};

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/**
 * The one CLI error printer: `<prefix> GG_ERR_…: message` and any details, one per line; returns the exit status the
 * error catalogue gives the code. Anything that is not a GhostguardError is reported as GG_ERR_INTERNAL.
 */
export function printError(write: (text: string) => void, err: unknown, prefix = 'error'): number {
  const e = asGhostguardError(err);
  write(`${prefix} ${e.code}: ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
  return e.exitCode;
}

/**
 * `ghostguard audit … | head`: when the reader goes away, stop quietly like other command-line tools instead of dying
 * with an EPIPE stack trace. Installed once, for the real process streams only.
 */
let pipeHandled = false;
export function endQuietlyOnBrokenPipe(): void {
  if (pipeHandled) return;
  pipeHandled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(EXIT.ok);
      throw err;
    });
  }
}
