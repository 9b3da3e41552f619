/**
 * Auditor coverage of the #14 rules (provisioning-pinned, user-password-set, tr069-off, ssh-off, refer-validation): the
 * settings are read back through each vendor's management API and compared, a secret is never claimed as verified, and a
 * phone on its factory values fails. Factory values are the templates' documented defaults (GRP26xx: P145 = 1, P276 = 0,
 * P1409 = 0, Allow Unsolicited REFER = 0). Loopback only, 127.135.0.0/16.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuditOptions } from '../../src/auditor/audit-options.js';
import { runAudit } from '../../src/auditor/audit.js';
import type { HostReport } from '../../src/auditor/findings.js';
import { parseMac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { fakeGrandstream, fakePolycomRest, type FakeMgmt } from './helpers/fake-mgmt.js';
import { inventoryFrom } from './helpers/inventory.js';
import { startSipPeer, type SipPeer } from './helpers/sip-peer.js';
import { readbackOptions } from './helpers/readback-options.js';
import { FIRST_GENERATIONS } from '../../src/model/inventory.js';

const GRP = '127.135.14.10';
const POLY = '127.135.14.11';
const GRP_MAC = parseMac('00:0b:82:35:14:10')!;
const POLY_MAC = parseMac('48:25:67:35:14:11')!;
const inventory = inventoryFrom(
  `
version: 1
sites:
  hq: { registrar: 127.0.0.2, transport: udp }
devices:
  - { mac: "00:0b:82:35:14:10", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "3001", password: generate }] }
  - { mac: "48:25:67:35:14:11", vendor: polycom, model: VVX_150, site: hq, adminPassword: generate, lines: [{ extension: "3002", password: generate }] }
`,
  VENDORS,
);

const peers: { close(): Promise<void> }[] = [];
let grpSip: SipPeer;
let grpWeb: FakeMgmt;
let polySip: SipPeer;
let polyWeb: FakeMgmt;
let polySsh: net.Server;
const check = (h: HostReport, id: string) => h.findings.find((f) => f.check === id)!;

beforeAll(async () => {
  grpSip = await startSipPeer({ host: GRP, userAgent: 'Grandstream GRP2614 1.0.9.103', options: 'silent' });
  // GRP alias firmware (the API still speaks P-values): the DHCP override and SSH at their factory values, TR-069 and REFER
  // as provisioned
  grpWeb = await fakeGrandstream(GRP, inventory.resolve(GRP_MAC, FIRST_GENERATIONS)!.adminPassword, {
    P145: '1',
    P276: '0',
    P1409: '0',
    P26023: '0',
    P26123: '0',
    P26223: '0',
    P26323: '0',
    P196: inventory.resolve(GRP_MAC, FIRST_GENERATIONS)!.userPassword,
    P67: '000B82351410',
    68: '1.0.9.103',
    phone_model: 'GRP2614',
  });
  polySip = await startSipPeer({ host: POLY, userAgent: `PolycomVVX-VVX_150-UA/6.4.1.2280_${POLY_MAC}` });
  polyWeb = await fakePolycomRest(
    POLY,
    inventory.resolve(POLY_MAC, FIRST_GENERATIONS)!.adminPassword,
    {
      'voIpProt.SIP.requestValidation.1.request': 'INVITE',
      'voIpProt.SIP.requestValidation.1.method': 'source',
      'voIpProt.SIP.requestValidation.3.request': 'REFER',
      'voIpProt.SIP.requestValidation.3.method': 'source',
      'device.set': '1',
      'device.auth.localUserPassword.set': '1',
    },
    '48:25:67:35:14:11',
  );
  // an SSH server speaks first (RFC 4253 §4.2): the identification line is all the probe reads
  polySsh = net.createServer((socket) => socket.end('SSH-2.0-dropbear_2019.78\r\n'));
  await new Promise<void>((resolve) => polySsh.listen(0, POLY, resolve));
  peers.push(grpSip, grpWeb, polySip, polyWeb, { close: () => new Promise<void>((resolve) => polySsh.close(() => resolve())) });
});

afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
});

const options = readbackOptions;

describe('auditor coverage of the #14 hardening rules', () => {
  it('Grandstream: P145 and P276 at their factory values fail, TR-069 and REFER pass, the user password stays unverified', async () => {
    const report = await runAudit(options(GRP, grpSip, grpWeb), { vendors: VENDORS, inventory, neighbours: async () => GRP_MAC });
    const h = report.hosts.find((x) => x.host === GRP)!;
    expect(check(h, 'device-inventory').state).toBe('pass');
    const pinned = check(h, 'provisioning-pinned');
    expect(pinned.state).toBe('fail');
    expect(pinned.evidence).toContain('P145 = 1 (want 0)');
    expect(check(h, 'ssh-off')).toMatchObject({ state: 'fail', evidence: ['P276 = 0 (want 1)'] });
    // tr069.enable = No is compared as its P-value (the alias template annotates it "Pvalue P1409")
    expect(check(h, 'tr069-off')).toMatchObject({ state: 'pass', evidence: ['P1409 = 0'] });
    expect(check(h, 'refer-validation').state).toBe('pass');
    const user = check(h, 'user-password-set');
    expect(user.state).toBe('unknown');
    expect(user.reason).toMatch(/secret/);
    expect(JSON.stringify(report)).not.toContain(inventory.resolve(GRP_MAC, FIRST_GENERATIONS)!.userPassword);
  });

  it('Poly: REFER validation read back through REST config/get; the user password is a secret, never claimed', async () => {
    const report = await runAudit(options(POLY, polySip, polyWeb), { vendors: VENDORS, inventory, neighbours: async () => undefined });
    const h = report.hosts.find((x) => x.host === POLY)!;
    expect(h.model).toBe('VVX_150');
    expect(check(h, 'refer-validation')).toMatchObject({ state: 'pass' });
    expect(check(h, 'refer-validation').evidence).toContain('voIpProt.SIP.requestValidation.3.request = REFER');
    expect(check(h, 'user-password-set').state).toBe('unknown');
    // Poly has no verified parameter for these: reported unsupported, with the reason
    for (const rule of ['provisioning-pinned', 'tr069-off', 'ssh-off']) expect(check(h, rule).state, rule).toBe('unsupported');
    // with the network-side step that covers what the phone cannot be told
    expect(check(h, 'ssh-off').fix).toEqual(['block SSH (tcp/22) to the phone except from your management hosts']);
    expect(check(h, 'provisioning-pinned').fix[0]).toMatch(/DHCP snooping/);
  });

  it('audit --ssh-ports: an SSH banner fails ssh-off even where the vendor has no switch; a refused port is only a note', async () => {
    expect(toAuditOptions({ targets: [POLY], sshPorts: '22,2222' }, () => '').sshPorts).toEqual([22, 2222]);
    expect(() => toAuditOptions({ targets: [POLY], sshPorts: '0' }, () => '')).toThrow(/--ssh-ports/);
    const sshPort = (polySsh.address() as AddressInfo).port;
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer();
      probe.listen(0, POLY, () => {
        const port = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const report = await runAudit(
      { ...options(POLY, polySip, polyWeb), sshPorts: [sshPort, closed] },
      { vendors: VENDORS, inventory, neighbours: async () => undefined },
    );
    const f = check(report.hosts.find((x) => x.host === POLY)!, 'ssh-off');
    expect(f.state).toBe('fail');
    expect(f.evidence).toContain(`tcp/${sshPort} answers with an SSH banner ("SSH-2.0-dropbear_2019.78"): SSH is on`);
    expect(f.evidence).toContain(`tcp/${closed} refuses connections: no SSH there (another port is not ruled out)`);
    expect(f.fix.join(' ')).toMatch(/cannot enforce this rule.*tcp\/22/);
  });
});
