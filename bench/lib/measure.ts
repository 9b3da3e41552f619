/**
 * Runs one command we start, and measures it from outside: wall time from spawn to exit, and peak RSS of its whole
 * process tree (the highest VmHWM seen for each of its processes, summed), polled from /proc while it runs (Linux).
 * Bounded: killed (by its own PID, then its children's) after `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { childPids } from './proc-stats.js';

export interface Measured {
  wallMs: number;
  /** summed peak RSS of the process and its descendants, MB */
  peakRssMb: number;
  /** peak RSS of the main process alone, MB */
  mainPeakRssMb: number;
  processes: number;
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function hwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function tree(pid: number, out: number[] = []): number[] {
  out.push(pid);
  for (const c of childPids(pid)) tree(c, out);
  return out;
}

export function measure(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number; pollMs?: number },
): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    if (child.pid === undefined) {
      reject(new Error(`cannot start ${cmd}`));
      return;
    }
    const pid = child.pid;
    const peaks = new Map<number, number>();
    const poll = () => {
      for (const p of tree(pid)) {
        const kb = hwmKb(p);
        if (kb !== undefined && kb > (peaks.get(p) ?? 0)) peaks.set(p, kb);
      }
    };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    poll();
    const poller = setInterval(poll, options.pollMs ?? 20);
    let timedOut = false;
    const killer = setTimeout(() => {
      timedOut = true;
      for (const p of tree(pid).reverse()) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs);
    // wall time ends at 'exit'; the result is handed over at 'close', once the pipes are drained
    let wallMs = NaN;
    child.once('exit', () => {
      wallMs = performance.now() - started;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (Number.isNaN(wallMs)) wallMs = performance.now() - started;
      clearInterval(poller);
      clearTimeout(killer);
      resolve({
        wallMs,
        peakRssMb: [...peaks.values()].reduce((a, b) => a + b, 0) / 1024,
        mainPeakRssMb: (peaks.get(pid) ?? 0) / 1024,
        processes: peaks.size,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
