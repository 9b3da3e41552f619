/** Writes pcap / pcapng bytes and IPv4/IPv6 UDP/TCP packets by hand, for synthetic captures in tests. */

export interface SipOpts {
  callId?: string;
  branch?: string;
  cseq?: number;
  ua?: string;
  from?: string;
  to?: string;
  body?: string;
  via?: string;
  contact?: string;
}

let seq = 0;

export function request(method: string, uri: string, o: SipOpts = {}): string {
  seq++;
  const body = o.body ?? '';
  const lines = [
    `${method} ${uri} SIP/2.0`,
    `Via: ${o.via ?? `SIP/2.0/UDP 192.0.2.1:5060;branch=${o.branch ?? `z9hG4bK-${seq}`}`}`,
    'Max-Forwards: 70',
    `From: ${o.from ?? '<sip:caller@192.0.2.1>;tag=f1'}`,
    `To: ${o.to ?? `<${uri}>`}`,
    `Call-ID: ${o.callId ?? `call-${seq}`}`,
    `CSeq: ${o.cseq ?? 1} ${method}`,
    ...(o.contact ? [`Contact: ${o.contact}`] : []),
    ...(o.ua ? [`User-Agent: ${o.ua}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

/** A response to `req` (copies Via, From, To (+tag), Call-ID, CSeq). */
export function response(req: string, status: number, reason: string, o: { toTag?: string; body?: string; server?: string } = {}): string {
  const get = (name: string) => req.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))!;
  const body = o.body ?? '';
  const to = get('To') + (status > 100 ? `;tag=${o.toTag ?? 't1'}` : '');
  return [
    `SIP/2.0 ${status} ${reason}`,
    get('Via'),
    get('From'),
    to,
    get('Call-ID'),
    get('CSeq'),
    ...(o.server ? [`Server: ${o.server}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function v4(addr: string): number[] {
  return addr.split('.').map(Number);
}

function v6(addr: string): number[] {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const t = tail ? tail.split(':').filter(Boolean) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

export interface Tcp {
  seq: number;
  flags?: { syn?: boolean; fin?: boolean; rst?: boolean; ack?: boolean };
}

function l4(proto: 'udp' | 'tcp', sport: number, dport: number, payload: Buffer, tcp?: Tcp): Buffer {
  if (proto === 'udp') {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(sport, 0);
    h.writeUInt16BE(dport, 2);
    h.writeUInt16BE(8 + payload.length, 4);
    return Buffer.concat([h, payload]);
  }
  const h = Buffer.alloc(20);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt32BE(tcp!.seq >>> 0, 4);
  h.writeUInt32BE(1, 8);
  h[12] = 5 << 4;
  const f = tcp!.flags ?? {};
  h[13] = (f.fin ? 1 : 0) | (f.syn ? 2 : 0) | (f.rst ? 4 : 0) | 0x08 | (f.ack === false ? 0 : 0x10);
  h.writeUInt16BE(65535, 14);
  return Buffer.concat([h, payload]);
}

export interface PacketSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: 'udp' | 'tcp';
  tcp?: Tcp;
  payload: string | Buffer;
}

/** An IP packet (v4 or v6, by the address form). */
export function ipPacket(p: PacketSpec): Buffer {
  const payload = typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload;
  const proto = p.proto ?? 'udp';
  const seg = l4(proto, p.sport, p.dport, payload, p.tcp);
  if (p.src.includes(':')) {
    const h = Buffer.alloc(40);
    h[0] = 0x60;
    h.writeUInt16BE(seg.length, 4);
    h[6] = proto === 'udp' ? 17 : 6;
    h[7] = 64;
    Buffer.from(v6(p.src)).copy(h, 8);
    Buffer.from(v6(p.dst)).copy(h, 24);
    return Buffer.concat([h, seg]);
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + seg.length, 2);
  h.writeUInt16BE(0x4000, 6);
  h[8] = 64;
  h[9] = proto === 'udp' ? 17 : 6;
  Buffer.from(v4(p.src)).copy(h, 12);
  Buffer.from(v4(p.dst)).copy(h, 16);
  return Buffer.concat([h, seg]);
}

/** Wraps an IP packet in a link-layer header. */
export function link(linktype: number, ip: Buffer, opts: { le?: boolean; vlan?: boolean } = {}): Buffer {
  const v6pkt = ip[0]! >> 4 === 6;
  const etype = v6pkt ? 0x86dd : 0x0800;
  switch (linktype) {
    case 1: {
      const h = Buffer.alloc(opts.vlan ? 18 : 14);
      Buffer.from([0, 0x15, 0x65, 0, 0, 1, 0, 0x0b, 0x82, 0, 0, 2]).copy(h, 0);
      if (opts.vlan) {
        h.writeUInt16BE(0x8100, 12);
        h.writeUInt16BE(42, 14);
        h.writeUInt16BE(etype, 16);
      } else h.writeUInt16BE(etype, 12);
      return Buffer.concat([h, ip]);
    }
    case 113: {
      const h = Buffer.alloc(16);
      h.writeUInt16BE(0, 0);
      h.writeUInt16BE(772, 2);
      h.writeUInt16BE(6, 4);
      h.writeUInt16BE(etype, 14);
      return Buffer.concat([h, ip]);
    }
    case 276: {
      const h = Buffer.alloc(20);
      h.writeUInt16BE(etype, 0);
      h.writeUInt32BE(1, 4);
      h.writeUInt16BE(772, 8);
      return Buffer.concat([h, ip]);
    }
    case 101:
      return ip;
    case 0: {
      const h = Buffer.alloc(4);
      const af = v6pkt ? 30 : 2;
      if (opts.le ?? true) h.writeUInt32LE(af, 0);
      else h.writeUInt32BE(af, 0);
      return Buffer.concat([h, ip]);
    }
    default:
      throw new Error(`no test link ${linktype}`);
  }
}

export interface FrameSpec {
  time: number;
  data: Buffer;
  /** pcapng interface */
  iface?: number;
  /** pcapng: write a simple packet block */
  simple?: boolean;
}

export function pcapFile(frames: FrameSpec[], o: { le?: boolean; nano?: boolean; linktype?: number; snaplen?: number } = {}): Buffer {
  const le = o.le ?? true;
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const g = Buffer.alloc(24);
  w32(g, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(g, 2, 4);
  w16(g, 4, 6);
  w32(g, o.snaplen ?? 262144, 16);
  w32(g, o.linktype ?? 1, 20);
  const parts: Buffer[] = [g];
  for (const f of frames) {
    const h = Buffer.alloc(16);
    const sec = Math.floor(f.time);
    const frac = Math.round((f.time - sec) * (o.nano ? 1e9 : 1e6));
    w32(h, sec, 0);
    w32(h, frac, 4);
    w32(h, f.data.length, 8);
    w32(h, f.data.length, 12);
    parts.push(h, f.data);
  }
  return Buffer.concat(parts);
}

export interface PcapngInterface {
  linktype: number;
  /** if_tsresol byte (default 6 = microseconds) */
  tsresol?: number;
  snaplen?: number;
}

export function pcapngFile(interfaces: PcapngInterface[], frames: FrameSpec[], o: { le?: boolean; extraBlocks?: boolean } = {}): Buffer {
  const le = o.le ?? true;
  const w32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const w16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const block = (type: number, body: Buffer): Buffer => {
    const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
    const len = 12 + padded.length;
    const b = Buffer.alloc(len);
    w32(b, type, 0);
    w32(b, len, 4);
    padded.copy(b, 8);
    w32(b, len, len - 4);
    return b;
  };
  const option = (code: number, value: Buffer) => {
    const h = Buffer.alloc(4);
    w16(h, code, 0);
    w16(h, value.length, 2);
    return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
  };
  const shbBody = Buffer.alloc(16);
  w32(shbBody, 0x1a2b3c4d, 0);
  w16(shbBody, 1, 4);
  w16(shbBody, 0, 6);
  shbBody.fill(0xff, 8, 16);
  const parts = [block(0x0a0d0d0a, Buffer.concat([shbBody, option(4, Buffer.from('ghostguard test')), option(0, Buffer.alloc(0))]))];
  for (const i of interfaces) {
    const b = Buffer.alloc(8);
    w16(b, i.linktype, 0);
    w32(b, i.snaplen ?? 0, 4);
    const opts = [option(2, Buffer.from('lo'))];
    if (i.tsresol !== undefined) opts.push(option(9, Buffer.from([i.tsresol])));
    opts.push(option(0, Buffer.alloc(0)));
    parts.push(block(1, Buffer.concat([b, ...opts])));
  }
  if (o.extraBlocks) parts.push(block(4, Buffer.from([0, 0, 0, 0]))); // name resolution block, empty
  for (const f of frames) {
    if (f.simple) {
      const b = Buffer.alloc(4);
      w32(b, f.data.length, 0);
      parts.push(block(3, Buffer.concat([b, f.data])));
      continue;
    }
    const iface = interfaces[f.iface ?? 0] ?? interfaces[0]!;
    const res = iface.tsresol ?? 6;
    const units = (BigInt(Math.round(f.time * 1e6)) * 10n ** BigInt(res)) / 1_000_000n;
    const b = Buffer.alloc(20);
    w32(b, f.iface ?? 0, 0);
    w32(b, Number(units >> 32n), 4);
    w32(b, Number(units & 0xffffffffn), 8);
    w32(b, f.data.length, 12);
    w32(b, f.data.length, 16);
    parts.push(
      block(
        6,
        Buffer.concat([b, f.data, Buffer.alloc((4 - (f.data.length % 4)) % 4), option(1, Buffer.from('c')), option(0, Buffer.alloc(0))]),
      ),
    );
  }
  if (o.extraBlocks) {
    const isb = Buffer.alloc(12);
    parts.push(block(5, isb)); // interface statistics block
  }
  return Buffer.concat(parts);
}

/** Offsets of each record/block after the file header (pcap: 24 + records; pcapng: every block). */
export function pcapRecordOffsets(file: Buffer, le = true): number[] {
  const out: number[] = [];
  let at = 24;
  while (at < file.length) {
    out.push(at);
    at += 16 + (le ? file.readUInt32LE(at + 8) : file.readUInt32BE(at + 8));
  }
  return out;
}

export function pcapngBlockOffsets(file: Buffer, le = true): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < file.length) {
    out.push(at);
    at += le ? file.readUInt32LE(at + 4) : file.readUInt32BE(at + 4);
  }
  return out;
}
