/** Link, IP (v4/v6), UDP and TCP header decoding: offsets into the frame, no copies. Anything else yields undefined. */

export interface Transport {
  proto: 'udp' | 'tcp';
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** payload bytes (a view into the frame) */
  payload: Buffer;
  /** TCP only */
  seq?: number;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
}

export type DecodeSkip = 'link' | 'not-ip' | 'fragment' | 'not-udp-tcp' | 'short';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = [0x8100, 0x88a8, 0x9100];

/** Where the IP header starts, and its version; or why the frame is skipped. */
function ipStart(linktype: number, d: Buffer): { at: number; version?: 4 | 6 } | DecodeSkip {
  switch (linktype) {
    case 1: {
      if (d.length < 14) return 'short';
      let type = d.readUInt16BE(12);
      let at = 14;
      while (ETH_VLAN.includes(type)) {
        if (d.length < at + 4) return 'short';
        type = d.readUInt16BE(at + 2);
        at += 4;
      }
      return ethertype(type, at);
    }
    case 113:
      if (d.length < 16) return 'short';
      return ethertype(d.readUInt16BE(14), 16);
    case 276:
      if (d.length < 20) return 'short';
      return ethertype(d.readUInt16BE(0), 20);
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      return { at: 0 };
    case 0:
    case 108: {
      if (d.length < 4) return 'short';
      // NULL: address family in the capturing host's byte order; LOOP: network order.
      const af = linktype === 108 ? d.readUInt32BE(0) : d[0] !== 0 ? d.readUInt32LE(0) : d.readUInt32BE(0);
      if (af === 2) return { at: 4, version: 4 };
      if (af === 24 || af === 28 || af === 30 || af === 10) return { at: 4, version: 6 };
      return 'not-ip';
    }
    default:
      return 'link';
  }
}

function ethertype(type: number, at: number): { at: number; version: 4 | 6 } | DecodeSkip {
  if (type === ETH_IPV4) return { at, version: 4 };
  if (type === ETH_IPV6) return { at, version: 6 };
  return 'not-ip';
}

export function ipv4String(d: Buffer, o: number): string {
  return `${d[o]}.${d[o + 1]}.${d[o + 2]}.${d[o + 3]}`;
}

/** RFC 5952 text form (lower case, longest zero run compressed). */
export function ipv6String(d: Buffer, o: number): string {
  const parts: number[] = [];
  for (let i = 0; i < 8; i++) parts.push(d.readUInt16BE(o + i * 2));
  if (parts.slice(0, 5).every((p) => p === 0) && parts[5] === 0xffff) return `::ffff:${ipv4String(d, o + 12)}`;
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = parts.map((p) => p.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

const EXT_HEADERS = new Set([0, 43, 60, 51, 135, 139, 140]);

export function decodeFrame(linktype: number, d: Buffer): Transport | DecodeSkip {
  const start = ipStart(linktype, d);
  if (typeof start === 'string') return start;
  let at = start.at;
  if (d.length < at + 1) return 'short';
  const version = start.version ?? (d[at]! >> 4 === 6 ? 6 : d[at]! >> 4 === 4 ? 4 : undefined);
  if (version === undefined) return 'not-ip';
  let proto: number;
  let src: string;
  let dst: string;
  let end: number;
  if (version === 4) {
    if (d.length < at + 20) return 'short';
    const ihl = (d[at]! & 0x0f) * 4;
    if (ihl < 20 || d.length < at + ihl) return 'short';
    const total = d.readUInt16BE(at + 2);
    const frag = d.readUInt16BE(at + 6);
    if ((frag & 0x2000) !== 0 || (frag & 0x1fff) !== 0) return 'fragment';
    proto = d[at + 9]!;
    src = ipv4String(d, at + 12);
    dst = ipv4String(d, at + 16);
    // total 0 happens with TCP segmentation offload on the capturing host: trust the capture length then.
    end = total === 0 ? d.length : Math.min(d.length, at + total);
    at += ihl;
  } else {
    if (d.length < at + 40) return 'short';
    const payloadLen = d.readUInt16BE(at + 4);
    proto = d[at + 6]!;
    src = ipv6String(d, at + 8);
    dst = ipv6String(d, at + 24);
    end = payloadLen === 0 ? d.length : Math.min(d.length, at + 40 + payloadLen);
    at += 40;
    while (EXT_HEADERS.has(proto) || proto === 44) {
      if (proto === 44) return 'fragment';
      if (end < at + 8) return 'short';
      const next = d[at]!;
      const len = proto === 51 ? (d[at + 1]! + 2) * 4 : (d[at + 1]! + 1) * 8;
      proto = next;
      at += len;
    }
  }
  if (proto === 17) {
    if (end < at + 8) return 'short';
    const udpLen = d.readUInt16BE(at + 4);
    const stop = udpLen >= 8 ? Math.min(end, at + udpLen) : end;
    return { proto: 'udp', src, dst, srcPort: d.readUInt16BE(at), dstPort: d.readUInt16BE(at + 2), payload: d.subarray(at + 8, stop) };
  }
  if (proto === 6) {
    if (end < at + 20) return 'short';
    const off = (d[at + 12]! >> 4) * 4;
    if (off < 20 || end < at + off) return 'short';
    const flags = d[at + 13]!;
    return {
      proto: 'tcp',
      src,
      dst,
      srcPort: d.readUInt16BE(at),
      dstPort: d.readUInt16BE(at + 2),
      seq: d.readUInt32BE(at + 4),
      syn: (flags & 0x02) !== 0,
      fin: (flags & 0x01) !== 0,
      rst: (flags & 0x04) !== 0,
      payload: d.subarray(at + off, end),
    };
  }
  return 'not-udp-tcp';
}
