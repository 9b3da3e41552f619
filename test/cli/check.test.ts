/**
 * `ghostguard check <ip|mac>` in-process against a real Runtime and lab phones it provisioned, like a help-desk
 * technician would run it next to the server (same config, same state database). This file's range: 127.0.91.0/24.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { macWithColons, type Mac } from '../../src/model/mac.js';
import { startDashboardLab, type DashboardLab } from '../dashboard/lab.js';

let lab: DashboardLab;

function run(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: lab.dir, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

const probeArgs = () => [
  '-c',
  lab.configPath,
  '--http-ports',
  String(lab.probe.httpPorts[0]),
  '--https-ports',
  String(lab.probe.httpsPorts[0]),
  '--snmp-port',
  String(lab.probe.snmpPort),
  '--timeout',
  '400',
  '--retries',
  '0',
  '--allow',
  '127.0.91.0/24',
];

beforeAll(async () => {
  lab = await startDashboardLab('127.0.91.1', 4, 1, 0x91);
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

describe('ghostguard check', () => {
  it('a factory-default phone by IP: the INVITE probe draws 420 (likely rings), why, the fix; exit 1; answers in seconds', async () => {
    const factory = lab.manifest.find((p) => p.factory)!;
    const started = Date.now();
    const r = await run(['check', factory.ip, ...probeArgs()]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^Likely rings for scanners: it takes calls from strangers, though ringing was not proven\./);
    expect(r.out).toMatch(/INVITE to 100 on udp\/5060 drew 420 Bad Extension; the auditor ended it with ACK/);
    expect(r.out).toContain(
      '  INVITE probe: sent the non-ringing INVITE probe to 100 (unsupported Require:; CANCELled if the phone alerts anyway)',
    );
    expect(r.out).toContain(`Address:   ${factory.ip}`);
    expect(r.out).toMatch(/✗ sip-trusted-only \[high\] Accept SIP only from trusted servers/);
    expect(r.out).toMatch(/fix: {2}re-provision the phone from ghostguard/);
    expect(r.out).toContain('Never fetched its configuration from ghostguard.');
  });

  it('--safe: no INVITE probe, and never "safe" while a stranger\'s SIP is answered; the output says the probe was skipped', async () => {
    const factory = lab.manifest.find((p) => p.factory)!;
    const r = await run(['check', factory.ip, ...probeArgs(), '--safe', '--json']);
    const result = JSON.parse(r.out);
    expect(result.inviteProbe).toEqual({ sent: false, users: [], note: 'not sent (--safe): OPTIONS, web and SNMP probes only' });
    expect(['likely-rings', 'unknown']).toContain(result.ghostCall.verdict);
    expect(result.ghostCall.howToTell).toMatch(/INVITE probe/);
    expect(result.verdict.headline).not.toMatch(/safe/i);
    expect(r.code).toBe(1);
  });

  it('a provisioned phone by MAC, as JSON: address from the fetch history, who it is, current config; stored as a run', async () => {
    const phone = lab.manifest.find((p) => !p.factory && p.vendor === 'yealink')!;
    const r = await run(['check', macWithColons(phone.mac as Mac), ...probeArgs(), '--json']);
    expect(r.err).toBe('');
    const result = JSON.parse(r.out);
    expect(result).toMatchObject({
      format: 'ghostguard-check',
      host: phone.ip,
      addressFrom: 'fetch-history',
      phone: { mac: macWithColons(phone.mac as Mac), vendor: 'yealink', model: phone.model, site: 'lab', inInventory: true },
      provisioning: { current: true },
    });
    expect(result.phone.extensions).toHaveLength(1);
    expect(result.provisioning.lastFetch.source).toBe(phone.ip);
    // trust control on: the INVITE probe (to 100, then the phone's own extension) draws no answer
    expect(result.ghostCall.verdict).toBe('ignores');
    expect(result.inviteProbe.users).toEqual([...new Set(['100', ...result.phone.extensions])]);
    expect(result.verdict.status).toBe('ignores');
    expect(r.code).toBe(0);
    expect(result.runId).toBeGreaterThan(0);
    expect((await lab.runtime.store.auditRuns.run(result.runId))?.targets).toEqual([phone.ip]);
    for (const secret of lab.runtime.config.inventory.allSecrets()) expect(r.out).not.toContain(secret);
  });

  it('--no-store leaves no run behind', async () => {
    const phone = lab.manifest.find((p) => !p.factory && p.vendor === 'grandstream')!;
    const before = (await lab.runtime.store.auditRuns.runs(100)).length;
    const r = await run(['check', phone.ip, ...probeArgs(), '--json', '--no-store']);
    expect(JSON.parse(r.out).runId).toBeUndefined();
    expect((await lab.runtime.store.auditRuns.runs(100)).length).toBe(before);
  });

  it('an address outside --allow, or something that is not one handset, is a usage error (exit 2)', async () => {
    const outside = await run(['check', '127.0.92.9', ...probeArgs()]);
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/GG_ERR_TARGET_FORBIDDEN/);
    const range = await run(['check', '127.0.91.0/24', ...probeArgs()]);
    expect(range.code).toBe(2);
    expect(range.err).toMatch(/GG_ERR_TARGET_INVALID: "127\.0\.91\.0\/24" is neither an IP address nor a MAC address/);
  });

  it('a MAC that never fetched: says so and what to ask the user; exit 1 without probing', async () => {
    const r = await run(['check', '00:15:65:91:ff:ff', ...probeArgs()]);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toMatch(/^Can't check 00:15:65:91:ff:ff: ghostguard has never seen it fetch its configuration/);
    expect(r.out).toMatch(/Ask the user for the phone's IP address/);
  });
});
