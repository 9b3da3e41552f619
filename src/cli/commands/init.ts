/** `ghostguard init [file]`: writes a commented starter configuration (never overwrites without --force). */
import { copyFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUNDLED_EXAMPLE } from '../../provisioning/config-source.js';
import { EXIT, type CliIo } from '../io.js';

export function initCommand(file: string | undefined, options: { force?: boolean }, io: CliIo): number {
  const target = resolve(io.cwd, file ?? 'ghostguard.yaml');
  if (existsSync(target) && !options.force) {
    io.err(`${target} already exists; use --force to overwrite\n`);
    return EXIT.error;
  }
  copyFileSync(BUNDLED_EXAMPLE, target);
  io.out(`wrote ${target}\nnext: edit sites and devices, then \`ghostguard validate --config ${file ?? 'ghostguard.yaml'}\` and \`ghostguard serve --config ${file ?? 'ghostguard.yaml'}\`\n`);
  return EXIT.ok;
}
