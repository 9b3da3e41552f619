/**
 * pcapng reader (IETF draft-ietf-opsawg-pcapng): section header, interface description (link type, if_tsresol,
 * if_tsoffset per interface), enhanced / simple / obsolete packet blocks, both byte orders, several sections.
 * Other blocks (name resolution, statistics, secrets, custom) are skipped. Hand-written for the reasons given at the
 * top of pcap-reader.ts: no maintained npm library reads pcapng.
 */
import { MAX_FRAME_BYTES, TraceMalformedError, type Frame } from './frame.js';
import type { RecordParser } from './pcap-reader.js';

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const PB = 0x00000002;
const SPB = 0x00000003;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Largest block accepted: a maximal frame plus headers and options. */
const MAX_BLOCK = MAX_FRAME_BYTES + 64 * 1024;

export function isPcapngMagic(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === SHB;
}

interface Interface {
  linktype: number;
  snaplen: number;
  /** timestamp units per second */
  unitsPerSecond: number;
  offsetSeconds: number;
}

export class PcapngReader implements RecordParser {
  private le = true;
  private inSection = false;
  private interfaces: Interface[] = [];
  frames = 0;
  linktypes: number[] = [];

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  private u32(buf: Buffer, o: number): number {
    return this.le ? buf.readUInt32LE(o) : buf.readUInt32BE(o);
  }

  private u16(buf: Buffer, o: number): number {
    return this.le ? buf.readUInt16LE(o) : buf.readUInt16BE(o);
  }

  parse(buf: Buffer, base: number): number {
    let pos = 0;
    for (;;) {
      const avail = buf.length - pos;
      if (avail < 12) return pos;
      const at = base + pos;
      const type = buf.readUInt32BE(pos) === SHB ? SHB : this.u32(buf, pos);
      if (type === SHB) {
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (buf.readUInt32BE(pos + 8) === BYTE_ORDER_MAGIC) this.le = false;
        else throw new TraceMalformedError(at + 8, `section header block with an unknown byte-order magic 0x${bom.toString(16)}`);
        this.inSection = true;
        this.interfaces = [];
      } else if (!this.inSection) {
        throw new TraceMalformedError(at, `not a pcapng file: the first block is 0x${type.toString(16)}, not a section header`);
      }
      const len = this.u32(buf, pos + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_BLOCK) {
        throw new TraceMalformedError(at + 4, `block of type 0x${type.toString(16)} has an impossible length ${len}: corrupt block`);
      }
      if (avail < len) return pos;
      if (this.u32(buf, pos + len - 4) !== len) {
        throw new TraceMalformedError(
          at + len - 4,
          `block of type 0x${type.toString(16)} at byte ${at}: trailing length ${this.u32(buf, pos + len - 4)} differs from ${len}: corrupt block`,
        );
      }
      const block = buf.subarray(pos, pos + len);
      if (type === IDB) this.interfaceBlock(block, at);
      else if (type === EPB || type === PB) this.packetBlock(block, at, type);
      else if (type === SPB) this.simpleBlock(block, at);
      pos += len;
    }
  }

  private interfaceBlock(b: Buffer, at: number): void {
    if (b.length < 20) throw new TraceMalformedError(at, 'interface description block too short');
    const iface: Interface = { linktype: this.u16(b, 8), snaplen: this.u32(b, 12), unitsPerSecond: 1e6, offsetSeconds: 0 };
    let o = 16;
    while (o + 4 <= b.length - 4) {
      const code = this.u16(b, o);
      const olen = this.u16(b, o + 2);
      if (code === 0) break;
      if (o + 4 + olen > b.length - 4) throw new TraceMalformedError(at + o, 'interface option runs past the end of its block');
      if (code === 9 && olen >= 1) {
        const v = b[o + 4]!;
        iface.unitsPerSecond = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === 14 && olen >= 8) {
        iface.offsetSeconds = Number(this.le ? b.readBigInt64LE(o + 4) : b.readBigInt64BE(o + 4));
      }
      o += 4 + olen + ((4 - (olen % 4)) % 4);
    }
    this.interfaces.push(iface);
    if (!this.linktypes.includes(iface.linktype)) this.linktypes.push(iface.linktype);
  }

  private iface(id: number, at: number): Interface {
    const iface = this.interfaces[id];
    if (!iface)
      throw new TraceMalformedError(at, `packet block refers to interface ${id}, but only ${this.interfaces.length} are described`);
    return iface;
  }

  private packetBlock(b: Buffer, at: number, type: number): void {
    if (b.length < 32) throw new TraceMalformedError(at, 'packet block too short');
    const id = type === EPB ? this.u32(b, 8) : this.u16(b, 8);
    const iface = this.iface(id, at);
    const high = this.u32(b, 12);
    const low = this.u32(b, 16);
    const caplen = this.u32(b, 20);
    const orig = this.u32(b, 24);
    if (28 + caplen > b.length - 4) {
      throw new TraceMalformedError(
        at + 20,
        `packet block #${this.frames + 1} claims ${caplen} captured bytes, more than its block holds: corrupt block`,
      );
    }
    const u = iface.unitsPerSecond;
    const time = iface.offsetSeconds + (high * 4294967296) / u + low / u;
    this.frames++;
    this.onFrame({
      number: this.frames,
      time,
      offset: at,
      linktype: iface.linktype,
      data: b.subarray(28, 28 + caplen),
      origLen: Math.max(orig, caplen),
    });
  }

  private simpleBlock(b: Buffer, at: number): void {
    if (b.length < 16) throw new TraceMalformedError(at, 'simple packet block too short');
    const iface = this.iface(0, at);
    const orig = this.u32(b, 8);
    let caplen = Math.min(orig, b.length - 16);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    this.frames++;
    this.onFrame({
      number: this.frames,
      time: undefined,
      offset: at,
      linktype: iface.linktype,
      data: b.subarray(12, 12 + caplen),
      origLen: orig,
    });
  }

  end(rest: Buffer, base: number): void {
    if (rest.length === 0) {
      if (!this.inSection) throw new TraceMalformedError(base, 'truncated capture: empty pcapng file');
      return;
    }
    let need = 12;
    if (rest.length >= 8) {
      const isShb = rest.readUInt32BE(0) === SHB;
      if (!isShb || rest.length >= 12) {
        if (isShb) this.le = rest.readUInt32LE(8) === BYTE_ORDER_MAGIC;
        need = this.u32(rest, 4);
      }
    }
    throw new TraceMalformedError(
      base,
      `truncated capture: the block after packet #${this.frames} needs ${need} bytes, the file ends ${rest.length} bytes into it (at byte ${base + rest.length})`,
    );
  }
}
