/** Running the real firewall tools from tests: find them, run them in a throwaway network namespace when possible. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { peerHidden, underCi } from '../helpers/system-peers.js';

export function findTool(name: string): string | undefined {
  const dirs = ['/usr/sbin', '/sbin', '/usr/bin', '/bin', ...(process.env.PATH ?? '').split(delimiter)];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const unshare = findTool('unshare');

/** `unshare -n` (root) or `unshare -rn` (user namespace) when that works here; otherwise nothing (run directly). */
const isolation: string[] = (() => {
  if (!unshare) return [];
  const args = isRoot ? ['-n'] : ['-r', '-n'];
  return spawnSync(unshare, [...args, 'true'], { encoding: 'utf8' }).status === 0 ? [unshare, ...args] : [];
})();

export interface RunResult {
  status: number | null;
  output: string;
}

/** Runs a tool on a file, inside a fresh network namespace when one can be made (nothing touches the host). */
export function runOnFile(tool: string, args: readonly string[], text: string, name = 'rules'): RunResult {
  const file = join(mkdtempSync(join(tmpdir(), 'gg-edge-')), name);
  writeFileSync(file, text);
  const argv = [...isolation, tool, ...args, file];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

/**
 * Why a checker cannot run here (undefined: it can). Missing tool, or the tool fails even on a trivially valid
 * input (no permission for netlink, no kernel support) — then a failure on our rules would prove nothing.
 */
export function checkerSkipReason(toolName: string, args: readonly string[], trivial: string, pkg: string): string | undefined {
  const tool = peerHidden(pkg) || peerHidden(toolName) ? undefined : findTool(toolName);
  if (!tool) {
    const need = `${toolName} is not installed (apt-get install ${pkg})`;
    if (underCi()) throw new Error(`CI=true and a system peer is missing: ${need}`);
    process.stderr.write(`skipped the ${toolName} check: ${need}\n`);
    return need;
  }
  const probe = runOnFile(tool, args, trivial, 'probe');
  if (probe.status !== 0) return `${toolName} cannot check even an empty rule set here: ${probe.output.trim().split('\n')[0]}`;
  return undefined;
}
