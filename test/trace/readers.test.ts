/** pcap / pcapng readers, link and IP decoding, TCP reassembly, truncation and corruption — on captures written in the test. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { emptyStats, readCapture, type CaptureStats } from '../../src/trace/capture.js';
import { TraceMalformedError, type SipEvent } from '../../src/trace/frame.js';
import { DEFAULT_TCP_LIMITS } from '../../src/trace/tcp-reassembly.js';
import {
  ipPacket,
  link,
  pcapFile,
  pcapngBlockOffsets,
  pcapngFile,
  pcapRecordOffsets,
  request,
  response,
  type FrameSpec,
  type PacketSpec,
} from './helpers/build.js';

function chunked(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

async function read(
  buf: Buffer,
  chunk = 0,
  tcp = DEFAULT_TCP_LIMITS,
): Promise<{ evs: SipEvent[]; stats: CaptureStats; error?: TraceMalformedError }> {
  const evs: SipEvent[] = [];
  const stats = emptyStats();
  try {
    await readCapture(Readable.from(chunk ? chunked(buf, chunk) : [buf]), (e) => evs.push(e), stats, { tcp });
    return { evs, stats };
  } catch (err) {
    if (!(err instanceof TraceMalformedError)) throw err;
    return { evs, stats, error: err };
  }
}

const T0 = 1_763_700_000.25;
const invite = request('INVITE', 'sip:100@192.0.2.10', {
  ua: 'friendly-scanner',
  from: '"sipvicious"<sip:100@1.1.1.1>;tag=x',
  callId: 'c1',
});
const ringing = response(invite, 180, 'Ringing');
const ok = response(invite, 200, 'OK');

function udpFrames(linktype: number, v6 = false, opts: { le?: boolean; vlan?: boolean } = {}): FrameSpec[] {
  const a = v6 ? '2001:db8::66' : '198.51.100.66';
  const b = v6 ? '2001:db8::10' : '192.0.2.10';
  const pk = (p: Omit<PacketSpec, 'proto'>) => link(linktype, ipPacket(p), opts);
  return [
    { time: T0, data: pk({ src: a, dst: b, sport: 5060, dport: 5060, payload: invite }) },
    { time: T0 + 0.001, data: pk({ src: b, dst: a, sport: 5060, dport: 5060, payload: ringing }) },
    // not SIP: an RTP-ish datagram, must be skipped quietly
    { time: T0 + 0.002, data: pk({ src: b, dst: a, sport: 40000, dport: 40002, payload: Buffer.alloc(172, 0x80) }) },
    { time: T0 + 0.5, data: pk({ src: b, dst: a, sport: 5060, dport: 5060, payload: ok }) },
  ];
}

function expectScan(evs: SipEvent[], v6 = false) {
  expect(evs.map((e) => e.packet)).toEqual([1, 2, 4]);
  expect(evs.map((e) => e.msg.method ?? e.msg.status)).toEqual(['INVITE', 180, 200]);
  expect(evs[0]!.src).toEqual({ addr: v6 ? '2001:db8::66' : '198.51.100.66', port: 5060 });
  expect(evs[0]!.dst).toEqual({ addr: v6 ? '2001:db8::10' : '192.0.2.10', port: 5060 });
  expect(evs[0]!.msg.userAgent).toBe('friendly-scanner');
  expect(evs[0]!.time).toBeCloseTo(T0, 5);
  expect(evs[2]!.time).toBeCloseTo(T0 + 0.5, 5);
  expect(evs[2]!.transport).toBe('udp');
}

describe('classic pcap', () => {
  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`reads ${le ? 'little' : 'big'}-endian ${nano ? 'nanosecond' : 'microsecond'} files, in any chunking`, async () => {
        const file = pcapFile(udpFrames(1), { le, nano, linktype: 1 });
        for (const chunk of [0, 1, 7, 100]) {
          const r = await read(file, chunk);
          expect(r.error).toBeUndefined();
          expectScan(r.evs);
          expect(r.stats).toMatchObject({
            format: 'pcap',
            frames: 4,
            bytes: file.length,
            linktypes: ['EN10MB'],
            sipMessages: 3,
            sipUdp: 3,
          });
        }
      });
    }
  }

  for (const [linktype, name, opts] of [
    [1, 'EN10MB', { vlan: true }],
    [113, 'LINUX_SLL', {}],
    [276, 'LINUX_SLL2', {}],
    [101, 'RAW', {}],
    [0, 'NULL', { le: true }],
    [0, 'NULL', { le: false }],
  ] as const) {
    for (const v6 of [false, true]) {
      it(`decodes ${name}${'vlan' in opts ? ' with a VLAN tag' : ''}${'le' in opts ? (opts.le ? ' (LE family)' : ' (BE family)') : ''} over IPv${v6 ? 6 : 4}`, async () => {
        const r = await read(pcapFile(udpFrames(linktype, v6, opts), { linktype }));
        expect(r.error).toBeUndefined();
        expect(r.stats.linktypes).toEqual([name]);
        expectScan(r.evs, v6);
      });
    }
  }

  it('counts frames it cannot decode instead of failing', async () => {
    const arp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);
    const r = await read(pcapFile([{ time: T0, data: arp }, { time: T0, data: Buffer.alloc(5) }, ...udpFrames(1)], { linktype: 1 }));
    expect(r.error).toBeUndefined();
    expect(r.stats.skipped).toEqual({ 'not-ip': 1, short: 1 });
    expect(r.evs.map((e) => e.packet)).toEqual([3, 4, 6]);
  });
});

describe('pcapng', () => {
  for (const le of [true, false]) {
    it(`reads a ${le ? 'little' : 'big'}-endian file with per-interface link types, timestamp resolution and skipped blocks`, async () => {
      const eth = udpFrames(1);
      const raw6 = udpFrames(101, true);
      const frames: FrameSpec[] = [
        { ...eth[0]!, iface: 0 },
        { ...raw6[0]!, iface: 1 },
        { ...eth[1]!, iface: 0 },
        { ...raw6[3]!, iface: 1 },
      ];
      const file = pcapngFile([{ linktype: 1 }, { linktype: 101, tsresol: 9 }], frames, { le, extraBlocks: true });
      for (const chunk of [0, 3, 64]) {
        const r = await read(file, chunk);
        expect(r.error).toBeUndefined();
        expect(r.stats).toMatchObject({ format: 'pcapng', frames: 4, linktypes: ['EN10MB', 'RAW'], sipMessages: 4 });
        expect(r.evs.map((e) => [e.packet, e.src!.addr, e.msg.method ?? e.msg.status])).toEqual([
          [1, '198.51.100.66', 'INVITE'],
          [2, '2001:db8::66', 'INVITE'],
          [3, '192.0.2.10', 180],
          [4, '2001:db8::10', 200],
        ]);
        expect(r.evs[1]!.time).toBeCloseTo(T0, 5);
        expect(r.evs[3]!.time).toBeCloseTo(T0 + 0.5, 5);
      }
    });
  }

  it('reads simple packet blocks (no timestamp)', async () => {
    const eth = udpFrames(113);
    const r = await read(
      pcapngFile(
        [{ linktype: 113, snaplen: 65535 }],
        eth.map((f) => ({ ...f, simple: true })),
      ),
    );
    expect(r.error).toBeUndefined();
    expect(r.evs.map((e) => e.packet)).toEqual([1, 2, 4]);
    expect(r.evs[0]!.time).toBeUndefined();
  });

  it('refuses a packet block for an interface that was never described', async () => {
    const file = pcapngFile([{ linktype: 1 }], [{ ...udpFrames(1)[0]!, iface: 3 }]);
    const r = await read(file);
    expect(r.error?.message).toMatch(/GG_ERR_TRACE_MALFORMED at byte offset \d+: packet block refers to interface 3/);
  });
});

describe('truncated and corrupt captures', () => {
  it('pcap cut at every offset: error names the record that was cut; every whole record before it is delivered', async () => {
    const file = pcapFile(udpFrames(1), { linktype: 1 });
    const records = pcapRecordOffsets(file);
    const sipFrames = [1, 2, 4];
    for (let cut = 0; cut < file.length; cut++) {
      const r = await read(file.subarray(0, cut), 13);
      const recordStart = cut < 24 ? 0 : records.filter((o) => o <= cut).pop()!;
      if (cut >= 24 && cut === recordStart) {
        // cut exactly between records: a valid (shorter) file
        expect(r.error, `cut at ${cut}`).toBeUndefined();
        continue;
      }
      expect(r.error, `cut at ${cut}`).toBeInstanceOf(TraceMalformedError);
      expect(r.error!.offset, `cut at ${cut}`).toBe(recordStart);
      expect(r.error!.message).toMatch(
        new RegExp(`^GG_ERR_TRACE_MALFORMED at byte offset ${recordStart}: ${cut === 0 ? 'empty file' : 'truncated capture'}`),
      );
      const whole = records.filter((o) => o < recordStart).length;
      expect(
        r.evs.map((e) => e.packet),
        `cut at ${cut}`,
      ).toEqual(sipFrames.filter((n) => n <= whole));
      expect(r.stats.bytes).toBe(recordStart === 0 && cut < 24 ? 0 : recordStart);
    }
  });

  it('pcapng cut at every offset: same guarantees', async () => {
    const file = pcapngFile([{ linktype: 1 }], udpFrames(1), { le: false });
    const blocks = pcapngBlockOffsets(file, false);
    for (let cut = 1; cut < file.length; cut++) {
      const r = await read(file.subarray(0, cut), 11);
      const blockStart = blocks.filter((o) => o <= cut).pop()!;
      if (cut === blockStart) {
        // cut exactly between blocks: a valid (shorter) file
        expect(r.error, `cut at ${cut}`).toBeUndefined();
        continue;
      }
      expect(r.error, `cut at ${cut}`).toBeInstanceOf(TraceMalformedError);
      expect(r.error!.offset, `cut at ${cut}`).toBe(blockStart);
      const packetsBefore = blocks.filter((o) => o < blockStart).length - 2; // minus SHB and IDB
      expect(r.evs.map((e) => e.packet)).toEqual([1, 2, 4].filter((n) => n <= packetsBefore));
    }
  });

  it('a record claiming an impossible length is corrupt at that record', async () => {
    const file = pcapFile(udpFrames(1), { linktype: 1 });
    const records = pcapRecordOffsets(file);
    const bad = Buffer.from(file);
    bad.writeUInt32LE(0x7fffffff, records[2]! + 8);
    const r = await read(bad);
    expect(r.error!.offset).toBe(records[2]);
    expect(r.error!.message).toMatch(/packet record #3 claims 2147483647 captured bytes/);
    expect(r.evs.map((e) => e.packet)).toEqual([1, 2]);
  });

  it('a pcapng block whose trailing length disagrees is corrupt', async () => {
    const file = pcapngFile([{ linktype: 1 }], udpFrames(1));
    const blocks = pcapngBlockOffsets(file);
    const bad = Buffer.from(file);
    const third = blocks[3]!; // SHB, IDB, EPB#1, EPB#2
    const len = bad.readUInt32LE(third + 4);
    bad.writeUInt32LE(len + 4, third + len - 4);
    const r = await read(bad);
    expect(r.error!.offset).toBe(third + len - 4);
    expect(r.evs.map((e) => e.packet)).toEqual([1]);
  });

  it('binary garbage and an empty file are refused at offset 0', async () => {
    const r = await read(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 0, 0, 0]));
    expect(r.error!.offset).toBe(0);
    expect(r.error!.message).toMatch(/not a pcap, pcapng or text SIP log \(first bytes 0xdeadbeef\)/);
    const e = await read(Buffer.alloc(0));
    expect(e.error!.message).toBe('GG_ERR_TRACE_MALFORMED at byte offset 0: empty file');
  });
});

describe('TCP', () => {
  const A = { src: '198.51.100.7', dst: '192.0.2.13', sport: 40123, dport: 5060 };
  const B = { src: A.dst, dst: A.src, sport: 5060, dport: 40123 };
  const inv = request('INVITE', 'sip:1001@192.0.2.13', { callId: 'tcp-1', body: 'v=0\r\no=- 1 1 IN IP4 198.51.100.7\r\ns=-\r\n' });
  const opt = request('OPTIONS', 'sip:1001@192.0.2.13', { callId: 'tcp-2' });
  const ring = response(inv, 180, 'Ringing');
  const tcp = (p: typeof A, seq: number, payload: string | Buffer, flags?: { syn?: boolean; fin?: boolean; rst?: boolean }) =>
    link(1, ipPacket({ ...p, proto: 'tcp', tcp: { seq, flags: flags ?? {} }, payload }));

  it('reassembles a message split over segments, out of order and retransmitted, and splits two messages in one segment', async () => {
    const bytes = Buffer.from(inv + opt);
    const isn = 0xfffffff0; // sequence numbers wrap inside the stream
    const s1 = bytes.subarray(0, 50);
    const s3 = bytes.subarray(170);
    const frames: FrameSpec[] = [
      { time: T0, data: tcp(A, isn, '', { syn: true }) },
      { time: T0, data: tcp(B, 1000, '', { syn: true }) },
      { time: T0 + 0.01, data: tcp(A, isn + 1, s1) },
      { time: T0 + 0.02, data: tcp(A, (isn + 1 + 170) >>> 0, s3) }, // early
      { time: T0 + 0.03, data: tcp(A, isn + 1, s1) }, // retransmission
      { time: T0 + 0.04, data: tcp(A, (isn + 1 + 40) >>> 0, bytes.subarray(40, 170)) }, // overlaps s1, fills the hole
      { time: T0 + 0.05, data: tcp(B, 1001, Buffer.from(ring).subarray(0, 30)) },
      { time: T0 + 0.06, data: tcp(B, 1031, Buffer.from(ring).subarray(30)) },
      { time: T0 + 0.07, data: tcp(A, (isn + 1 + bytes.length) >>> 0, '', { fin: true }) },
    ];
    for (const chunk of [0, 17]) {
      const r = await read(pcapFile(frames, { linktype: 1 }), chunk);
      expect(r.error).toBeUndefined();
      expect(r.evs.map((e) => [e.packet, e.transport, e.msg.method ?? e.msg.status, e.msg.callId])).toEqual([
        [6, 'tcp', 'INVITE', 'tcp-1'],
        [6, 'tcp', 'OPTIONS', 'tcp-2'],
        [8, 'tcp', 180, 'tcp-1'],
      ]);
      expect(r.evs[0]!.msg.body).toMatch(/^v=0\r\no=- 1 1 IN IP4/);
      expect(r.evs[0]!.src).toEqual({ addr: A.src, port: A.sport });
    }
  });

  it('ignores non-SIP streams, picks up a stream mid-way and bounds the number of flows', async () => {
    const http = { ...A, dport: 80 };
    const frames: FrameSpec[] = [
      { time: T0, data: tcp(http, 1, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
      { time: T0, data: tcp(http, 28, request('INVITE', 'sip:x@y')) }, // same flow, already judged not SIP
      { time: T0, data: tcp(A, 5000, '\r\n\r\n' + inv) }, // keep-alive CRLFs, no SYN seen
    ];
    for (let i = 0; i < 10; i++)
      frames.push({ time: T0, data: tcp({ ...A, sport: 41000 + i }, 1, 'INVITE sip:partial@192.0.2.13 SIP/2.0\r\nVia: x') });
    frames.push({ time: T0, data: tcp({ ...A, sport: 41000 }, 43, '\r\nCall-ID: lost\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n') });
    const r = await read(pcapFile(frames, { linktype: 1 }), 0, { maxFlows: 4, maxFlowBytes: 4096, maxOutOfOrder: 4 });
    expect(r.evs.map((e) => e.msg.callId)).toEqual(['tcp-1']);
    // the HTTP flow, and the evicted flow whose tail arrives without its start line
    expect(r.stats.tcp.nonSip).toBe(2);
    expect(r.stats.tcp.evicted).toBeGreaterThanOrEqual(8);
  });

  it('gives up on a message larger than the per-flow cap without growing', async () => {
    const head = 'INVITE sip:x@192.0.2.13 SIP/2.0\r\nCall-ID: big\r\nCSeq: 1 INVITE\r\nContent-Length: 100000\r\n\r\n';
    const frames: FrameSpec[] = [{ time: T0, data: tcp(A, 1, head) }];
    let seqNo = 1 + head.length;
    for (let i = 0; i < 10; i++) {
      frames.push({ time: T0, data: tcp(A, seqNo, Buffer.alloc(1000, 0x61)) });
      seqNo += 1000;
    }
    const r = await read(pcapFile(frames, { linktype: 1 }), 0, { maxFlows: 4, maxFlowBytes: 4096, maxOutOfOrder: 4 });
    expect(r.evs).toHaveLength(0);
    expect(r.stats.tcp.oversized).toBeGreaterThanOrEqual(1);
  });
});
