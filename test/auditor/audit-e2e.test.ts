/**
 * The whole audit against real peers on loopback: Debian's sipp as a factory phone, Debian's snmpd with phone
 * sysDescr strings, and hostile devices written here. Only 127.77.10.0/24 is ever addressed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../src/auditor/audit.js';
import type { AuditReport, HostReport } from '../../src/auditor/findings.js';
import { parseMac, type Mac } from '../../src/model/mac.js';
import type { FetchRecord } from '../../src/store/store.js';
import { VENDORS, vendorById } from '../../vendors/index.js';
import { garbageSnmp, malformedSip, silentHttp, streamingHttp, type Peer } from './helpers/hostile.js';
import { inventoryFrom } from './helpers/inventory.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';
import { startSipp, type Sipp } from './helpers/sipp.js';
import { startSnmpd, type Snmpd } from './helpers/snmpd.js';
import { systemPeers } from '../helpers/system-peers.js';
import { FIRST_GENERATIONS } from '../../src/model/inventory.js';

const sippPeer = systemPeers('sipp');
const snmpdPeer = systemPeers('snmpd');
const hasSipp = !sippPeer.missing;
const hasSnmpd = !snmpdPeer.missing;

const sysDescr = JSON.parse(readFileSync(new URL('../fixtures/snmp-sysdescr.json', import.meta.url), 'utf8')) as Record<
  string,
  { sysDescr: string }
>;

const NET = '127.77.10';
const H = {
  phone: `${NET}.10`,
  gxp: `${NET}.11`,
  ht: `${NET}.12`,
  silentHttp: `${NET}.13`,
  stream: `${NET}.14`,
  badSip: `${NET}.15`,
  badSnmp: `${NET}.16`,
  empty: `${NET}.17`,
};
const PHONE_MAC = parseMac('00:15:65:00:00:10')!;

let sipPort = 0;
let httpPort = 0;
let snmpPort = 0;
let sipp: Sipp | undefined;
const agents: Snmpd[] = [];
const peers: Peer[] = [];

const baseOptions = (): AuditOptions => ({
  targets: [`${H.phone}-${H.empty}`],
  sipPorts: [sipPort],
  httpPorts: [httpPort],
  httpsPorts: [],
  snmpPort,
  timeoutMs: 300,
  retries: 0,
  concurrency: 8,
  hostGapMs: 0,
  rate: 2000,
  maxDurationMs: 60_000,
  http: { connectTimeoutMs: 500, headersTimeoutMs: 500, bodyTimeoutMs: 500, totalTimeoutMs: 1500 },
});
const neighbours = async (ip: string): Promise<Mac | undefined> => (ip === H.phone ? PHONE_MAC : undefined);
const hostOf = (r: AuditReport, ip: string): HostReport | undefined => r.hosts.find((h) => h.host === ip);
const check = (h: HostReport | undefined, id: string) => h?.findings.find((f) => f.check === id);

beforeAll(async () => {
  sipPort = await freeUdpPort(H.phone);
  httpPort = await freeTcpPort(H.silentHttp);
  snmpPort = await freeUdpPort(H.gxp);
  if (hasSipp) sipp = await startSipp(H.phone, sipPort);
  if (hasSnmpd) {
    agents.push(await startSnmpd(H.gxp, sysDescr.grandstreamGxp1625!.sysDescr, { port: snmpPort }));
    agents.push(await startSnmpd(H.ht, sysDescr.grandstreamHt8xx!.sysDescr, { port: snmpPort }));
  }
  peers.push(await silentHttp(H.silentHttp, httpPort));
  peers.push(await streamingHttp(H.stream, 50 * 1024 * 1024, httpPort));
  peers.push(await malformedSip(H.badSip, sipPort));
  peers.push(await garbageSnmp(H.badSnmp, snmpPort));
});

afterAll(async () => {
  await sipp?.stop();
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(peers.map((p) => p.close()));
});

describe('audit against real peers on loopback', () => {
  let report: AuditReport;
  beforeAll(async () => {
    const start = performance.now();
    report = await runAudit(baseOptions(), { vendors: VENDORS, neighbours });
    expect(performance.now() - start).toBeLessThan(20_000);
  });

  it('scans every target, reports only hosts that answered', () => {
    expect(report.summary.hostsPlanned).toBe(8);
    expect(report.summary.hostsScanned).toBe(8);
    expect(report.incomplete).toBeUndefined();
    expect(hostOf(report, H.empty)).toBeUndefined();
  });

  it.skipIf(!hasSipp)(
    `sipp standing in for a factory phone is identified and likely rings (safe audit: Yealink answering a stranger's OPTIONS)${sippPeer.note}`,
    () => {
      const phone = hostOf(report, H.phone)!;
      expect(phone).toMatchObject({
        vendor: 'yealink',
        model: 'T21P_E2',
        firmware: '52.83.0.35',
        mac: PHONE_MAC,
        macSource: 'neighbour-table',
      });
      expect(phone.ghostCall.verdict).toBe('likely-rings');
      expect(phone.ghostCall.howToTell).toMatch(/INVITE probe/);
      const trusted = check(phone, 'sip-trusted-only')!;
      // the rule fails; its severity follows the verdict (likely-rings: high, not critical)
      expect(trusted).toMatchObject({ state: 'fail', severity: 'high' });
      expect(trusted.evidence.join(' ')).toMatch(/OPTIONS from the auditor \(not a trusted server\) was answered 200/);
      expect(trusted.fix.join(' ')).toMatch(/sip\.trust_ctrl = 1/);
      // Yealink has no read-back API: unproven rules stay unknown, with the reason
      expect(check(phone, 'reject-anonymous')).toMatchObject({ state: 'unknown' });
      // sipp has no web interface: nothing to log in to, let alone read back (Yealink has no verified read-back API anyway)
      expect(check(phone, 'no-auto-answer')!.reason).toMatch(/no web interface answered/);
    },
  );

  it.skipIf(!hasSnmpd)(
    `a real snmpd with a phone sysDescr is identified; old GXP16xx firmware fails CVE-2026-2329; "public" fails snmp-locked${snmpdPeer.note}`,
    () => {
      const gxp = hostOf(report, H.gxp)!;
      expect(gxp).toMatchObject({ vendor: 'grandstream', model: 'GXP1625', firmware: '1.0.2.25' });
      expect(check(gxp, 'firmware-current')).toMatchObject({ state: 'fail', severity: 'critical' });
      expect(check(gxp, 'firmware-current')!.evidence[0]).toContain('CVE-2026-2329');
      expect(check(gxp, 'snmp-locked')).toMatchObject({ state: 'fail' });
      expect(check(gxp, 'snmp-locked')!.evidence.join(' ')).toContain('default community "public"');
    },
  );

  it.skipIf(!hasSnmpd)(`a real sysDescr no adapter claims: unknown identity, SNMP still flagged${snmpdPeer.note}`, () => {
    const ht = hostOf(report, H.ht)!;
    expect(ht.vendor).toBeUndefined();
    expect(check(ht, 'device-identity')).toMatchObject({ state: 'unknown', reason: 'no vendor recognised what it answered' });
    expect(check(ht, 'device-identity')!.evidence.join(' ')).toContain('Linux HT8XX');
    expect(check(ht, 'snmp-locked')!.state).toBe('fail');
  });

  it('hostile devices neither hang nor crash the audit; each is unknown with a reason', () => {
    const expectations: [string, RegExp][] = [
      [H.silentHttp, /no response in time/],
      [H.stream, /larger than 256 KB; stopped reading/],
      [H.badSip, /no valid SIP answer/],
      [H.badSnmp, /undecodable reply/],
    ];
    for (const [ip, evidence] of expectations) {
      const h = hostOf(report, ip);
      expect(h, ip).toBeDefined();
      const identity = check(h, 'device-identity')!;
      expect(identity.state, ip).toBe('unknown');
      expect(identity.reason, ip).toBeTruthy();
      expect(identity.evidence.join(' '), ip).toMatch(evidence);
      expect(identity.evidence.join(' '), ip).not.toMatch(/\x1b/);
    }
  });
});

describe.skipIf(!hasSipp)(`intrusive audit of the factory phone, with inventory and fetch history${sippPeer.note}`, () => {
  it('INVITE probe rings it, CANCELs at once, and proves direct IP calls; inventory and drift are checked', async () => {
    const inventory = inventoryFrom(
      `
version: 1
sites:
  hq: { registrar: 127.0.0.2, outboundProxy: 127.0.0.3, transport: udp }
devices:
  - { mac: "00:15:65:00:00:10", vendor: yealink, model: T21P_E2, site: hq, adminPassword: generate, lines: [{ extension: "1001", password: generate }] }
`,
      VENDORS,
    );
    const yealink = vendorById('yealink')!;
    const boot = yealink.bootSequence(PHONE_MAC, 'T21P_E2', '52.83.0.35');
    const history: FetchRecord[] = boot.map((b) => ({
      ts: new Date(Date.now() - 3600_000).toISOString(),
      mac: PHONE_MAC,
      source: H.phone,
      userAgent: b.userAgent,
      file: b.fileName,
      sha256: '0'.repeat(64),
      auth: 'digest',
      status: 200,
    }));
    const store = {
      fetchHistory: async () => history,
      lastFetchBySource: async () => undefined,
      credentials: async () => FIRST_GENERATIONS,
    };
    const report = await runAudit(
      { ...baseOptions(), targets: [H.phone], intrusive: true },
      { vendors: VENDORS, neighbours, inventory, store },
    );
    const phone = hostOf(report, H.phone)!;
    expect(phone.probes.join(' ')).toMatch(/INVITE to 100 drew (100 → )?180 → 487; ended with cancel/);
    expect(phone.ghostCall.verdict).toBe('rings');
    expect(phone.ghostCall.evidence[0]).toMatch(
      /^INVITE to 100 on udp\/\d+ drew (100 Trying → )?180 Ringing → 487 Request Terminated; the auditor ended it with CANCEL$/,
    );
    expect(check(phone, 'no-direct-ip-calls')).toMatchObject({ state: 'fail', severity: 'critical' });
    expect(check(phone, 'sip-trusted-only')!.evidence.join(' ')).toMatch(/INVITE from the auditor to 100 on udp\/\d+ reached alerting/);
    expect(check(phone, 'device-inventory')).toMatchObject({ state: 'pass' });
    const drift = check(phone, 'config-drift')!;
    expect(drift.state).toBe('fail');
    expect(drift.evidence.join(' ')).toMatch(/ghostguard now serves sha256/);
    // the per-device admin password ghostguard generated never leaks into the report
    const secret = inventory.resolve(PHONE_MAC, FIRST_GENERATIONS)!.adminPassword;
    expect(JSON.stringify(report)).not.toContain(secret);
  });

  it('a phone not in the inventory is flagged', async () => {
    const inventory = inventoryFrom('version: 1\nsites:\n  hq: { registrar: 127.0.0.2 }\n', VENDORS);
    const report = await runAudit({ ...baseOptions(), targets: [H.phone] }, { vendors: VENDORS, neighbours, inventory });
    const inv = check(hostOf(report, H.phone), 'device-inventory')!;
    expect(inv).toMatchObject({ state: 'fail', severity: 'high' });
    expect(inv.evidence[0]).toContain('not in the inventory');
  });
});
