/** `ghostguard serve` as a child process of the test, on a temporary config with its own data directory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTempConfig } from './runtime.js';

const ROOT = join(import.meta.dirname, '../..');

export interface ServeProcess {
  child: ChildProcess;
  dir: string;
  path: string;
  /** everything it printed so far, stdout and stderr */
  output: () => string;
  /** SIGTERM (if still running) and its exit code */
  stop: () => Promise<number | null>;
}

/**
 * Writes the config with the data directory, port and adminPort 0 filled in, starts serve, waits for its listeners.
 * `launcher` runs before node, e.g. ['prlimit', '--nofile=2048:2048'] for a smaller open-file limit.
 */
export async function startServe(yaml: string, port: number, args: string[] = [], launcher: string[] = []): Promise<ServeProcess> {
  const { dir, path } = writeTempConfig(yaml.replace('server:\n', `server:\n  dataDir: DATA_DIR\n  port: ${port}\n  adminPort: 0\n`));
  writeFileSync(path, readFileSync(path, 'utf8').replace('DATA_DIR', join(dir, 'data')));
  return launch(dir, path, args, launcher);
}

/** serve again on the same config and data directory (after a stop or a crash) */
export function restartServe(previous: Pick<ServeProcess, 'dir' | 'path'>, args: string[] = []): Promise<ServeProcess> {
  return launch(previous.dir, previous.path, args, []);
}

async function launch(dir: string, path: string, args: string[], launcher: string[]): Promise<ServeProcess> {
  const command = [...launcher, process.execPath, join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', path, '--duration', '60', ...args];
  const child = spawn(command[0]!, command.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (!output.includes('phones:') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!output.includes('phones:')) {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    throw new Error(`serve did not start: ${output}`);
  }
  return {
    child,
    dir,
    path,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return new Promise((r) => child.once('exit', (code) => r(code)));
    },
  };
}
