/**
 * `serve --workers n`: the primary forks the workers, grants Digest nonce-counts and counts bans and request rates
 * for all of them, replaces a worker that dies (the operator worker — dashboard and schedules — by a new operator
 * worker), and stops them on SIGTERM/SIGINT. Every message on the IPC channels goes through a send that tolerates a channel closing
 * under it: a worker or primary on its way out is normal during shutdown, never a crash.
 */
import cluster, { type Worker } from 'node:cluster';
import { GuardCoordinator, isGuardReportMessage } from '../../provisioning/guard-cluster.js';
import { isNonceClaimMessage, NonceRegistry } from '../../provisioning/nonce-cluster.js';
import type { AbuseLimits } from '../../provisioning/abuse-guard.js';
import type { CliIo } from '../io.js';
import { GhostguardError } from '../../model/errors.js';

export const ROLE_ENV = 'GHOSTGUARD_WORKER_ROLE';
/** set for a replacement worker: it does not print the startup banner again */
export const REPLACEMENT_ENV = 'GHOSTGUARD_WORKER_REPLACEMENT';
/** more deaths than this within the window: something is wrong with every worker; the primary gives up */
const MAX_REPLACEMENTS = 5;
const REPLACEMENT_WINDOW_MS = 60_000;
/** a worker that has not exited this long after SIGTERM is killed */
const STOP_GRACE_MS = 30_000;

export type WorkerRole = 'operator' | 'phones';

function sendToWorker(w: Worker, message: object): void {
  if (w.isConnected()) w.send(message as never, undefined, () => {});
}

export interface Cluster {
  /** resolves when every first-generation worker is ready; rejects when one exits before */
  ready: Promise<void>;
  /** the workers' pids, operator first */
  pids: () => number[];
  /** resolves when the primary must stop on its own (workers keep dying) with the reason */
  failed: Promise<string>;
  stop: () => Promise<void>;
}

export function startCluster(workers: number, limits: AbuseLimits, io: CliIo, now: () => number = Date.now): Cluster {
  const registry = new NonceRegistry();
  const coordinator = new GuardCoordinator(limits);
  const live = new Map<Worker, WorkerRole>();
  const deaths: number[] = [];
  let stopping = false;
  /** set once every first worker is ready: a worker failing at start stops the server rather than being replaced */
  let running = false;
  let giveUp!: (reason: string) => void;
  const failed = new Promise<string>((r) => (giveUp = r));

  const fork = (role: WorkerRole, replacing?: Worker): Promise<void> => {
    const w = cluster.fork({ [ROLE_ENV]: role, ...(replacing ? { [REPLACEMENT_ENV]: '1' } : {}) });
    live.set(w, role);
    w.on('message', (message: unknown) => {
      if (isNonceClaimMessage(message)) return sendToWorker(w, registry.answer(message));
      if (!isGuardReportMessage(message)) return;
      for (const { toReporter, toOthers } of coordinator.receive(message)) {
        for (const other of live.keys()) {
          const message = other === w ? toReporter : toOthers;
          if (message) sendToWorker(other, message);
        }
      }
    });
    // 'error' on a worker object (a send racing its exit) must not take the primary down
    w.on('error', () => {});
    const ready = new Promise<void>((resolve, reject) => {
      w.on('message', (message: { ready?: unknown }) => {
        if (!message?.ready) return;
        sendToWorker(w, { guardBans: coordinator.standingBans() });
        if (replacing)
          io.err(
            `worker ${w.id} (pid ${w.process.pid}) replaced worker ${replacing.id}${role === 'operator' ? '; it serves the dashboard and schedules now' : ''}\n`,
          );
        resolve();
      });
      w.once('exit', (code) => reject(new GhostguardError('GG_ERR_WORKER_EXIT', `worker exited with ${code} before it was ready`)));
    });
    w.once('exit', (code, signal) => {
      live.delete(w);
      if (stopping || !running) return;
      io.err(
        `worker ${w.id} (pid ${w.process.pid}${role === 'operator' ? ', dashboard and schedules' : ''}) ${signal ? `was killed by ${signal}` : `exited with ${code}`}; starting a replacement\n`,
      );
      const t = now();
      deaths.push(t);
      while (deaths.length > 0 && deaths[0]! < t - REPLACEMENT_WINDOW_MS) deaths.shift();
      if (deaths.length > MAX_REPLACEMENTS)
        return giveUp(`${deaths.length} workers died within ${REPLACEMENT_WINDOW_MS / 1000} s; stopping`);
      fork(role, w).catch(() => undefined); // its own exit is logged and replaced in turn
    });
    return ready;
  };

  const first = Array.from({ length: workers }, (_, i) => fork(i === 0 ? 'operator' : 'phones'));
  const stop = async () => {
    stopping = true;
    await Promise.all(
      [...live.keys()].map(
        (w) =>
          new Promise((exited) => {
            if (w.isDead()) return exited(undefined);
            const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              exited(undefined);
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
  return {
    ready: Promise.all(first).then(() => {
      running = true;
    }),
    pids: () => [...live].sort(([, a], [, b]) => (a === b ? 0 : a === 'operator' ? -1 : 1)).map(([w]) => w.process.pid!),
    failed,
    stop,
  };
}

/** Forwards SIGHUP (reload) to the workers alive now. */
export function forwardSignal(signal: NodeJS.Signals): void {
  for (const w of Object.values(cluster.workers ?? {})) if (w && !w.isDead()) w.process.kill(signal);
}
