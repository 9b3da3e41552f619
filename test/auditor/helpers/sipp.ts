/** Runs Debian's sipp in the foreground as a UAS on loopback with our scenario; stopped by PID. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeOptions } from '../../../src/auditor/probes/sip-options-probe.js';
import { createUdpSocket } from '../../../src/auditor/probes/udp-channel.js';
import { openGate, systemClock } from '../../../src/auditor/scheduler.js';
import { findPeer } from '../../helpers/system-peers.js';
import { assertLoopback } from './net.js';

export const SIPP = findPeer('sipp') ?? '/usr/bin/sipp';
export const FACTORY_PHONE_SCENARIO = fileURLToPath(new URL('../../fixtures/sip-factory-phone-uas.xml', import.meta.url));

export interface Sipp {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSipp(host: string, port: number, scenario = FACTORY_PHONE_SCENARIO): Promise<Sipp> {
  assertLoopback(host);
  const cwd = mkdtempSync(join(tmpdir(), 'gg-sipp-'));
  // -timeout bounds sipp's own life even if a test forgets it
  const child = spawn(SIPP, ['-sf', scenario, '-i', host, '-p', String(port), '-t', 'u1', '-nostdin', '-timeout', '180s'], {
    cwd,
    stdio: 'ignore',
  });
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  for (let i = 0; i < 40; i++) {
    const r = await probeOptions(host, port, {
      timeoutMs: 150,
      retries: 0,
      gate: openGate,
      clock: systemClock,
      createSocket: createUdpSocket,
    });
    if (r.outcome === 'answered') return { host, port, stop };
    if (child.exitCode !== null) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  await stop();
  throw new Error(`sipp did not answer on ${host}:${port}`);
}
