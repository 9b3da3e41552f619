/**
 * One host's SIP, HTTP and SNMP probes run side by side, yet every packet to that host still waits its --host-gap.
 * Slow peers answer after a fixed delay through relays that log arrival times. This file's range: 127.0.140.30–39.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../src/auditor/audit.js';
import { SnmpAgent } from '../../src/lab/snmp-agent.js';
import type { Mac } from '../../src/model/mac.js';
import { VENDORS, vendorById } from '../../vendors/index.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';
import { startSipPeer, type SipPeer } from './helpers/sip-peer.js';
import { timedHttp, type TimedHttp } from './helpers/timed-http.js';
import { udpRelay, type UdpRelay } from './helpers/udp-relay.js';

const PEERS = '127.0.140.39';
const DELAY = 400;

let sip: SipPeer;
let agent: SnmpAgent;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  sip = await startSipPeer({ host: PEERS, userAgent: 'TestUA/1.0' });
  agent = new SnmpAgent({
    ip: PEERS,
    port: await freeUdpPort(PEERS),
    community: 'public',
    managers: [],
    // a Yealink sysDescr: identified, and Yealink has no read-back API; with the factory login off the audit sends nothing after the probes
    identity: { vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45', mac: '805ec0140039' as Mac },
    snmp: vendorById('yealink')!.lab!.snmp,
  });
  await agent.start();
});
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  await agent?.stop();
  await sip?.close();
});

/** SIP and SNMP relays and an HTTP server on `host`, all answering after `delayMs`; HTTPS refused. */
async function slowHost(host: string, delayMs: number): Promise<{ options: AuditOptions; sip: UdpRelay; snmp: UdpRelay; http: TimedHttp }> {
  const sipRelay = await udpRelay({ host, to: { host: PEERS, port: sip.port }, delayMs });
  const snmpRelay = await udpRelay({ host, to: { host: PEERS, port: agent.port }, delayMs });
  const http = await timedHttp(host, { delayMs, server: 'test httpd' });
  open.push(sipRelay, snmpRelay, http);
  return {
    sip: sipRelay,
    snmp: snmpRelay,
    http,
    options: {
      // HTTPS refused, as on most phones: the host shows life at once, so SNMP need not wait for a slow answer
      targets: [host],
      sipPorts: [sipRelay.port],
      httpPorts: [http.port],
      httpsPorts: [await freeTcpPort(host)],
      snmpPort: snmpRelay.port,
      communities: ['public'],
      timeoutMs: 2000,
      retries: 0,
      rate: 5000,
      hostGapMs: 0,
      defaultLogin: false,
      http: { connectTimeoutMs: 1000, headersTimeoutMs: 3000, bodyTimeoutMs: 3000, totalTimeoutMs: 4000 },
    },
  };
}

const deps = { vendors: VENDORS, neighbours: async () => undefined };

describe('parallel probes of one host', () => {
  it(`SIP, HTTP and SNMP each ${DELAY} ms slow: the host takes about one delay, not the sum`, async () => {
    const h = await slowHost('127.0.140.30', DELAY);
    const start = performance.now();
    const report = await runAudit(h.options, deps);
    const elapsed = performance.now() - start;
    const probes = report.hosts[0]!.probes.join(' | ');
    expect(probes).toMatch(/OPTIONS answered 200/);
    expect(probes).toMatch(/HTTP 200/);
    expect(probes).toMatch(/SNMPv2c answered/);
    expect(report.hosts[0]!.vendor).toBe('yealink');
    expect(h.http.requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(DELAY - 5);
    expect(elapsed).toBeLessThan(0.75 * 3 * DELAY);
  });

  it('--host-gap still spaces every packet to that host, the bare TCP connect included', async () => {
    const gap = 150;
    const h = await slowHost('127.0.140.31', 0);
    const report = await runAudit({ ...h.options, hostGapMs: gap }, deps);
    expect(report.hosts[0]!.probes.join(' | ')).toMatch(/SNMPv2c answered/);
    // OPTIONS, the bare connect, the GET's connection, one SNMP GET (the refused HTTPS connect took a slot unseen)
    expect(h.sip.arrivals).toHaveLength(1);
    expect(h.http.connections).toHaveLength(2);
    expect(h.http.requests).toHaveLength(1);
    expect(h.snmp.arrivals).toHaveLength(1);
    const arrivals = [...h.sip.arrivals, ...h.http.connections, ...h.snmp.arrivals].sort((a, b) => a - b);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    for (const g of gaps) expect(g).toBeGreaterThan(gap - 30);
    expect(h.http.connections[1]! - h.http.connections[0]!).toBeGreaterThan(gap - 30);
  });
});
