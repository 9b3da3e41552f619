/** Plain-text SIP logs in the shapes people actually have: ngrep, Asterisk chan_sip and pjsip, bare messages with rulers. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyse } from '../../src/trace/analyse.js';
import { emptyStats, readCapture } from '../../src/trace/capture.js';
import type { SipEvent } from '../../src/trace/frame.js';
import { parseLogTime } from '../../src/trace/text-log-reader.js';

async function read(text: string, chunk = 0): Promise<SipEvent[]> {
  const evs: SipEvent[] = [];
  const buf = Buffer.from(text);
  const parts = chunk ? Array.from({ length: Math.ceil(buf.length / chunk) }, (_, i) => buf.subarray(i * chunk, (i + 1) * chunk)) : [buf];
  await readCapture(Readable.from(parts), (e) => evs.push(e), emptyStats());
  return evs;
}

const scanInvite = (uri: string, via: string) => [
  `INVITE ${uri} SIP/2.0`,
  `Via: SIP/2.0/UDP ${via};branch=z9hG4bK-1;rport`,
  'From: "sipvicious"<sip:100@1.1.1.1>;tag=abc',
  'To: "sipvicious"<sip:100@1.1.1.1>',
  'Call-ID: scan-1',
  'CSeq: 1 INVITE',
  'User-Agent: friendly-scanner',
  'Content-Length: 0',
];
const ringing = (via: string) => [
  'SIP/2.0 180 Ringing',
  `Via: SIP/2.0/UDP ${via};branch=z9hG4bK-1;rport`,
  'From: "sipvicious"<sip:100@1.1.1.1>;tag=abc',
  'To: "sipvicious"<sip:100@1.1.1.1>;tag=xyz',
  'Call-ID: scan-1',
  'CSeq: 1 INVITE',
  'Content-Length: 0',
];
const okWithSdp = (via: string) => [
  'SIP/2.0 200 OK',
  `Via: SIP/2.0/UDP ${via};branch=z9hG4bK-1;rport`,
  'From: "sipvicious"<sip:100@1.1.1.1>;tag=abc',
  'To: "sipvicious"<sip:100@1.1.1.1>;tag=xyz',
  'Call-ID: scan-1',
  'CSeq: 1 INVITE',
  'Content-Type: application/sdp',
  'Content-Length: 28',
  '',
  'v=0',
  'o=- 1 1 IN IP4 192.0.2.7',
];

describe('text SIP logs', () => {
  it('reads ngrep output: addresses and times from the `U date a -> b` lines', async () => {
    const log = [
      'interface: eth0 (192.0.2.0/255.255.255.0)',
      'filter: ( udp port 5060 ) and ((ip || ip6) || (vlan && (ip || ip6)))',
      '#',
      'U 2025/11/21 10:00:00.123456 203.0.113.66:5070 -> 192.0.2.7:5060 #1',
      ...scanInvite('sip:100@192.0.2.7', '203.0.113.66:5070'),
      '',
      '#',
      'U 2025/11/21 10:00:00.124000 192.0.2.7:5060 -> 203.0.113.66:5070 #2',
      ...ringing('203.0.113.66:5070'),
      '',
      '#',
      'U 2025/11/21 10:00:00.500000 192.0.2.7:5060 -> 203.0.113.66:5070 #3',
      ...okWithSdp('203.0.113.66:5070'),
      '#',
    ].join('\n');
    for (const chunk of [0, 5]) {
      const evs = await read(log, chunk);
      expect(evs.map((e) => [e.packet, e.line, e.src?.addr, e.dst?.addr, e.msg.method ?? e.msg.status])).toEqual([
        [1, 5, '203.0.113.66', '192.0.2.7', 'INVITE'],
        [2, 16, '192.0.2.7', '203.0.113.66', 180],
        [3, 26, '192.0.2.7', '203.0.113.66', 200],
      ]);
      expect(evs[0]!.time).toBeCloseTo(Date.UTC(2025, 10, 21, 10, 0, 0) / 1000 + 0.123456, 5);
      expect(evs[2]!.msg.body).toBe('v=0\r\no=- 1 1 IN IP4 192.0.2.7');
      const a = analyse(evs, { trusted: [] });
      expect(a.hosts.map((h) => `${h.host} ${h.findings.map((f) => `${f.check}:${f.packets.join('/')}`).join(' ')}`)).toEqual([
        '192.0.2.7 sip-trusted-only:1/2/3 no-direct-ip-calls:1/2/3',
        '203.0.113.66 scanner-traffic:1',
      ]);
    }
  });

  it('reads Asterisk chan_sip and pjsip debug output, where only the remote side is named', async () => {
    const log = [
      '[Nov 21 10:00:00] VERBOSE[1234] chan_sip.c: ',
      '<--- SIP read from UDP:203.0.113.66:5070 --->',
      ...scanInvite('sip:100@198.51.100.1', '203.0.113.66:5070'),
      '<------------->',
      '[Nov 21 10:00:00] VERBOSE[1234] chan_sip.c: ',
      '<--- Transmitting (no NAT) to 203.0.113.66:5070 --->',
      ...ringing('203.0.113.66:5070'),
      '',
      '<------------>',
      '<--- Received SIP request (512 bytes) from UDP:[2001:db8::66]:5070 --->',
      ...scanInvite('sip:100@[2001:db8::1]', '[2001:db8::66]:5070').map((l) => l.replace('scan-1', 'scan-2')),
      '',
    ].join('\r\n');
    const evs = await read(log);
    expect(evs.map((e) => [e.src?.addr, e.dst?.addr, e.msg.method ?? e.msg.status])).toEqual([
      ['203.0.113.66', '198.51.100.1', 'INVITE'], // destination from the Request-URI
      [undefined, '203.0.113.66', 180], // source left to the analysis
      ['2001:db8::66', '2001:db8::1', 'INVITE'],
    ]);
    const a = analyse(evs, { trusted: [] });
    expect(a.hosts.find((h) => h.host === '198.51.100.1')?.findings.map((f) => f.check)).toEqual([
      'sip-trusted-only',
      'no-direct-ip-calls',
    ]);
    expect(a.hosts.find((h) => h.host === '203.0.113.66')?.role).toBe('scanner');
  });

  it('reads bare messages between rulers, with folded headers and compact forms', async () => {
    const log = [
      '----------------------------------------------- 2025-11-21T10:00:00+01:00',
      'OPTIONS sip:100@192.0.2.10 SIP/2.0',
      'v: SIP/2.0/UDP 203.0.113.9:5060;branch=z9hG4bK-9',
      'f: <sip:100@192.0.2.99>;tag=1',
      't: <sip:100@192.0.2.10>',
      'i: opt-1',
      'CSeq: 7 OPTIONS',
      'User-Agent: sipcli/v1.8',
      '  (build 42)',
      'l: 0',
      '-----------------------------------------------',
      'this line is not SIP and is ignored',
    ].join('\n');
    const evs = await read(log);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.msg).toMatchObject({
      method: 'OPTIONS',
      callId: 'opt-1',
      cseqNum: 7,
      userAgent: 'sipcli/v1.8 (build 42)',
      contentLength: 0,
    });
    expect(evs[0]!.src).toEqual({ addr: '203.0.113.9', port: 5060 });
    expect(evs[0]!.time).toBe(Date.UTC(2025, 10, 21, 9, 0, 0) / 1000);
  });

  it('parses the common date-time shapes', () => {
    expect(parseLogTime('2025-11-21 10:00:00.5')).toBe(Date.UTC(2025, 10, 21, 10) / 1000 + 0.5);
    expect(parseLogTime('U 2025/11/21 10:00:00.000001 a -> b')).toBeCloseTo(Date.UTC(2025, 10, 21, 10) / 1000 + 1e-6, 6);
    expect(parseLogTime('2025-11-21T10:00:00-0230')).toBe(Date.UTC(2025, 10, 21, 12, 30) / 1000);
    expect(parseLogTime('[Nov 21 10:00:00]')).toBeUndefined();
  });
});
