/**
 * One `ghostguard serve` replica as a child process: its own directory under `root` with the shared master key and the
 * same configuration text as the others (as from one git checkout), the port on the command line. Stopped by its PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface Replica {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly dir: string;
  output(): string;
  readonly exited: Promise<number | null>;
  alive(): boolean;
  /** SIGTERM unless already gone, and wait for the exit */
  stop(): Promise<void>;
}

export interface ReplicaSpec {
  root: string;
  name: string;
  configText: string;
  port: number;
  /** hex master key, the same on every replica */
  masterKey: string;
  env?: NodeJS.ProcessEnv;
}

export async function startReplica(spec: ReplicaSpec): Promise<Replica> {
  const dir = join(spec.root, spec.name);
  mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'data', 'master.key'), `${spec.masterKey}\n`, { mode: 0o600 });
  const path = join(dir, 'ghostguard.yaml');
  writeFileSync(path, spec.configText);
  const args = [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', path, '--port', String(spec.port), '--duration', '600'];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: spec.env ?? process.env });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const alive = () => child.exitCode === null && !child.signalCode;
  const replica: Replica = {
    name: spec.name,
    child,
    port: spec.port,
    dir,
    output: () => output,
    exited,
    alive,
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + 60_000;
  while (!output.includes('phones:')) {
    if (!alive() || Date.now() > deadline) {
      await replica.stop();
      throw new Error(`replica ${spec.name} did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return replica;
}
