/** The check core with a fake audit: target parsing, MAC → address, IP → MAC, inventory and provisioning joined in. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps, AuditOptions } from '../../src/auditor/audit.js';
import { finding, type AuditReport, type HostReport } from '../../src/auditor/findings.js';
import { checkHandset, parseCheckTarget, type CheckDeps } from '../../src/dashboard/check-service.js';
import { checkToText } from '../../src/dashboard/check-text.js';
import type { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const YEALINK = '00:15:65:00:00:81';
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:81';
let runtime: Runtime;

beforeAll(async () => {
  ({ runtime } = await startRuntime(
    fleetYaml([
      { mac: YEALINK, vendor: 'yealink', model: 'T46U', lines: 2 },
      { mac: '00:0b:82:00:00:81', vendor: 'grandstream', model: 'GRP2614' },
    ]),
  ));
  // the phone boots: shared file, then its own (enrolment window), from its own address
  for (const file of ['y000000000108.cfg', '001565000081.cfg']) {
    const res = await runtime.app.inject({ method: 'GET', url: `/${file}`, headers: { 'user-agent': UA }, remoteAddress: '127.0.8.81' });
    expect(res.statusCode, file).toBe(200);
  }
  await runtime.store.flush();
});

afterAll(async () => {
  await runtime?.close();
});

function fakeAudit(hosts: HostReport[], calls: AuditOptions[] = []): CheckDeps['audit'] {
  return async (options: AuditOptions, _deps: AuditDeps): Promise<AuditReport> => {
    calls.push(options);
    return {
      format: 'ghostguard-audit',
      version: 1,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      targets: options.targets,
      exclude: [],
      options: {},
      summary: {
        hostsPlanned: 1,
        hostsScanned: 1,
        hostsResponsive: hosts.length,
        phones: hosts.length,
        findings: { pass: 0, fail: 0, unknown: 0, unsupported: 0, disabled: 0 },
        failures: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
        ghostCalls: { rings: 0, 'likely-rings': 0, refuses: 0, ignores: 0, unknown: 0 },
      },
      hosts: hosts.filter((h) => options.targets.includes(h.host)),
    };
  };
}

const deps = (audit: CheckDeps['audit']): CheckDeps => ({
  vendors: VENDORS,
  inventory: () => runtime.config.inventory,
  store: runtime.store,
  audit,
});

const exposedYealink = (mac?: string): HostReport => ({
  host: '127.0.8.81',
  identity: 'model',
  vendor: 'yealink',
  model: 'T46U',
  firmware: '108.86.0.45',
  probes: ['udp/5060: OPTIONS answered 200 OK'],
  ghostCall: {
    verdict: 'likely-rings',
    evidence: ['INVITE to 100 on udp/5060 drew 420 Bad Extension; the auditor ended it with ACK'],
    howToTell: 'a real call',
  },
  invitedUsers: ['100'],
  ...(mac ? { mac, macSource: 'sip-user-agent' } : {}),
  findings: [
    finding('device-identity', 'pass', ['Yealink T46U']),
    finding('sip-trusted-only', 'fail', ['SIP OPTIONS from the auditor was answered 200 on udp/5060'], ['sip.trust_ctrl = 1']),
    finding('web-https-only', 'pass', []),
  ],
});

describe('check target', () => {
  it('takes one IP or one MAC in any spelling, nothing else', () => {
    expect(parseCheckTarget(' 0015.6500.0081 ')).toEqual({ kind: 'mac', mac: '001565000081', text: YEALINK });
    expect(parseCheckTarget('127.0.1.3')).toEqual({ kind: 'ip', ip: '127.0.1.3', text: '127.0.1.3' });
    for (const bad of ['127.0.1.0/24', '127.0.1.3-9', 'phone.example', '', '00:15:65:00:00']) {
      expect(() => parseCheckTarget(bad), bad).toThrow(/neither an IP address nor a MAC address/);
    }
  });
});

describe('checkHandset', () => {
  it('MAC → the address of its last fetch; audits only that host, with the INVITE probe; joins inventory and provisioning', async () => {
    const calls: AuditOptions[] = [];
    const r = await checkHandset(YEALINK, deps(fakeAudit([exposedYealink()], calls)));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ targets: ['127.0.8.81'], intrusive: true, maxHosts: 1, concurrency: 1 });
    expect(r.ghostCall?.verdict).toBe('likely-rings');
    expect(r.inviteProbe).toMatchObject({ sent: true, users: ['100'] });
    expect(r.host).toBe('127.0.8.81');
    expect(r.addressFrom).toBe('fetch-history');
    expect(r.phone).toMatchObject({
      mac: YEALINK,
      vendor: 'yealink',
      model: 'T46U',
      firmware: '108.86.0.45',
      site: 'hq',
      extensions: ['100', '101'],
      inInventory: true,
    });
    expect(r.verdict.headline).toMatch(/^Likely rings for scanners/);
    expect(r.failures).toEqual([
      {
        check: 'sip-trusted-only',
        title: 'Accept SIP only from trusted servers',
        severity: 'critical',
        evidence: ['SIP OPTIONS from the auditor was answered 200 on udp/5060'],
        fix: ['sip.trust_ctrl = 1'],
      },
    ]);
    expect(r.provisioning.current).toBe(true);
    expect(r.provisioning.lastFetch).toMatchObject({ file: '001565000081.cfg', source: '127.0.8.81', status: 200, auth: 'enrolment' });
    // shared files (y000000000108.cfg) are fetched without credentials: not the device's history
    expect(r.provisioning.files.map((f) => [f.file, f.current])).toEqual([['001565000081.cfg', true]]);
    const text = checkToText(r);
    expect(text.split('\n')[0]).toBe(r.verdict.headline);
    expect(text).toContain('  INVITE probe: sent the non-ringing INVITE probe to 100');
    expect(text).toContain('fix:  sip.trust_ctrl = 1');
    expect(text).toContain('001565000081.cfg');
    for (const secret of runtime.config.inventory.allSecrets()) expect(JSON.stringify(r) + text).not.toContain(secret);
  });

  it('safe: no INVITE probe, and the result says so', async () => {
    const calls: AuditOptions[] = [];
    const r = await checkHandset(YEALINK, { ...deps(fakeAudit([{ ...exposedYealink(), invitedUsers: undefined }], calls)), safe: true });
    expect(calls[0]).toMatchObject({ intrusive: false, inviteNotSent: 'check --safe' });
    expect(r.inviteProbe).toEqual({ sent: false, users: [], note: 'not sent (--safe): OPTIONS, web and SNMP probes only' });
  });

  it('a config change since the fetch: provisioning says not current, a resync is due', async () => {
    const { writeFileSync, readFileSync } = await import('node:fs');
    const path = runtime.config.path;
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace('registrar: 127.0.0.10', 'registrar: 127.0.0.12'));
      expect(runtime.config.reload().ok).toBe(true);
      const r = await checkHandset(YEALINK, deps(fakeAudit([exposedYealink()])));
      expect(r.provisioning.current).toBe(false);
      expect(r.provisioning.summary).toMatch(/Not current: ghostguard would now serve something different for 001565000081\.cfg/);
    } finally {
      writeFileSync(path, original);
      runtime.config.reload();
    }
  });

  it('IP → MAC from the fetch history when the phone does not tell its MAC', async () => {
    const r = await checkHandset('127.0.8.81', deps(fakeAudit([exposedYealink()])));
    expect(r.addressFrom).toBe('given');
    expect(r.phone).toMatchObject({ mac: YEALINK, site: 'hq', inInventory: true });
    expect(r.notes.join()).toMatch(/MAC 00:15:65:00:00:81 from the last fetch made from 127\.0\.8\.81/);
  });

  it('a MAC whose old address now answers with another MAC is flagged', async () => {
    const r = await checkHandset(YEALINK, deps(fakeAudit([exposedYealink('001565009999')])));
    expect(r.notes.join()).toMatch(/reports MAC 00:15:65:00:99:99, not 00:15:65:00:00:81/);
    expect(r.phone.inInventory).toBe(false);
  });

  it('a MAC that never fetched: no audit, a plain answer on what to do', async () => {
    const calls: AuditOptions[] = [];
    const r = await checkHandset('00:0b:82:00:00:81', deps(fakeAudit([], calls)));
    expect(calls).toEqual([]);
    expect(r.verdict.status).toBe('no-address');
    expect(r.phone).toMatchObject({ vendor: 'grandstream', model: 'GRP2614', site: 'hq', inInventory: true });
    expect(r.provisioning.summary).toBe('Never fetched its configuration from ghostguard.');
  });

  it('nothing answers: unreachable, still says who the phone should be', async () => {
    const r = await checkHandset(YEALINK, deps(fakeAudit([])));
    expect(r.verdict.status).toBe('unreachable');
    expect(r.phone).toMatchObject({ mac: YEALINK, site: 'hq' });
  });
});
