import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netSnmpSessionFactory, probeSnmp, type SnmpProbeOptions } from '../../src/auditor/probes/snmp-probe.js';
import { openGate } from '../../src/auditor/scheduler.js';
import { garbageSnmp } from './helpers/hostile.js';
import { freeUdpPort } from './helpers/net.js';
import { startSnmpd, type Snmpd } from './helpers/snmpd.js';
import { systemPeers } from '../helpers/system-peers.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/snmp-sysdescr.json', import.meta.url), 'utf8')) as Record<
  string,
  { sysDescr: string }
>;
const HOST = '127.77.3.1';
const base = (port: number): SnmpProbeOptions => ({
  port,
  communities: ['public', 'private'],
  timeoutMs: 300,
  retries: 1,
  gate: openGate,
  factory: netSnmpSessionFactory,
});

describe('SNMP probe: hostile and silent agents', () => {
  it('garbage replies are "malformed", never a crash', async () => {
    const peer = await garbageSnmp(HOST);
    const results = await probeSnmp(HOST, base(peer.port));
    await peer.close();
    expect(results.map((r) => r.outcome)).toEqual(['malformed', 'malformed']);
    expect(results[0]!.detail).toMatch(/undecodable reply/);
    expect(peer.hits()).toBeGreaterThanOrEqual(2);
  });

  it('silence is a timeout per community', async () => {
    const results = await probeSnmp(HOST, { ...base(await freeUdpPort(HOST)), communities: ['public'] });
    expect(results).toMatchObject([{ outcome: 'timeout' }]);
  });

  it('configured communities are masked in details', async () => {
    const results = await probeSnmp(HOST, { ...base(await freeUdpPort(HOST)), communities: ['S3cretCommunity'], retries: 0 });
    expect(results[0]!.detail).not.toContain('S3cretCommunity');
  });
});

const peers = systemPeers('snmpd');

describe.skipIf(peers.missing)(`SNMP probe against a real snmpd${peers.note}`, () => {
  let agent: Snmpd;
  beforeAll(async () => {
    agent = await startSnmpd('127.77.3.2', fixtures.grandstreamHt8xx!.sysDescr);
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it('reads sysDescr and sysObjectID with the default community', async () => {
    const results = await probeSnmp(agent.host, base(agent.port));
    // every community is tried: this snmpd knows only public, so private stays unanswered
    expect(results.map((r) => r.outcome)).toEqual(['answered', 'timeout']);
    expect(results[0]).toMatchObject({ outcome: 'answered', community: 'public', sysDescr: fixtures.grandstreamHt8xx!.sysDescr });
    expect(results[0]!.sysObjectId).toMatch(/^1\.3\.6\.1\.4\.1\./);
  });

  it('a wrong community gets no answer (snmpd drops it)', async () => {
    const results = await probeSnmp(agent.host, { ...base(agent.port), communities: ['wrong'], retries: 0 });
    expect(results[0]!.outcome).toBe('timeout');
  });
});
