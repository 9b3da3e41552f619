/**
 * Classic libpcap file reader (both byte orders, microsecond and nanosecond magic), as a push parser over a bounded buffer.
 *
 * Why hand-written: the npm registry offers `pcap` (a native libpcap binding built with node-gyp against libpcap headers,
 * meant for live capture; a native build step we do not want for reading files) and `pcap-parser` (0.2.x, classic pcap
 * only — no pcapng, no nanosecond magic — and unmaintained for years). Neither reads pcapng, which tshark and Wireshark
 * write by default. The formats are small and fully specified (tcpdump.org pcap(5), IETF draft-ietf-opsawg-pcap), so a
 * few dozen lines of our own, with bounds checks and exact error offsets, are safer than either dependency.
 */
import { MAX_FRAME_BYTES, TraceMalformedError, type Frame } from './frame.js';

export interface RecordParser {
  /** Consumes whole records from `buf` (which starts at file offset `base`); returns how many bytes it used. */
  parse(buf: Buffer, base: number): number;
  /** End of input with `rest` unconsumed bytes at offset `base`: throws when they are a cut-off record. */
  end(rest: Buffer, base: number): void;
  /** link types seen, in order */
  readonly linktypes: number[];
  readonly frames: number;
}

export const PCAP_MAGICS = [0xa1b2c3d4, 0xa1b23c4d] as const;

export function isPcapMagic(head: Buffer): boolean {
  if (head.length < 4) return false;
  const be = head.readUInt32BE(0);
  const le = head.readUInt32LE(0);
  return (PCAP_MAGICS as readonly number[]).includes(be) || (PCAP_MAGICS as readonly number[]).includes(le);
}

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapReader implements RecordParser {
  private header?: { le: boolean; nano: boolean; linktype: number; snaplen: number };
  frames = 0;
  linktypes: number[] = [];

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  parse(buf: Buffer, base: number): number {
    let pos = 0;
    if (!this.header) {
      if (buf.length < GLOBAL_HEADER) return 0;
      const be = buf.readUInt32BE(0);
      const le = buf.readUInt32LE(0);
      const little = (PCAP_MAGICS as readonly number[]).includes(le);
      if (!little && !(PCAP_MAGICS as readonly number[]).includes(be))
        throw new TraceMalformedError(base, `not a pcap file (magic 0x${be.toString(16).padStart(8, '0')})`);
      const u32 = (o: number) => (little ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
      const magic = little ? le : be;
      const major = little ? buf.readUInt16LE(4) : buf.readUInt16BE(4);
      if (major !== 2) throw new TraceMalformedError(base + 4, `unsupported pcap version ${major}`);
      // The link type is the low 16 bits; the upper bits may carry the FCS length (pcap(5)).
      const linktype = u32(20) & 0xffff;
      this.header = { le: little, nano: magic === 0xa1b23c4d, linktype, snaplen: u32(16) };
      this.linktypes.push(linktype);
      pos = GLOBAL_HEADER;
    }
    const { le, nano, linktype } = this.header;
    // trust a larger snaplen from the header, but never buffer more than 16 MiB for one record
    const limit = Math.min(Math.max(MAX_FRAME_BYTES, this.header.snaplen), 16 * 1024 * 1024);
    while (buf.length - pos >= RECORD_HEADER) {
      const sec = le ? buf.readUInt32LE(pos) : buf.readUInt32BE(pos);
      const frac = le ? buf.readUInt32LE(pos + 4) : buf.readUInt32BE(pos + 4);
      const incl = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      const orig = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
      if (incl > limit) {
        throw new TraceMalformedError(
          base + pos,
          `packet record #${this.frames + 1} claims ${incl} captured bytes (more than the ${limit}-byte limit): corrupt record`,
        );
      }
      if (frac >= (nano ? 1e9 : 1e6)) {
        throw new TraceMalformedError(
          base + pos + 4,
          `packet record #${this.frames + 1} has an impossible timestamp fraction ${frac}: corrupt record`,
        );
      }
      if (buf.length - pos - RECORD_HEADER < incl) break;
      const start = pos + RECORD_HEADER;
      this.frames++;
      this.onFrame({
        number: this.frames,
        time: sec + frac / (nano ? 1e9 : 1e6),
        offset: base + pos,
        linktype,
        data: buf.subarray(start, start + incl),
        origLen: Math.max(orig, incl),
      });
      pos = start + incl;
    }
    return pos;
  }

  end(rest: Buffer, base: number): void {
    if (!this.header) {
      throw new TraceMalformedError(
        base,
        `truncated capture: the ${GLOBAL_HEADER}-byte pcap file header is cut off after ${rest.length} bytes`,
      );
    }
    if (rest.length === 0) return;
    const le = this.header.le;
    const need = rest.length >= RECORD_HEADER ? RECORD_HEADER + (le ? rest.readUInt32LE(8) : rest.readUInt32BE(8)) : RECORD_HEADER;
    throw new TraceMalformedError(
      base,
      `truncated capture: packet record #${this.frames + 1} needs ${need} bytes, the file ends ${rest.length} bytes into it (at byte ${base + rest.length})`,
    );
  }
}
