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
  const flag = file && resolve(io.cwd, 'ghostguard.yaml') !== target ? ` -c ${file}` : '';
  const here = flag ? '' : ' (commands run in this directory use it without -c)';
  io.out(
    `wrote ${target}${here}\nnext: edit sites (and delete the example devices), then \`ghostguard import devices.csv${flag}\`, \`ghostguard validate${flag}\` and \`ghostguard serve${flag}\`\n`,
  );
  return EXIT.ok;
}
