/**
 * The PROXY header reader against HAProxy's specification (doc/proxy-protocol.txt): its worst-case v1 lines (TCP4,
 * TCP6, UNKNOWN: 56, 104 and 107 bytes), the v2 layout (12-byte signature, version/command, family/transport, length,
 * addresses, TLVs after), and what a receiver must refuse. Real HAProxy output: test/provisioning/proxy-protocol-e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { readProxyHeader, V1_MAX_BYTES } from '../../src/provisioning/proxy-header.js';

const SIG = '0d0a0d0a000d0a515549540a';
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const FFFF6 = 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff';

describe('PROXY protocol v1 (text)', () => {
  it("reads the spec's worst-case TCP4 line (56 bytes) and leaves what follows unread", () => {
    const line = 'PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n';
    expect(line.length).toBe(56);
    const h = readProxyHeader(Buffer.from(`${line}GET / HTTP/1.1\r\n`));
    expect(h).toEqual({ state: 'complete', length: 56, source: { address: '255.255.255.255', port: 65535 } });
  });

  it("reads the spec's worst-case TCP6 line (104 bytes), the address in short form", () => {
    const line = `PROXY TCP6 ${FFFF6} ${FFFF6} 65535 65535\r\n`;
    expect(line.length).toBe(104);
    expect(readProxyHeader(Buffer.from(line))).toEqual({ state: 'complete', length: 104, source: { address: FFFF6, port: 65535 } });
    const mapped = readProxyHeader(Buffer.from('PROXY TCP6 ::ffff:127.142.3.1 ::1 4000 443\r\n'));
    expect(mapped).toMatchObject({ source: { address: '127.142.3.1', port: 4000 } });
  });

  it('UNKNOWN (15 bytes, or 107 with the ignored rest) keeps the connection’s own address', () => {
    expect(readProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ state: 'complete', length: 15 });
    const worst = `PROXY UNKNOWN ${FFFF6} ${FFFF6} 65535 65535\r\n`;
    expect(worst.length).toBe(V1_MAX_BYTES);
    expect(readProxyHeader(Buffer.from(worst))).toEqual({ state: 'complete', length: 107 });
  });

  it('waits for the CRLF, and for the rest of a signature that may still become one', () => {
    expect(readProxyHeader(Buffer.from('PRO')).state).toBe('incomplete');
    expect(readProxyHeader(Buffer.from('PROXY TCP4 127.142.3.1 127.1')).state).toBe('incomplete');
  });

  it('refuses a line without CRLF in 107 bytes, wrong field counts, bad addresses and ports', () => {
    expect(readProxyHeader(Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`)).state).toBe('invalid');
    for (const bad of [
      'PROXY TCP4 127.142.3.1 127.0.0.1 4000\r\n',
      'PROXY TCP4 127.142.3.1  127.0.0.1 4000 443\r\n',
      'PROXY TCP4 127.142.3.256 127.0.0.1 4000 443\r\n',
      'PROXY TCP4 ::1 127.0.0.1 4000 443\r\n',
      'PROXY TCP6 127.142.3.1 ::1 4000 443\r\n',
      'PROXY TCP4 127.142.3.1 127.0.0.1 65536 443\r\n',
      'PROXY TCP4 127.142.3.1 127.0.0.1 04000 443\r\n',
      'PROXY UDP4 127.142.3.1 127.0.0.1 4000 443\r\n',
      'PROXY tcp4 127.142.3.1 127.0.0.1 4000 443\r\n',
    ])
      expect(readProxyHeader(Buffer.from(bad)).state, bad).toBe('invalid');
  });

  it('anything that is not a PROXY header (a TLS ClientHello, an HTTP request) is refused', () => {
    expect(readProxyHeader(hex('16030100c4010000c00303')).state).toBe('invalid');
    expect(readProxyHeader(Buffer.from('GET / HTTP/1.1\r\n')).state).toBe('invalid');
  });
});

describe('PROXY protocol v2 (binary)', () => {
  it('PROXY command, TCP over IPv4 (\\x11): source address and port; the header is 16 + 12 bytes', () => {
    // 127.142.3.1:4000 -> 127.142.0.2:443
    const h = hex(`${SIG} 21 11 000c 7f8e0301 7f8e0002 0fa0 01bb`);
    const after = Buffer.concat([h, hex('160301')]);
    expect(readProxyHeader(after)).toEqual({ state: 'complete', length: 28, source: { address: '127.142.3.1', port: 4000 } });
  });

  it('TCP over IPv6 (\\x21): 36 address bytes; TLVs after the addresses are counted in the length and skipped', () => {
    const src = '20010db8000000000000000000000001';
    const dst = '20010db8000000000000000000000002';
    // a PP2_TYPE_NOOP TLV (0x04) of 3 bytes after the addresses: length 36 + 6
    const h = hex(`${SIG} 21 21 002a ${src} ${dst} 1f40 01bb 04 0003 000000`);
    expect(readProxyHeader(h)).toEqual({ state: 'complete', length: 58, source: { address: '2001:db8::1', port: 8000 } });
  });

  it('LOCAL command (\\x20, health checks): complete, the connection keeps its own address', () => {
    expect(readProxyHeader(hex(`${SIG} 20 00 0000`))).toEqual({ state: 'complete', length: 16 });
  });

  it('waits for the signature, the 16 fixed bytes and the announced length', () => {
    expect(readProxyHeader(hex('0d0a0d0a00')).state).toBe('incomplete');
    expect(readProxyHeader(hex(`${SIG} 21 11`)).state).toBe('incomplete');
    expect(readProxyHeader(hex(`${SIG} 21 11 000c 7f8e0301`)).state).toBe('incomplete');
  });

  it('refuses another version, an unknown command, UDP, unix sockets, short address blocks and oversized headers', () => {
    for (const bad of [
      `${SIG} 11 11 000c 7f8e0301 7f8e0002 0fa0 01bb`,
      `${SIG} 22 11 000c 7f8e0301 7f8e0002 0fa0 01bb`,
      `${SIG} 21 12 000c 7f8e0301 7f8e0002 0fa0 01bb`,
      `${SIG} 21 31 0000`,
      `${SIG} 21 11 0008 7f8e0301 7f8e0002`,
      `${SIG} 21 11 0401`,
    ])
      expect(readProxyHeader(hex(bad)).state, bad).toBe('invalid');
  });
});
