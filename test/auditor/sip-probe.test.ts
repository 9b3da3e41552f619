import { afterEach, describe, expect, it } from 'vitest';
import { createUdpSocket } from '../../src/auditor/probes/udp-channel.js';
import { probeInvite, PROBE_OPTION_TAG } from '../../src/auditor/probes/sip-invite-probe.js';
import { probeOptions } from '../../src/auditor/probes/sip-options-probe.js';
import type { SipProbeOptions } from '../../src/auditor/probes/sip-transaction.js';
import { openGate, systemClock } from '../../src/auditor/scheduler.js';
import { freeUdpPort, udpResponder } from './helpers/net.js';
import { startSipPeer } from './helpers/sip-peer.js';

const HOST = '127.77.1.1';
const options: SipProbeOptions = { timeoutMs: 300, retries: 1, gate: openGate, clock: systemClock, createSocket: createUdpSocket };
const peers: { close(): Promise<void> }[] = [];
const track = <T extends { close(): Promise<void> }>(p: T): T => {
  peers.push(p);
  return p;
};

afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

describe('SIP OPTIONS probe (real UDP on loopback)', () => {
  it('reads status and User-Agent from an answering phone', async () => {
    const peer = track(await startSipPeer({ host: HOST, userAgent: 'Yealink SIP-T21P_E2 52.83.0.35' }));
    const r = await probeOptions(HOST, peer.port, options);
    expect(r).toMatchObject({ outcome: 'answered', status: 200, userAgent: 'Yealink SIP-T21P_E2 52.83.0.35', attempts: 1 });
    expect(peer.received[0]).toMatch(/^OPTIONS sip:127\.77\.1\.1:\d+ SIP\/2\.0\r\n/);
  });

  it('a closed port answers at once through ICMP (connected socket), not after a timeout', async () => {
    const port = await freeUdpPort(HOST);
    const start = performance.now();
    const r = await probeOptions(HOST, port, { ...options, timeoutMs: 3000 });
    expect(r.outcome).toBe('closed');
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('silence is a timeout result after the retries', async () => {
    const peer = track(await startSipPeer({ host: HOST, options: 'silent' }));
    const r = await probeOptions(HOST, peer.port, options);
    expect(r).toMatchObject({ outcome: 'timeout', attempts: 2 });
    expect(peer.methods()).toEqual(['OPTIONS', 'OPTIONS']);
  });

  it('malformed SIP is reported with an escaped preview, never thrown', async () => {
    const peer = track(await startSipPeer({ host: HOST, options: 'garbage' }));
    const r = await probeOptions(HOST, peer.port, options);
    expect(r.outcome).toBe('malformed');
    expect(r.detail).toContain('not a SIP response');
    expect(r.detail).not.toMatch(/\x1b/);
  });

  it('a flooding peer cannot keep the probe busy', async () => {
    const flood = track(await udpResponder(HOST, () => Buffer.alloc(1200, 0x41)));
    const start = performance.now();
    const r = await probeOptions(HOST, flood.port, { ...options, retries: 3 });
    expect(['malformed', 'timeout']).toContain(r.outcome);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('SIP INVITE probe (intrusive)', () => {
  it('an unsupported Require draws 420 from a conforming phone, which is ACKed', async () => {
    const peer = track(await startSipPeer({ host: HOST, invite: '420' }));
    const r = await probeInvite(HOST, peer.port, options);
    expect(r).toMatchObject({ outcome: 'answered', status: 420, ended: 'ack' });
    expect(peer.received[0]).toContain(`Require: ${PROBE_OPTION_TAG}`);
    await new Promise((res) => setTimeout(res, 50));
    expect(peer.methods()).toEqual(['INVITE', 'ACK']);
  });

  it('a phone that rings is CANCELled at the first provisional response', async () => {
    const peer = track(await startSipPeer({ host: HOST, invite: 'ring' }));
    const r = await probeInvite(HOST, peer.port, options);
    expect(r).toMatchObject({ outcome: 'answered', provisional: [180], status: 487, ended: 'cancel' });
    await new Promise((res) => setTimeout(res, 50));
    expect(peer.methods()).toEqual(['INVITE', 'CANCEL', 'ACK']);
  });

  it('a phone that auto-answers is hung up at once (ACK, BYE)', async () => {
    const peer = track(await startSipPeer({ host: HOST, invite: 'answer' }));
    const r = await probeInvite(HOST, peer.port, options);
    expect(r).toMatchObject({ outcome: 'answered', status: 200, ended: 'bye' });
    expect(peer.methods()).toEqual(['INVITE', 'ACK', 'BYE']);
  });
});
