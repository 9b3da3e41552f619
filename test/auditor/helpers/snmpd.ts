/** Starts the real Debian snmpd on a loopback address with a generated config; stopped by PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netSnmpSessionFactory } from '../../../src/auditor/probes/snmp-probe.js';
import { findPeer } from '../../helpers/system-peers.js';
import { assertLoopback, freeUdpPort } from './net.js';

export const SNMPD = findPeer('snmpd') ?? '/usr/sbin/snmpd';

export interface Snmpd {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/** `community`: read-only (default public); `readWrite`: communities with write access (rwcommunity). */
export async function startSnmpd(
  host: string,
  sysDescr: string,
  options: { community?: string; readWrite?: readonly string[]; port?: number } = {},
): Promise<Snmpd> {
  assertLoopback(host);
  const community = options.community ?? 'public';
  const port = options.port ?? (await freeUdpPort(host));
  const dir = mkdtempSync(join(tmpdir(), 'gg-snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `agentAddress udp:${host}:${port}`,
      `sysDescr ${sysDescr}`,
      `rocommunity ${community} 127.0.0.1`,
      ...(options.readWrite ?? []).map((c) => `rwcommunity ${c} 127.0.0.1`),
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(SNMPD, ['-f', '-Lo', '-C', '-c', conf], {
    stdio: 'ignore',
    env: { ...process.env, MIBS: '', MIBDIRS: dir, SNMP_PERSISTENT_DIR: dir },
  });
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // ready when it answers (bounded: 40 tries)
  for (let i = 0; i < 40; i++) {
    const session = netSnmpSessionFactory(host, community, { port, timeoutMs: 150 });
    const r = await session.get(['1.3.6.1.2.1.1.1.0']);
    session.close();
    if (r.ok) return { host, port, stop };
    if (child.exitCode !== null) break;
  }
  await stop();
  throw new Error(`snmpd did not come up on ${host}:${port}`);
}
