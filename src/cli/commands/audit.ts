/** `ghostguard audit <targets…>`: the CLI face of the auditor, with the inventory and state of the configuration. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuditCommandOptions } from '../../auditor/audit-options.js';
import { runAuditCommand } from '../audit-command.js';
import { openOffline, vendors } from '../context.js';
import type { CliIo } from '../io.js';

export async function auditCommand(
  targets: string[],
  options: Omit<AuditCommandOptions, 'targets'> & { config?: string },
  io: CliIo,
): Promise<number> {
  const offline = await openOffline(options, io);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  try {
    return await runAuditCommand(
      { ...options, targets },
      {
        vendors,
        inventory: offline.inventory,
        store: offline.store,
        auditRuns: offline.store.auditRuns,
        signal: abort.signal,
        // long lines are wrapped to the terminal's width only when the report goes to a terminal; piped, each line stays whole
        stdout: { write: (t: string) => io.out(t), columns: io.isTty && process.stdout.isTTY ? process.stdout.columns : undefined },
        stderr: { write: (t: string) => io.err(t), isTTY: io.isTty, columns: process.stderr.columns },
        readFile: (path) => readFileSync(resolve(io.cwd, path), 'utf8'),
        writeFile: (path, data) => writeFileSync(resolve(io.cwd, path), data),
      },
    );
  } finally {
    process.off('SIGINT', stop);
    await offline.close();
  }
}
