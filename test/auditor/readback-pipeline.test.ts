/** Read-back through the whole pipeline: SIP fingerprint → inventory → compile → management API → checkRules. Loopback only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/auditor/audit.js';
import type { HostReport } from '../../src/auditor/findings.js';
import { parseMac } from '../../src/model/mac.js';
import { aliasToPvalue, grandstream } from '../../vendors/grandstream/index.js';
import { VENDORS } from '../../vendors/index.js';
import type { VendorAdapter } from '../../src/model/vendor-contract.js';
import { fakeGrandstream, fakePolycomRest, type FakeMgmt } from './helpers/fake-mgmt.js';
import { inventoryFrom } from './helpers/inventory.js';
import { startSipPeer, type SipPeer } from './helpers/sip-peer.js';
import { readbackOptions } from './helpers/readback-options.js';
import { FIRST_GENERATIONS } from '../../src/model/inventory.js';

const GS = '127.77.16.10';
const POLY = '127.77.16.11';
const GRP = '127.77.16.12';
const GRP_MAC = parseMac('00:0b:82:00:00:17')!;
const GS_MAC = parseMac('00:0b:82:00:00:16')!;
const POLY_MAC = parseMac('48:25:67:16:48:87')!;
const inventory = inventoryFrom(
  `
version: 1
sites:
  hq: { registrar: 127.0.0.2, outboundProxy: 127.0.0.3, transport: udp }
devices:
  - { mac: "00:0b:82:00:00:16", vendor: grandstream, model: GXP2140, site: hq, adminPassword: generate, lines: [{ extension: "2001", password: generate }] }
  - { mac: "48:25:67:16:48:87", vendor: polycom, model: VVX_150, site: hq, adminPassword: generate, lines: [{ extension: "2002", password: generate }] }
  - { mac: "00:0b:82:00:00:17", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "2003", password: generate }] }
`,
  VENDORS,
);

let gsSip: SipPeer;
let polySip: SipPeer;
let gsWeb: FakeMgmt;
let polyWeb: FakeMgmt;
let grpSip: SipPeer;
let grpWeb: FakeMgmt;
const hostOf = (hosts: HostReport[], ip: string) => hosts.find((h) => h.host === ip)!;
const check = (h: HostReport, id: string) => h.findings.find((f) => f.check === id)!;

beforeAll(async () => {
  gsSip = await startSipPeer({ host: GS, userAgent: 'Grandstream GXP2140 1.0.9.14', options: 'silent' });
  polySip = await startSipPeer({ host: POLY, userAgent: `PolycomVVX-VVX_150-UA/6.4.1.2280_${POLY_MAC}` });
  // the phone runs most of the policy, but "accept SIP from proxy only" is off on account 1
  gsWeb = await fakeGrandstream(GS, inventory.resolve(GS_MAC, FIRST_GENERATIONS)!.adminPassword, {
    P2347: '0',
    P2447: '1',
    P2547: '1',
    P2647: '1',
    P1310: '1',
    P67: '000B82000016',
    68: '1.0.9.14',
    phone_model: 'GXP2140',
  });
  polyWeb = await fakePolycomRest(
    POLY,
    inventory.resolve(POLY_MAC, FIRST_GENERATIONS)!.adminPassword,
    {
      'voIpProt.SIP.requestValidation.1.request': 'INVITE',
      'voIpProt.SIP.requestValidation.1.method': 'source',
      'call.autoAnswer.SIP': '1',
    },
    '48:25:67:16:48:87',
  );
  grpSip = await startSipPeer({ host: GRP, userAgent: 'Grandstream GRP2614 1.0.9.103', options: 'silent' });
  grpWeb = await fakeGrandstream(GRP, inventory.resolve(GRP_MAC, FIRST_GENERATIONS)!.adminPassword, {
    P2347: '0',
    P2447: '1',
    P2547: '1',
    P2647: '1',
    P1310: '1',
    P67: '000B82000017',
    68: '1.0.9.103',
    phone_model: 'GRP2614',
  });
});

afterAll(async () => {
  await Promise.all([gsSip.close(), polySip.close(), gsWeb.close(), polyWeb.close(), grpSip.close(), grpWeb.close()]);
});

describe('read-back through the pipeline', () => {
  it("Grandstream: SIP silent, not on the LAN: the MAC comes from the web API, then the device's settings are read and compared", async () => {
    const report = await runAudit(
      {
        ...readbackOptions(GS, gsSip, gsWeb),
        credentials: [{ host: GS, password: inventory.resolve(GS_MAC, FIRST_GENERATIONS)!.adminPassword }],
      },
      { vendors: VENDORS, inventory, neighbours: async () => undefined },
    );
    const h = hostOf(report.hosts, GS);
    expect(h).toMatchObject({ vendor: 'grandstream', model: 'GXP2140', firmware: '1.0.9.14', mac: GS_MAC, macSource: 'management-api' });
    expect(check(h, 'device-inventory').state).toBe('pass');
    const trusted = check(h, 'sip-trusted-only');
    expect(trusted.state).toBe('fail');
    expect(trusted.evidence).toContain('P2347 = 0 (want 1)');
    expect(check(h, 'no-direct-ip-calls').state).toBe('pass');
    expect(check(h, 'admin-password-set').state).toBe('pass');
    // the credentials-file login, then the provisioned one for the device's settings; never the factory default
    expect(gsWeb.logins).toHaveLength(2);
    expect(gsWeb.logins.every((l) => l.password !== 'admin')).toBe(true);
    expect(JSON.stringify(report)).not.toContain(inventory.resolve(GS_MAC, FIRST_GENERATIONS)!.adminPassword);
  });

  it('Poly: REST config/get read and compared; OPTIONS answering is not held against it', async () => {
    const report = await runAudit(
      {
        ...readbackOptions(POLY, polySip, polyWeb),
      },
      { vendors: VENDORS, inventory, neighbours: async () => undefined },
    );
    const h = hostOf(report.hosts, POLY);
    expect(h).toMatchObject({ vendor: 'polycom', model: 'VVX_150', mac: POLY_MAC, macSource: 'sip-user-agent' });
    expect(check(h, 'sip-trusted-only').state).toBe('pass');
    const autoAnswer = check(h, 'no-auto-answer');
    expect(autoAnswer.state).toBe('fail');
    expect(autoAnswer.evidence).toContain('call.autoAnswer.SIP = 1 (want 0)');
    expect(check(h, 'admin-password-set').state).toBe('pass');
  });
});

describe('Grandstream alias-format firmware (GRP26xx ≥ 1.0.9.103): the API speaks P-values', () => {
  const audit = (vendors: readonly VendorAdapter[]) =>
    runAudit(
      {
        ...readbackOptions(GRP, grpSip, grpWeb),
      },
      { vendors, inventory, neighbours: async () => GRP_MAC },
    );

  it("with the adapter's optional apiSetting (alias → P-value), alias settings are read and compared as P-values", async () => {
    const withApi: VendorAdapter = { ...grandstream, apiSetting: (s) => (/^P\d+$/.test(s.key) ? s : aliasToPvalue(s)) };
    const report = await audit(VENDORS.map((v) => (v.id === 'grandstream' ? withApi : v)));
    const h = hostOf(report.hosts, GRP);
    const trusted = check(h, 'sip-trusted-only');
    expect(trusted.state).toBe('fail');
    expect(trusted.evidence).toContain('P2347 = 0 (want 1)');
    expect(check(h, 'no-direct-ip-calls').state).toBe('pass');
  });

  it('without it, the alias names are asked as they are and come back unreadable: unknown, never a false verdict', async () => {
    const report = await audit(VENDORS.map((v) => (v.id === 'grandstream' ? { ...grandstream, apiSetting: undefined } : v)));
    const trusted = check(hostOf(report.hosts, GRP), 'sip-trusted-only');
    expect(trusted.state).toBe('unknown');
    expect(trusted.evidence.join(' ')).toMatch(/account\.1\.sip\.validate\.incomingServer not readable/);
  });
});

/**
 * #14 audit-only devices: a phone another system provisions (`provision: false`, its admin password the other system's)
 * is audited like the rest — identified against the inventory, read back with that password, compared with the policy.
 */
