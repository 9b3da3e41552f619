/**
 * A behaviour-class peer played by Debian's sipp (a UAS scenario from test/fixtures/sipp/), on a loopback address,
 * stopped by PID. Readiness is checked with a hand-written OPTIONS, not with ghostguard's own probe.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPeer } from '../../../helpers/system-peers.js';
import { assertLoopback } from '../net.js';
import type { BehaviourClass } from './classes.js';

const SIPP = findPeer('sipp') ?? 'sipp';

export const scenarioPath = (behaviour: BehaviourClass): string =>
  fileURLToPath(new URL(`../../../fixtures/sipp/${behaviour}.xml`, import.meta.url));

export interface SippPeer {
  host: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** One OPTIONS from a throwaway socket; true when a `SIP/2.0 200` comes back within `ms`. */
export async function answersOptions(host: string, port: number, ms = 300): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const local = socket.address().port;
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const text = [
      `OPTIONS sip:${host}:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:ready@127.0.0.1>;tag=${randomBytes(4).toString('hex')}`,
      `To: <sip:${host}:${port}>`,
      `Call-ID: ${randomBytes(8).toString('hex')}@ready`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    const answered = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.on('message', (m) => {
        if (m.toString('latin1').startsWith('SIP/2.0 200')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      socket.on('error', () => undefined);
    });
    socket.send(text, port, host);
    return await answered;
  } finally {
    socket.close();
  }
}

/** True when something already holds host:port (UDP): the silent peer answers nothing to tell it is up. */
async function portTaken(host: string, port: number): Promise<boolean> {
  const probe = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind({ address: host, port, exclusive: true }, () => resolve());
    });
    return false;
  } catch {
    return true;
  } finally {
    try {
      probe.close();
    } catch {
      // never bound
    }
  }
}

export async function startSippPeer(host: string, port: number, behaviour: BehaviourClass, userAgent: string): Promise<SippPeer> {
  assertLoopback(host);
  const cwd = mkdtempSync(join(tmpdir(), 'gg-sipp-peer-'));
  // -timeout bounds sipp's own life even if a test forgets to stop it
  const child = spawn(
    SIPP,
    [
      '-sf',
      scenarioPath(behaviour),
      '-i',
      host,
      '-p',
      String(port),
      '-t',
      'u1',
      '-key',
      'user_agent',
      userAgent,
      '-nostdin',
      '-timeout',
      '300s',
      '-max_recv_loops',
      '100',
    ],
    { cwd, stdio: 'ignore' },
  );
  let exited = child.exitCode !== null;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (child.pid !== undefined && !exited) {
      const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 3000))]);
      if (!exited) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(cwd, { recursive: true, force: true });
  };
  for (let i = 0; i < 40 && !exited; i++) {
    const up = behaviour === 'silent' ? await portTaken(host, port) : await answersOptions(host, port, 150);
    if (up) return { host, port, pid: child.pid!, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`sipp (${behaviour}) did not answer on ${host}:${port}`);
}
