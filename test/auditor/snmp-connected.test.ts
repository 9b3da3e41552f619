/**
 * The audit's default SNMP sessions (connectedSnmpSessionFactory): a closed port is settled by the ICMP refusal, an
 * agent still answers, and replies from another address are ignored. This file's range: 127.0.140.10–19.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectedSnmpSessionFactory,
  netSnmpSessionFactory,
  probeSnmp,
  type SnmpProbeOptions,
  type SnmpSessionFactory,
} from '../../src/auditor/probes/snmp-probe.js';
import type { PacketGate } from '../../src/auditor/scheduler.js';
import { SnmpAgent } from '../../src/lab/snmp-agent.js';
import type { Mac } from '../../src/model/mac.js';
import { freeUdpPort } from './helpers/net.js';
import { udpRelay, type UdpRelay } from './helpers/udp-relay.js';
import { vendorById } from '../../vendors/index.js';

const HOST = '127.0.140.10';
const AGENT = '127.0.140.11';
const RELAY = '127.0.140.12';
const ELSEWHERE = '127.0.140.13';
const IDENTITY = { vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45', mac: '805ec0140011' as Mac } as const;

function counted(factory: SnmpSessionFactory): {
  factory: SnmpSessionFactory;
  sessions: string[];
  packets: () => number;
  gate: PacketGate;
} {
  const sessions: string[] = [];
  let packets = 0;
  return {
    factory: (host, community, options) => {
      sessions.push(community);
      return factory(host, community, options);
    },
    sessions,
    packets: () => packets,
    gate: { beforePacket: async () => void packets++ },
  };
}

const options = (
  port: number,
  c: ReturnType<typeof counted>,
  timeoutMs: number,
  communities = ['public', 'private', 'c0mmunity3'],
): SnmpProbeOptions => ({
  port,
  communities,
  timeoutMs,
  retries: 1,
  gate: c.gate,
  factory: c.factory,
});

let agent: SnmpAgent;
let relay: UdpRelay;
beforeAll(async () => {
  agent = new SnmpAgent({
    ip: AGENT,
    port: await freeUdpPort(AGENT),
    identity: IDENTITY,
    snmp: vendorById('yealink')!.lab!.snmp,
    community: 'private',
    managers: [],
  });
  await agent.start();
  relay = await udpRelay({ host: RELAY, to: { host: AGENT, port: agent.port }, replyFrom: ELSEWHERE });
});
afterAll(async () => {
  await relay?.close();
  await agent?.stop();
});

describe('connected SNMP sessions', () => {
  it('a closed UDP port answers "closed" at once; the remaining communities and retries are skipped', async () => {
    const c = counted(connectedSnmpSessionFactory);
    const start = performance.now();
    const results = await probeSnmp(HOST, options(await freeUdpPort(HOST), c, 3000));
    const elapsed = performance.now() - start;
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'closed' });
    expect(results[0]!.detail).toMatch(/port unreachable/);
    expect(c.sessions).toEqual(['public']);
    expect(c.packets()).toBe(1);
    // the timeout is 3 s per attempt, two attempts per community: the refusal settles it in a small fraction of that
    expect(elapsed).toBeLessThan(500);
  });

  it('an answering agent is still read, after a community it ignores; every community is tried', async () => {
    const c = counted(connectedSnmpSessionFactory);
    const results = await probeSnmp(AGENT, { ...options(agent.port, c, 300), retries: 0 });
    expect(results.map((r) => r.outcome)).toEqual(['timeout', 'answered', 'timeout']);
    expect(results[1]).toMatchObject({
      community: 'private',
      sysDescr: 'Yealink SIP-T46U 108.86.0.45',
      sysObjectId: '1.3.6.1.4.1.37459.2.1',
    });
    expect(c.sessions).toEqual(['public', 'private', 'c0mmunity3']);
  });

  it('trade-off: a reply from another source address than the target is ignored (an agent answering from an alias address is missed)', async () => {
    // the relay forwards to the agent and sends its answer from ELSEWHERE, not from RELAY:port
    const connected = counted(connectedSnmpSessionFactory);
    const viaConnected = await probeSnmp(RELAY, { ...options(relay.port, connected, 300, ['private']), retries: 0 });
    expect(viaConnected).toMatchObject([{ outcome: 'timeout' }]);
    // the agent did answer: an unconnected socket takes the same reply
    const unconnected = counted(netSnmpSessionFactory);
    const viaUnconnected = await probeSnmp(RELAY, { ...options(relay.port, unconnected, 1000, ['private']), retries: 0 });
    expect(viaUnconnected).toMatchObject([{ outcome: 'answered', sysDescr: 'Yealink SIP-T46U 108.86.0.45' }]);
    expect(relay.arrivals).toHaveLength(2);
  });
});
