/**
 * Which configuration a command uses: `-c <file>`, then $GHOSTGUARD_CONFIG, then ./ghostguard.yaml; the bundled example
 * only with --example, or as a last resort with a one-line notice naming it. Relative paths inside a chosen file
 * resolve against that file's directory; the bundled example keeps its state in the current directory (never inside
 * the installed package).
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { BUNDLED_EXAMPLE, hasMasterKey } from '../provisioning/config-source.js';
import type { CliIo } from './io.js';

export interface ConfigOptions {
  config?: string;
  example?: boolean;
}

export interface ConfigChoice {
  path: string;
  /** what relative paths in the file resolve against */
  baseDir: string;
  /** how it was chosen, for messages */
  source: '-c' | '$GHOSTGUARD_CONFIG' | './ghostguard.yaml' | '--example' | 'bundled example';
  bundled: boolean;
}

export const LOCAL_CONFIG = 'ghostguard.yaml';

export function chooseConfig(options: ConfigOptions, io: CliIo): ConfigChoice {
  const file = (path: string, source: ConfigChoice['source']): ConfigChoice => ({ path, baseDir: dirname(path), source, bundled: false });
  if (options.config) return file(resolve(io.cwd, options.config), '-c');
  if (options.example) return { path: BUNDLED_EXAMPLE, baseDir: io.cwd, source: '--example', bundled: true };
  if (io.env.GHOSTGUARD_CONFIG) return file(resolve(io.cwd, io.env.GHOSTGUARD_CONFIG), '$GHOSTGUARD_CONFIG');
  const local = join(io.cwd, LOCAL_CONFIG);
  if (existsSync(local)) return file(local, './ghostguard.yaml');
  io.err(
    `note: no ./${LOCAL_CONFIG}, -c or $GHOSTGUARD_CONFIG: using the bundled example ${BUNDLED_EXAMPLE} (\`ghostguard init\` writes your own; --example silences this)\n`,
  );
  return { path: BUNDLED_EXAMPLE, baseDir: io.cwd, source: 'bundled example', bundled: true };
}

/**
 * Before a command creates a master key in `dataDir`: if one exists where this config's state would have been found
 * before (relative to the current directory) or in ./.ghostguard, every derived password would differ from those —
 * say so, naming both directories.
 */
export function warnNewMasterKey(choice: ConfigChoice, dataDir: string, io: CliIo): void {
  if (hasMasterKey(dataDir)) return;
  const asWritten = relative(choice.baseDir, dataDir);
  const elsewhere = [resolve(io.cwd, asWritten), resolve(io.cwd, '.ghostguard')].filter((d) => d !== dataDir && hasMasterKey(d));
  for (const other of new Set(elsewhere)) {
    io.err(
      `warning: creating a new master key in ${dataDir}, but ${join(relative(io.cwd, other) || '.', 'master.key')} exists: passwords derived with the new key will differ from the ones derived there; to keep them, set server.dataDir to ${other} (or move that directory)\n`,
    );
  }
}
