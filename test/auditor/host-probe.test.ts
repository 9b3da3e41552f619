import { describe, expect, it } from 'vitest';
import type { HostAuditContext } from '../../src/auditor/audit-context.js';
import { probeHost } from '../../src/auditor/host-audit.js';
import { isResponsive, showsLife } from '../../src/auditor/observations.js';
import type { HttpClient } from '../../src/auditor/probes/http-client.js';
import type { SnmpSessionFactory } from '../../src/auditor/probes/snmp-probe.js';
import { createUdpSocket } from '../../src/auditor/probes/udp-channel.js';
import { openGate, systemClock, TokenBucket } from '../../src/auditor/scheduler.js';
import { freeUdpPort, udpResponder } from './helpers/net.js';

const HOST = '127.77.17.1';

function ctx(sipPorts: number[], snmpCalls: { n: number }): HostAuditContext {
  const snmp: SnmpSessionFactory = () => {
    snmpCalls.n++;
    return { get: async () => ({ ok: false, kind: 'timeout', detail: 'no answer' }), close: () => {} };
  };
  const http: HttpClient = { request: async () => ({ ok: false, outcome: 'timeout', detail: 'connect timed out', beforeConnect: true }) };
  return {
    vendors: [],
    http,
    udp: createUdpSocket,
    snmp,
    neighbours: async () => undefined,
    clock: systemClock,
    bucket: new TokenBucket(1000, 10, systemClock),
    settings: {
      sipPorts,
      httpPorts: [80],
      httpsPorts: [],
      snmpPort: 161,
      communities: ['public'],
      timeoutMs: 150,
      retries: 0,
      hostGapMs: 0,
      intrusive: false,
      defaultLogin: true,
      staleDays: 14,
      credentials: [],
      plainHttpLogin: false,
    },
  };
}

describe('probeHost', () => {
  it('skips SNMP on an address where nothing answered, refused or accepted a connection', async () => {
    const sink = await udpResponder(HOST, () => undefined);
    const calls = { n: 0 };
    const obs = await probeHost(HOST, ctx([sink.port], calls), openGate);
    await sink.close();
    expect(obs.sip[0]!.outcome).toBe('timeout');
    expect(showsLife(obs)).toBe(false);
    expect(isResponsive(obs)).toBe(false);
    expect(calls.n).toBe(0);
  });

  it('a refused SIP port proves a host is there, so SNMP is asked', async () => {
    const calls = { n: 0 };
    const obs = await probeHost(HOST, ctx([await freeUdpPort(HOST)], calls), openGate);
    expect(obs.sip[0]!.outcome).toBe('closed');
    expect(calls.n).toBe(1);
    // alive but silent otherwise: not worth a report line
    expect(isResponsive(obs)).toBe(false);
  });
});
