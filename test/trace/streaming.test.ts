/**
 * A ~200 MB capture written to disk in the test is read as a stream: the process's RSS must grow by less than 100 MB,
 * and the scanner INVITE at the very end must still be found. Prints the measured throughput.
 */
import { closeSync, openSync, rmSync, statSync, writeSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceFile } from '../../src/trace/trace-file.js';
import { ipPacket, link, pcapFile, request, response, type FrameSpec } from './helpers/build.js';

const TARGET_BYTES = 200 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'gg-trace-big-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function block(t0: number): Buffer {
  const frames: FrameSpec[] = [];
  const registrar = '192.0.2.5';
  let t = t0;
  const add = (src: string, dst: string, payload: string | Buffer) => {
    t += 0.0005;
    frames.push({ time: t, data: link(1, ipPacket({ src, dst, sport: 5060, dport: 5060, payload })) });
  };
  for (let i = 0; i < 200; i++) {
    const phone = `10.1.${1 + (i >> 8)}.${i & 255}`;
    const reg = request('REGISTER', `sip:${registrar}`, {
      from: `<sip:${1000 + i}@${registrar}>;tag=r${i}`,
      to: `<sip:${1000 + i}@${registrar}>`,
      callId: `reg-${i}`,
      ua: 'Yealink SIP-T46U 108.86.0.45',
    });
    add(phone, registrar, reg);
    add(registrar, phone, response(reg, 200, 'OK'));
    const inv = request('INVITE', `sip:${1000 + i}@${phone}`, {
      callId: `call-${i}`,
      body: 'v=0\r\no=- 1 1 IN IP4 192.0.2.5\r\ns=-\r\nc=IN IP4 192.0.2.5\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
    });
    add(registrar, phone, inv);
    add(phone, registrar, response(inv, 180, 'Ringing'));
    add(phone, registrar, response(inv, 200, 'OK'));
    // media: the bulk of any real capture
    for (let k = 0; k < 12; k++) {
      t += 0.02;
      frames.push({
        time: t,
        data: link(1, ipPacket({ src: phone, dst: registrar, sport: 40000, dport: 4000, payload: Buffer.alloc(172, 0x80) })),
      });
    }
  }
  return pcapFile(frames, { linktype: 1 }).subarray(24);
}

describe('streaming a large capture', () => {
  it(`parses ~${TARGET_BYTES >> 20} MB in bounded memory`, async () => {
    const file = join(dir, 'big.pcap');
    const fd = openSync(file, 'w');
    const header = pcapFile([], { linktype: 1 });
    writeSync(fd, header);
    let written = header.length;
    const T0 = 1_763_700_000;
    const body = block(T0);
    while (written < TARGET_BYTES) {
      writeSync(fd, body);
      written += body.length;
    }
    // the scanner, last
    const scan = request('INVITE', 'sip:100@192.0.2.77', { ua: 'friendly-scanner', callId: 'scan-at-the-end' });
    writeSync(
      fd,
      pcapFile(
        [
          { time: T0 + 100, data: link(1, ipPacket({ src: '203.0.113.66', dst: '192.0.2.77', sport: 5070, dport: 5060, payload: scan })) },
          {
            time: T0 + 100.1,
            data: link(
              1,
              ipPacket({ src: '192.0.2.77', dst: '203.0.113.66', sport: 5060, dport: 5070, payload: response(scan, 180, 'Ringing') }),
            ),
          },
        ],
        { linktype: 1 },
      ).subarray(24),
    );
    closeSync(fd);
    const size = statSync(file).size;

    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const started = performance.now();
    const result = await traceFile(file, { trusted: [{ address: '192.0.2.5', source: 'option' }] });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    const growthMb = (peak - before) / 1024 / 1024;
    const mbps = size / 1024 / 1024 / seconds;
    console.log(
      `streamed ${(size / 1024 / 1024).toFixed(0)} MB, ${result.stats.frames} frames, ${result.stats.sipMessages} SIP messages in ${seconds.toFixed(2)} s: ${mbps.toFixed(0)} MB/s, RSS growth ${growthMb.toFixed(1)} MB`,
    );

    expect(result.malformed).toBeUndefined();
    expect(result.stats.bytes).toBe(size);
    expect(growthMb).toBeLessThan(100);
    const hosts = result.analysis.hosts.map((h) => `${h.host} ${h.findings.map((f) => f.check).join(',')}`);
    expect(hosts).toEqual(['192.0.2.77 sip-trusted-only,no-direct-ip-calls', '203.0.113.66 scanner-traffic']);
  }, 120_000);
});