describe('an audit-only device (provision: false) is audited against the policy', () => {
  const HOST = '127.153.16.10';
  const MAC = parseMac('00:0b:82:53:16:10')!;
  const OTHER_SYSTEMS_PASSWORD = 'Other-Sys-Adm1n-7';
  const auditOnly = inventoryFrom(
    `
version: 1
sites:
  hq: { registrar: 127.0.0.2, transport: udp }
devices:
  - { mac: "00:0b:82:53:16:10", vendor: grandstream, model: GXP2140, site: hq, provision: false, adminPassword: "${OTHER_SYSTEMS_PASSWORD}" }
`,
    VENDORS,
  );
  let sip: SipPeer;
  let web: FakeMgmt;
  beforeAll(async () => {
    sip = await startSipPeer({ host: HOST, userAgent: 'Grandstream GXP2140 1.0.9.14', options: 'silent' });
    web = await fakeGrandstream(HOST, OTHER_SYSTEMS_PASSWORD, {
      P2347: '0',
      P1310: '1',
      P67: '000B82531610',
      68: '1.0.9.14',
      phone_model: 'GXP2140',
    });
  });
  afterAll(async () => {
    await Promise.all([sip.close(), web.close()]);
  });

  it('is identified, read back with the inventory password and fails where the other system left it open', async () => {
    const report = await runAudit(
      {
        ...readbackOptions(HOST, sip, web),
        // the admin's credentials file carries the other system's password, as for any phone ghostguard does not serve
        credentials: [{ host: HOST, password: OTHER_SYSTEMS_PASSWORD }],
      },
      { vendors: VENDORS, inventory: auditOnly, neighbours: async () => undefined },
    );
    const h = hostOf(report.hosts, HOST);
    expect(h).toMatchObject({ vendor: 'grandstream', model: 'GXP2140', mac: MAC });
    expect(check(h, 'device-inventory').state).toBe('pass');
    expect(check(h, 'sip-trusted-only').state).toBe('fail');
    expect(check(h, 'sip-trusted-only').evidence).toContain('P2347 = 0 (want 1)');
    expect(check(h, 'no-direct-ip-calls').state).toBe('pass');
    expect(web.logins.some((l) => l.password === OTHER_SYSTEMS_PASSWORD)).toBe(true);
    expect(JSON.stringify(report)).not.toContain(OTHER_SYSTEMS_PASSWORD);
  });
});
