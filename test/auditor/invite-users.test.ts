/**
 * The INVITE probe addresses the scanner-style user `100` and then the phone's own extensions from the inventory; it
 * waits past `100 Trying`. Peers are the scriptable fake phone of helpers/sip-peer.ts (answers written by hand as in
 * RFC 3261's examples); expected verdicts follow issue #12's definitions. Range: 127.121.2.0/24.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../src/auditor/audit.js';
import type { Mac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { inventoryFrom } from './helpers/inventory.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';
import { startSipPeer, type SipPeer } from './helpers/sip-peer.js';

const MAC = '001565212001' as Mac;
const UA = 'Yealink SIP-T46U 108.86.0.45';
const peers: SipPeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

const inventory = () =>
  inventoryFrom(
    `
version: 1
sites:
  hq: { registrar: 127.0.0.2, transport: udp }
devices:
  - { mac: "00:15:65:21:20:01", vendor: yealink, model: T46U, site: hq, adminPassword: generate, lines: [{ extension: "2001", password: generate }] }
`,
    VENDORS,
  );

async function audit(host: string, peer: SipPeer, withInventory: boolean) {
  const options: AuditOptions = {
    targets: [host],
    sipPorts: [peer.port],
    httpPorts: [await freeTcpPort(host)],
    httpsPorts: [],
    snmpPort: await freeUdpPort(host),
    communities: [],
    timeoutMs: 300,
    retries: 0,
    hostGapMs: 0,
    rate: 5000,
    intrusive: true,
  };
  const report = await runAudit(options, {
    vendors: VENDORS,
    neighbours: async () => MAC,
    ...(withInventory ? { inventory: inventory() } : {}),
  });
  return report.hosts[0]!;
}

describe('INVITE probe users', () => {
  it("404 for 100 and 180 for its own extension: rings, found through the inventory's extension", async () => {
    const host = '127.121.2.1';
    const peer = await startSipPeer({ host, userAgent: UA, inviteFor: { 100: 'reject-404', 2001: 'ring' } });
    peers.push(peer);
    const h = await audit(host, peer, true);
    expect(h.invitedUsers).toEqual(['100', '2001']);
    expect(h.ghostCall.verdict).toBe('rings');
    expect(h.ghostCall.evidence).toContain(
      `INVITE to 2001 on udp/${peer.port} drew 180 Ringing → 487 Request Terminated; the auditor ended it with CANCEL`,
    );
    expect(peer.methods()).toContain('CANCEL');
  });

  it('the same phone without its extension known: refuses, and the evidence says its own extension may still ring', async () => {
    const host = '127.121.2.2';
    const peer = await startSipPeer({ host, userAgent: UA, inviteFor: { 100: 'reject-404', 2001: 'ring' } });
    peers.push(peer);
    const h = await audit(host, peer, false);
    expect(h.invitedUsers).toEqual(['100']);
    expect(h.ghostCall.verdict).toBe('refuses');
    expect(h.ghostCall.evidence[0]).toMatch(/could still ring for its own extension/);
  });

  it('100 Trying then 403: the probe waits past the 100 (no CANCEL), refuses, and the rule is not failed as "processed"', async () => {
    const host = '127.121.2.3';
    const peer = await startSipPeer({ host, userAgent: UA, trying: true, invite: 'reject-403' });
    peers.push(peer);
    const h = await audit(host, peer, false);
    expect(h.ghostCall.verdict).toBe('refuses');
    expect(h.ghostCall.evidence[0]).toBe(
      `INVITE to 100 on udp/${peer.port} drew 100 Trying → 403 Forbidden; the auditor ended it with ACK`,
    );
    expect(peer.methods()).not.toContain('CANCEL');
    const trusted = h.findings.find((f) => f.check === 'sip-trusted-only')!;
    expect(trusted.evidence.join(' ')).not.toMatch(/processed/);
    // Yealink answering a stranger's OPTIONS still fails the rule, at the verdict's severity
    expect(trusted).toMatchObject({ state: 'fail', severity: 'low' });
  });
});
