import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { allocateAddresses } from '../../src/lab/loopback.js';
import { LabFleet, planFleet } from '../../src/lab/fleet.js';
import { formatManifest, runLab } from '../../src/lab/run-lab.js';
import { byStatus, SipProbe } from './sip-probe.js';

// this file's own loopback range: 127.0.23.0/24 and up
const BASE = '127.0.23.1';
const HTTP_PORT = 18081;

/** active handles by type, ignoring the ones a test runner keeps */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** UDP ports bound on a local address, from /proc/net/udp (Linux) */
function procUdp(ip: string): number[] | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const hex = ip
    .split('.')
    .map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase())
    .reverse()
    .join('');
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/)[1])
    .filter((a): a is string => !!a && a.startsWith(`${hex}:`))
    .map((a) => parseInt(a.split(':')[1]!, 16));
}

const bindUdp = (ip: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind({ address: ip, port, exclusive: true }, () => s.close(() => resolve()));
  });
const bindTcp = (ip: string, port: number) =>
  new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: ip, port, exclusive: true }, () => s.close(() => resolve()));
  });

describe('lab fleet', () => {
  it('plans vendors and models round-robin on consecutive loopback addresses, refusing anything else', async () => {
    const plan = planFleet({ phones: 9, factory: 3, baseIp: '127.0.1.253', adapters: VENDORS });
    expect(plan.map((p) => p.ip).slice(0, 4)).toEqual(['127.0.1.253', '127.0.1.254', '127.0.2.1', '127.0.2.2']);
    expect(plan.map((p) => p.vendor).slice(0, 3)).toEqual(['yealink', 'polycom', 'grandstream']);
    expect(plan.filter((p) => p.factory)).toHaveLength(3);
    expect(new Set(plan.map((p) => p.mac)).size).toBe(9);
    expect(plan[0]!.model).not.toBe(plan[3]!.model);
    expect(() => planFleet({ phones: 2, baseIp: '192.0.2.1', adapters: VENDORS })).toThrow(/127\.0\.0\.0\/8/);
    expect(() => allocateAddresses('127.255.255.254', 3)).toThrow(/leave 127/);
    await expect(LabFleet.start({ phones: 1, server: 'http://192.0.2.1/', adapters: VENDORS })).rejects.toThrow(/127/);
  });

  it('starts 100 factory phones quickly and stops leaving no socket, timer or handle behind', async () => {
    const before = resources();
    const began = Date.now();
    const fleet = await LabFleet.start({ phones: 100, factory: 100, baseIp: BASE, adapters: VENDORS, httpPort: HTTP_PORT });
    const elapsed = Date.now() - began;
    console.log(`lab fleet: 100 phones started in ${elapsed} ms`);
    expect(elapsed).toBeLessThan(20_000);
    const manifest = fleet.manifest();
    expect(manifest).toHaveLength(100);
    expect(manifest.every((p) => p.factory && !p.provisioned && p.expect.defaultAdminPassword && p.expect.directIpCalls)).toBe(true);
    const ips = manifest.map((p) => p.ip);
    const udpPorts = new Map(manifest.map((p) => [p.ip, p.sipPorts]));
    expect(procUdp(ips[2]!) ?? [5060, 5062]).toEqual(expect.arrayContaining(udpPorts.get(ips[2]!)!));
    expect(formatManifest(manifest)).toHaveLength(101);

    // a factory phone rings for a stranger
    const probe = await SipProbe.open('127.0.23.250');
    const ids = probe.send({ ip: ips[0]!, port: manifest[0]!.sipPort! }, { method: 'INVITE' });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();
    await probe.close();

    await fleet.stop();
    for (const ip of ips) {
      expect(procUdp(ip) ?? []).toEqual([]);
      for (const port of udpPorts.get(ip)!) await bindUdp(ip, port);
      await bindTcp(ip, HTTP_PORT);
    }
    await new Promise((r) => setTimeout(r, 50));
    const after = resources();
    for (const type of ['UDPWrap', 'TCPServerWrap', 'TCPSocketWrap', 'Timeout'])
      expect(after[type] ?? 0, type).toBeLessThanOrEqual(before[type] ?? 0);
  });

  it('runLab prints where everything runs and stops on abort', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    const running = runLab(
      { phones: 6, factory: 2, baseIp: '127.0.24.1', adapters: VENDORS, httpPort: HTTP_PORT, durationMs: 60_000, signal: abort.signal },
      (l) => {
        lines.push(l);
        if (l.startsWith('lab: running')) abort.abort();
      },
    );
    const manifest = await running;
    expect(manifest).toHaveLength(6);
    expect(lines[0]).toMatch(/^lab: 6 phone\(s\) started in \d+ ms/);
    expect(lines.some((l) => l.startsWith('127.0.24.1 ') && l.includes('yealink'))).toBe(true);
    expect(lines.at(-1)).toBe('lab: stopped, all sockets closed');
    await bindTcp('127.0.24.1', HTTP_PORT);
  });
});
