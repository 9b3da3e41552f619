/**
 * The PROXY protocol header a load balancer (HAProxy `send-proxy` / `send-proxy-v2`) puts before a connection's first
 * byte: version 1 (one text line) and version 2 (binary), as specified in HAProxy's doc/proxy-protocol.txt. Pure: bytes
 * in, a verdict out. Only TCP over IPv4/IPv6 names a source; LOCAL (v2) and UNKNOWN (v1) — the balancer's own health
 * checks — keep the connection's own address; anything else (UDP, unix sockets, malformed or oversized) is refused.
 */
import ipaddr from 'ipaddr.js';

export type ProxyHeader =
  | { state: 'incomplete' }
  | { state: 'invalid'; why: string }
  /** `length`: bytes the header takes (what follows belongs to TLS or HTTP); no `source`: keep the connection's own */
  | { state: 'complete'; length: number; source?: { address: string; port: number } };

/** the longest v1 line the spec allows, CRLF included */
export const V1_MAX_BYTES = 107;
/** v2 address block and TLVs accepted (the spec's worst TCP case is 36 bytes of addresses; TLVs add a few hundred) */
export const V2_MAX_PAYLOAD = 1024;

const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const PORT = /^(0|[1-9][0-9]{0,4})$/;

const incomplete: ProxyHeader = { state: 'incomplete' };
const invalid = (why: string): ProxyHeader => ({ state: 'invalid', why });

/** true while `buf` is still a prefix of (or starts with) `expected` */
const startsLike = (buf: Buffer, expected: Buffer): boolean =>
  buf.subarray(0, expected.length).equals(expected.subarray(0, Math.min(buf.length, expected.length)));

/** Reads the header at the start of `buf`: complete, incomplete (wait for more bytes) or invalid (close). */
export function readProxyHeader(buf: Buffer): ProxyHeader {
  if (buf.length === 0) return incomplete;
  if (startsLike(buf, V2_SIGNATURE)) return buf.length < V2_SIGNATURE.length ? incomplete : readV2(buf);
  if (startsLike(buf, V1_PREFIX)) return buf.length < V1_PREFIX.length ? incomplete : readV1(buf);
  return invalid('no PROXY header');
}

function readV1(buf: Buffer): ProxyHeader {
  const end = buf.subarray(0, V1_MAX_BYTES).indexOf('\r\n');
  if (end < 0) return buf.length >= V1_MAX_BYTES ? invalid('v1 line longer than 107 bytes') : incomplete;
  const fields = buf.subarray(0, end).toString('latin1').split(' ');
  const length = end + 2;
  // "PROXY UNKNOWN" may carry anything up to the CRLF: the receiver ignores it and keeps the real endpoints
  if (fields[1] === 'UNKNOWN') return { state: 'complete', length };
  if (fields.length !== 6) return invalid('v1 line does not have six fields');
  const [, proto, src, dst, srcPort, dstPort] = fields as [string, string, string, string, string, string];
  const family = proto === 'TCP4' ? 'ipv4' : proto === 'TCP6' ? 'ipv6' : undefined;
  if (!family) return invalid(`v1 protocol ${JSON.stringify(proto.slice(0, 16))}`);
  const valid = (a: string) => (family === 'ipv4' ? ipaddr.IPv4.isValidFourPartDecimal(a) : ipaddr.IPv6.isValid(a) && !a.includes('%'));
  if (!valid(src) || !valid(dst)) return invalid(`v1 ${proto} address`);
  if (!PORT.test(srcPort) || !PORT.test(dstPort) || Number(srcPort) > 65535 || Number(dstPort) > 65535) return invalid('v1 port');
  return { state: 'complete', length, source: { address: plain(src), port: Number(srcPort) } };
}

function readV2(buf: Buffer): ProxyHeader {
  if (buf.length < 16) return incomplete;
  const versionCommand = buf[12]!;
  if (versionCommand >> 4 !== 2) return invalid('v2 version');
  const command = versionCommand & 0x0f;
  if (command > 1) return invalid('v2 command');
  const payload = buf.readUInt16BE(14);
  if (payload > V2_MAX_PAYLOAD) return invalid(`v2 header of ${16 + payload} bytes`);
  const length = 16 + payload;
  if (buf.length < length) return incomplete;
  // LOCAL: the balancer speaking for itself (health checks); the address block, if any, is skipped
  if (command === 0) return { state: 'complete', length };
  const familyTransport = buf[13]!;
  const body = buf.subarray(16, length);
  if (familyTransport === 0x11 && payload >= 12) {
    const address = ipaddr.fromByteArray([...body.subarray(0, 4)]).toString();
    return { state: 'complete', length, source: { address, port: body.readUInt16BE(8) } };
  }
  if (familyTransport === 0x21 && payload >= 36) {
    const address = plain(ipaddr.fromByteArray([...body.subarray(0, 16)]).toString());
    return { state: 'complete', length, source: { address, port: body.readUInt16BE(32) } };
  }
  return invalid(`v2 family/transport 0x${familyTransport.toString(16).padStart(2, '0')} (only TCP over IPv4 or IPv6)`);
}

/** the address as the rest of the server writes it: IPv4-mapped IPv6 as plain IPv4, IPv6 in its short form */
const plain = (address: string): string => ipaddr.process(address).toString();
