/**
 * `ghostguard serve` replicas as real processes for the cluster tests: each in its own directory with its own data
 * directory and the same master key, all reading the same configuration text (as from one git checkout), stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';

const ROOT = join(import.meta.dirname, '../..');

export interface ReplicaProcess {
  child: ChildProcess;
  port: number;
  dir: string;
  output: () => string;
  exited: Promise<number | null>;
  /** the admin listener's origin (https://127.0.0.1:<port>), from the startup banner */
  adminOrigin: () => string;
  /** SIGTERM when still running, then its exit */
  stop: () => Promise<number | null>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(what: () => boolean | Promise<boolean>, ms: number, label: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what()) return;
    await sleep(50);
  }
  throw new Error(`not within ${ms} ms: ${label}`);
}

export interface ReplicaSpec {
  root: string;
  name: string;
  port: number;
  configText: string;
  masterKeyHex: string;
  adminPassword: string;
  /** extra `serve` arguments, e.g. ['--workers', '2'] */
  args?: string[];
}

export async function startReplica(s: ReplicaSpec): Promise<ReplicaProcess> {
  const dir = join(s.root, s.name);
  mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'data', 'master.key'), `${s.masterKeyHex}\n`, { mode: 0o600 });
  const path = join(dir, 'ghostguard.yaml');
  writeFileSync(path, s.configText);
  const args = ['serve', '--config', path, '--port', String(s.port), '--duration', '170', ...(s.args ?? [])];
  const child = spawn(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GHOSTGUARD_ADMIN_PASSWORD: s.adminPassword },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = () => output.includes('phones:') && /admin: {2}https:\/\/\S+\//.test(output);
  await until(() => ready() || child.exitCode !== null, 40_000, `${s.name} ready`);
  if (!ready()) throw new Error(`${s.name} did not start: ${output}`);
  return {
    child,
    port: s.port,
    dir,
    output: () => output,
    exited,
    adminOrigin: () => new URL(/admin: {2}(https:\/\/[^ ]+\/)/.exec(output)![1]!).origin,
    stop: async () => {
      if (child.exitCode === null && !child.signalCode) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A phone-side HTTPS client bound to one loopback source address. */
export function phoneClient(port: number, address: string): Client {
  return new Client(`https://127.0.0.1:${port}`, { localAddress: address, connect: { rejectUnauthorized: false } });
}

/** GET /api/<path> on a replica's admin listener with HTTP Basic. */
export async function adminJson<T>(replica: ReplicaProcess, path: string, password: string): Promise<T> {
  const c = new Client(replica.adminOrigin(), { connect: { rejectUnauthorized: false } });
  try {
    const res = await c.request({
      method: 'GET',
      path,
      headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
    });
    return (await res.body.json()) as T;
  } finally {
    await c.close();
  }
}
