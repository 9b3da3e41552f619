/** Runs the real SIP tools (sipp, svmap, tcpdump) on loopback only, and stops exactly the processes it started, by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { findPeer } from '../../helpers/system-peers.js';

export const TOOLS = {
  sipp: findPeer('sipp') ?? '/usr/bin/sipp',
  svmap: findPeer('svmap') ?? '/usr/bin/svmap',
  tcpdump: findPeer('tcpdump') ?? '/usr/bin/tcpdump',
} as const;

/** Refuses anything that is not a 127.0.0.0/8 address: these tests only ever talk to loopback. */
export function loopback(addr: string): string {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(addr)) throw new Error(`refusing non-loopback address ${addr}`);
  return addr;
}

export interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  stdout: () => string;
}

const started = new Set<Proc>();

export function start(name: string, cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    if (out.length < 65536) out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    if (err.length < 65536) err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)));
    child.on('error', () => resolve(-2));
  });
  const p: Proc = { name, child, exited, stderr: () => err, stdout: () => out };
  started.add(p);
  void exited.then(() => started.delete(p));
  return p;
}

/** Waits for a process to end by itself; kills it (by PID) after `ms`. */
export async function finish(p: Proc, ms: number): Promise<number | null> {
  const timer = setTimeout(() => stop(p, 'SIGKILL'), ms);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

export function stop(p: Proc, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (p.child.pid !== undefined && p.child.exitCode === null && p.child.signalCode === null) {
    try {
      process.kill(p.child.pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Stops a process and waits (bounded) for it to exit. */
export async function stopAndWait(p: Proc, signal: NodeJS.Signals = 'SIGTERM', ms = 5000): Promise<void> {
  stop(p, signal);
  await finish(p, ms);
}

/** Every process these helpers started that is still running: stopped by PID. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((p) => stopAndWait(p, 'SIGKILL', 2000)));
}

export async function until(what: string, test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** tcpdump on lo (or any) writing every packet at once; resolves when it is listening. */
export async function startCapture(file: string, filter: string, iface: 'lo' | 'any' = 'lo'): Promise<Proc> {
  const p = start('tcpdump', TOOLS.tcpdump, ['-i', iface, '-n', '--immediate-mode', '-U', '-s', '0', '-w', file, filter]);
  await until('tcpdump to listen', () => /listening on/.test(p.stderr()) || p.child.exitCode !== null, 10_000);
  if (p.child.exitCode !== null) throw new Error(`tcpdump failed: ${p.stderr()}`);
  return p;
}

/** Lets the last packets land, then stops tcpdump with SIGINT (it flushes and closes the file) and waits for it. */
export async function stopCapture(p: Proc): Promise<string> {
  await sleep(300);
  stop(p, 'SIGINT');
  const code = await finish(p, 5000);
  if (code !== 0) throw new Error(`tcpdump exited with ${code}: ${p.stderr()}`);
  return p.stderr();
}

export function sipp(name: string, args: string[]): Proc {
  return start(name, TOOLS.sipp, ['-nostdin', '-timeout', '60s', ...args]);
}
