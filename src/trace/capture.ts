/**
 * Reads a capture from a stream — pcap, pcapng or a plain-text SIP log, told apart by the first bytes — and hands on
 * every SIP message found (UDP datagrams, TCP streams reassembled) as it goes. Memory stays bounded: the read buffer
 * holds at most one chunk plus one unfinished record, TCP state is capped (see tcp-reassembly.ts).
 * A truncated or corrupt capture throws TraceMalformedError after everything before the bad offset was delivered;
 * `stats` is filled in as reading goes, so it is valid after a throw too.
 */
import { Readable } from 'node:stream';
import { decodeFrame, type DecodeSkip } from './decode.js';
import { TraceMalformedError, linktypeName, type Frame, type SipEvent } from './frame.js';
import { PcapReader, isPcapMagic, type RecordParser } from './pcap-reader.js';
import { PcapngReader, isPcapngMagic } from './pcapng-reader.js';
import { parseDatagram, type SipMessage } from './sip-parse.js';
import { DEFAULT_TCP_LIMITS, TcpReassembler, type TcpLimits, type TcpStats } from './tcp-reassembly.js';
import { readTextLog } from './text-log-reader.js';

export type CaptureFormat = 'pcap' | 'pcapng' | 'text';

export interface CaptureStats {
  format: CaptureFormat | 'unknown';
  /** bytes consumed from the input */
  bytes: number;
  /** frames (pcap/pcapng) or lines (text) */
  frames: number;
  linktypes: string[];
  sipMessages: number;
  sipUdp: number;
  sipTcp: number;
  sipLog: number;
  /** frames not decoded to UDP/TCP, by reason */
  skipped: Partial<Record<DecodeSkip, number>>;
  tcp: TcpStats;
  firstTime?: number;
  lastTime?: number;
}

export function emptyStats(): CaptureStats {
  return {
    format: 'unknown',
    bytes: 0,
    frames: 0,
    linktypes: [],
    sipMessages: 0,
    sipUdp: 0,
    sipTcp: 0,
    sipLog: 0,
    skipped: {},
    tcp: { flows: 0, evicted: 0, gaps: 0, nonSip: 0, oversized: 0 },
  };
}

export interface ReadOptions {
  tcp?: TcpLimits;
}

const SNIFF_BYTES = 4096;

/** Text if the first bytes hold no NUL, almost no other control characters, and mostly ASCII. */
function looksLikeText(head: Buffer): boolean {
  let odd = 0;
  let high = 0;
  for (const c of head) {
    if (c === 0) return false;
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c === 0x7f) odd++;
    else if (c >= 0x80) high++;
  }
  return odd <= head.length / 100 && high <= head.length * 0.3;
}

const MAGIC_PREFIXES = ['a1b2c3d4', 'd4c3b2a1', 'a1b23c4d', '4d3cb2a1', '0a0d0d0a'];

export async function readCapture(
  stream: Readable,
  emit: (ev: SipEvent) => void,
  stats: CaptureStats,
  options: ReadOptions = {},
): Promise<void> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let have = 0;
  let done = false;
  try {
    while (have < SNIFF_BYTES) {
      const r = await it.next();
      if (r.done) {
        done = true;
        break;
      }
      const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      chunks.push(b);
      have += b.length;
    }
    const head = Buffer.concat(chunks);
    const rest = async function* (): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
      }
    };
    const note = (t: number | undefined) => {
      if (t === undefined) return;
      if (stats.firstTime === undefined) stats.firstTime = t;
      stats.lastTime = t;
    };
    if (isPcapMagic(head) || isPcapngMagic(head)) {
      stats.format = isPcapMagic(head) ? 'pcap' : 'pcapng';
      const onSip = (
        msg: SipMessage,
        t: { proto: 'udp' | 'tcp'; src: string; dst: string; srcPort: number; dstPort: number },
        frame: Frame,
      ) => {
        stats.sipMessages++;
        if (t.proto === 'udp') stats.sipUdp++;
        else stats.sipTcp++;
        emit({
          packet: frame.number,
          time: frame.time,
          transport: t.proto,
          src: { addr: t.src, port: t.srcPort },
          dst: { addr: t.dst, port: t.dstPort },
          msg,
        });
      };
      const tcp = new TcpReassembler(onSip, options.tcp ?? DEFAULT_TCP_LIMITS);
      stats.tcp = tcp.stats;
      const onFrame = (frame: Frame) => {
        stats.frames = frame.number;
        note(frame.time);
        const t = decodeFrame(frame.linktype, frame.data);
        if (typeof t === 'string') {
          stats.skipped[t] = (stats.skipped[t] ?? 0) + 1;
          return;
        }
        if (t.proto === 'udp') {
          if (t.payload.length < 8) return;
          const msg = parseDatagram(t.payload);
          if (msg) onSip(msg, t, frame);
        } else {
          tcp.segment(t, frame);
        }
      };
      const parser: RecordParser = stats.format === 'pcap' ? new PcapReader(onFrame) : new PcapngReader(onFrame);
      const syncLinktypes = () => {
        stats.linktypes = [...new Set(parser.linktypes.map(linktypeName))];
      };
      let pending: Buffer = Buffer.alloc(0);
      try {
        for await (const chunk of rest()) {
          const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          const used = parser.parse(buf, stats.bytes);
          stats.bytes += used;
          pending = buf.subarray(used);
          // never hold on to a large chunk for a small remainder
          if (pending.length && pending.length < buf.length / 4) pending = Buffer.from(pending);
        }
        parser.end(pending, stats.bytes);
      } finally {
        syncLinktypes();
      }
      return;
    }
    if (head.length === 0) throw new TraceMalformedError(0, 'empty file');
    if (head.length < 4 && MAGIC_PREFIXES.some((m) => m.startsWith(head.toString('hex')))) {
      throw new TraceMalformedError(0, `truncated capture: the file ends after ${head.length} bytes of its header`);
    }
    if (!looksLikeText(head.subarray(0, SNIFF_BYTES))) {
      const magic = head.length >= 4 ? `0x${head.readUInt32BE(0).toString(16).padStart(8, '0')}` : `${head.length} bytes only`;
      throw new TraceMalformedError(0, `not a pcap, pcapng or text SIP log (first bytes ${magic})`);
    }
    stats.format = 'text';
    const text = { lines: 0, bytes: 0, messages: 0 };
    try {
      await readTextLog(
        Readable.from(rest()),
        (ev) => {
          stats.sipMessages++;
          stats.sipLog++;
          note(ev.time);
          emit(ev);
        },
        text,
      );
    } finally {
      stats.frames = text.lines;
      stats.bytes = text.bytes;
    }
  } finally {
    await it.return?.();
  }
}
