/** `ghostguard trace` driven in-process: outputs, exit statuses, options, errors — on synthetic and recorded captures. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { TraceReport } from '../../src/trace/report.js';
import { ipPacket, link, pcapFile, pcapRecordOffsets, request, response, type FrameSpec } from './helpers/build.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/captures');
const dir = mkdtempSync(join(tmpdir(), 'gg-trace-cli-'));

async function run(args: string[], cwd = dir) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  const code = await main(['trace', ...args], io);
  return { code, out, err };
}

const T0 = 1_763_700_000;
function capture(name: string, opts: { answer?: 180 | 403; trustedCall?: boolean } = {}): string {
  const frames: FrameSpec[] = [];
  const pk = (src: string, dst: string, payload: string, t: number) =>
    frames.push({ time: T0 + t, data: link(1, ipPacket({ src, dst, sport: 5060, dport: 5060, payload })) });
  if (opts.trustedCall) {
    const call = request('INVITE', 'sip:1001@127.0.0.101', { ua: 'Asterisk PBX 20.5' });
    pk('127.0.0.10', '127.0.0.101', call, 0);
    pk('127.0.0.101', '127.0.0.10', response(call, 200, 'OK'), 0.1);
  }
  const scan = request('INVITE', 'sip:100@127.0.0.101', { ua: 'friendly-scanner', from: '"sipvicious"<sip:100@1.1.1.1>;tag=1' });
  pk('127.0.0.66', '127.0.0.101', scan, 1);
  if (opts.answer) pk('127.0.0.101', '127.0.0.66', response(scan, opts.answer, opts.answer === 180 ? 'Ringing' : 'Forbidden'), 1.1);
  const file = join(dir, name);
  writeFileSync(file, pcapFile(frames, { linktype: 1 }));
  return file;
}

describe('ghostguard trace', () => {
  it('exit 1 when a phone answered a scanner (default --fail-on high); JSON is canonical and repeatable', async () => {
    const file = capture('exposed.pcap', { answer: 180 });
    const r = await run(['exposed.pcap', '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out) as TraceReport;
    expect(Object.keys(report)).toEqual(['format', 'version', 'file', 'input', 'options', 'trusted', 'summary', 'hosts', 'notes']);
    expect(report).toMatchObject({
      format: 'ghostguard-trace',
      version: 1,
      file: 'exposed.pcap',
      input: {
        format: 'pcap',
        linktypes: ['EN10MB'],
        frames: 2,
        sipMessages: { total: 2, udp: 2, tcp: 0, log: 0 },
        firstTime: '2025-11-21T04:40:01.000000Z',
      },
      summary: { scanners: 1, exposedPhones: 1, failures: { critical: 1, high: 1, medium: 1 } },
    });
    expect(report.hosts.map((h) => [h.host, h.role, h.findings.map((f) => [f.check, f.severity, f.packets])])).toEqual([
      ['127.0.0.66', 'scanner', [['scanner-traffic', 'medium', [1]]]],
      [
        '127.0.0.101',
        'phone',
        [
          ['sip-trusted-only', 'critical', [1, 2]],
          ['no-direct-ip-calls', 'high', [1, 2]],
        ],
      ],
    ]);
    expect((await run([file, '--json'])).out.replace(file, 'exposed.pcap')).toBe(r.out);
  });

  it('--fail-on decides the exit status; a refused scanner is medium', async () => {
    capture('refused.pcap', { answer: 403 });
    expect((await run(['refused.pcap'])).code).toBe(0);
    expect((await run(['refused.pcap', '--fail-on', 'medium'])).code).toBe(1);
    expect((await run(['exposed.pcap', '--fail-on', 'critical'])).code).toBe(1);
    capture('silent.pcap');
    const silent = await run(['silent.pcap', '--fail-on', 'low']);
    expect(silent.code).toBe(1); // the scanner itself is a medium finding
    expect(silent.out).toMatch(/127\.0\.0\.66\s+scanner\s+medium\s+scanner-traffic\s+#1/);
  });

  it('table output names hosts, checks, packets, evidence and fixes', async () => {
    const r = await run(['exposed.pcap']);
    expect(r.out).toMatch(
      /^exposed\.pcap: pcap \(EN10MB\), 2 frames, 2 SIP messages \(2 UDP, 0 TCP\), 2025-11-21T04:40:01\.000000Z … 2025-11-21T04:40:01\.100000Z\n/,
    );
    expect(r.out).toMatch(/trusted: none \(every source is untrusted\)/);
    expect(r.out).toMatch(/HOST\s+ROLE\s+SEVERITY\s+CHECK\s+PACKETS\n-+/);
    expect(r.out).toMatch(/127\.0\.0\.101\s+phone\s+critical\s+sip-trusted-only\s+#1,#2/);
    expect(r.out).toMatch(/INVITE sip:100@127\.0\.0\.101 #1 \(2025-11-21T04:40:01\.000000Z\) → 180 Ringing #2/);
    expect(r.out).toMatch(/fix: provision this phone with ghostguard/);
    expect(r.out).toMatch(
      /summary: 1 scanner, 1 exposed phone, 1 host reached by unsolicited INVITEs; failures critical 1, high 1, medium 1, low 0, info 0/,
    );
  });

  it("trusts the config's site servers (--config) and --trusted ranges", async () => {
    capture('trusted-call.pcap', { trustedCall: true });
    const untrusted = JSON.parse((await run(['trusted-call.pcap', '--json'])).out) as TraceReport;
    expect(untrusted.hosts.find((h) => h.host === '127.0.0.101')?.findings[0]?.evidence[0]).toBe(
      'answered 1 of 1 INVITE from 127.0.0.10:5060 (untrusted)',
    );
    const example = join(dirname(fileURLToPath(import.meta.url)), '../../examples/ghostguard.yaml');
    const viaConfig = await run(['trusted-call.pcap', '--config', example, '--json']);
    expect(viaConfig.code).toBe(0);
    const report = JSON.parse(viaConfig.out) as TraceReport;
    expect(report.trusted.map((t) => `${t.address} ${t.note}`)).toEqual([
      '127.0.0.10 site hq registrar',
      '127.0.0.11 site hq outbound proxy',
      '127.0.0.12 site hq trusted server',
      '127.0.0.20 site branch registrar',
    ]);
    // the registrar's call is fine; the scanner's unanswered INVITE to a phone that speaks SIP is still reported
    expect(report.hosts.map((h) => [h.host, h.findings.map((f) => f.check).join()])).toEqual([
      ['127.0.0.66', 'scanner-traffic'],
      ['127.0.0.101', 'unsolicited-invite'],
    ]);
    expect((await run(['trusted-call.pcap', '--trusted', '127.0.0.0/28'])).code).toBe(0);
  });

  it('usage errors exit 2 with a stable code', async () => {
    const bad = await run(['exposed.pcap', '--fail-on', 'severe']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/error GG_ERR_USAGE: --fail-on must be one of info, low, medium, high, critical/);
    const trusted = await run(['exposed.pcap', '--trusted', '127.0.0.1,pbx.example.net']);
    expect(trusted.code).toBe(2);
    expect(trusted.err).toMatch(/--trusted: "pbx\.example\.net" is not an IP address or CIDR range/);
    const missing = await run(['nope.pcap']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read capture nope\.pcap/);
  });

  it('a truncated capture: prints what was parsed, then GG_ERR_TRACE_MALFORMED with the offset, exit 2', async () => {
    const file = capture('cut.pcap', { answer: 180, trustedCall: true });
    const full = readFileSync(file);
    const records = pcapRecordOffsets(full);
    const cutAt = records[3]! + 30; // inside the 180 Ringing record
    writeFileSync(join(dir, 'cut.pcap'), full.subarray(0, cutAt));
    const r = await run(['cut.pcap', '--json', '--trusted', '127.0.0.10']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(
        `^error GG_ERR_TRACE_MALFORMED at byte offset ${records[3]}: truncated capture: packet record #4 needs \\d+ bytes, the file ends 30 bytes into it`,
      ),
    );
    const report = JSON.parse(r.out) as TraceReport;
    expect(report.incomplete).toEqual({
      code: 'GG_ERR_TRACE_MALFORMED',
      offset: records[3],
      message: expect.stringMatching(/^GG_ERR_TRACE_MALFORMED at byte offset/),
    });
    expect(Object.keys(report).slice(0, 5)).toEqual(['format', 'version', 'file', 'input', 'incomplete']);
    // the scanner (frame 3) was read before the cut; the phone's answer was not
    expect(report.hosts.map((h) => [h.host, h.findings.map((f) => f.check).join()])).toEqual([
      ['127.0.0.66', 'scanner-traffic'],
      ['127.0.0.101', 'unsolicited-invite'],
    ]);
    const table = await run(['cut.pcap', '--trusted', '127.0.0.10']);
    expect(table.code).toBe(2);
    expect(table.out).toMatch(new RegExp(`INCOMPLETE: .* — results below cover the capture up to byte ${records[3]}`));
    expect(table.out).toMatch(/127\.0\.0\.66\s+scanner/);
  });
});

describe('recorded captures (test/fixtures/captures, made by real-tools.test.ts)', () => {
  const scanMeta = JSON.parse(readFileSync(join(fixtures, 'svmap-scan.json'), 'utf8')) as {
    registrar: string;
    scanner: string;
    stranger: string;
    factory: string[];
    hardened: string;
    tcpPhone: string;
  };
  const cleanMeta = JSON.parse(readFileSync(join(fixtures, 'clean-registrations-calls.json'), 'utf8')) as { registrar: string };

  it('svmap scan: the scanner, the answering factory phones, the refusing one, the TCP call', async () => {
    const r = await run([join(fixtures, 'svmap-scan.pcap'), '--trusted', scanMeta.registrar, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as TraceReport;
    const roles = Object.fromEntries(report.hosts.map((h) => [h.host, `${h.role}: ${h.findings.map((f) => f.check).join(',')}`]));
    expect(roles).toEqual({
      [scanMeta.factory[0]!]: 'phone: sip-trusted-only,no-direct-ip-calls,sip-reachable',
      [scanMeta.factory[1]!]: 'phone: sip-trusted-only,no-direct-ip-calls,sip-reachable',
      [scanMeta.hardened]: 'endpoint: unsolicited-invite',
      [scanMeta.tcpPhone]: 'phone: sip-trusted-only,no-direct-ip-calls,unsolicited-invite',
      [scanMeta.scanner]: 'scanner: scanner-traffic',
    });
  });

  it("the same scan seen in the factory phone's sipp message log", async () => {
    const r = await run([join(fixtures, 'svmap-scan-sipp-uas.log'), '--trusted', scanMeta.registrar, '--json']);
    const report = JSON.parse(r.out) as TraceReport;
    expect(report.input.format).toBe('text');
    expect(report.hosts.find((h) => h.host === scanMeta.factory[0])?.findings.map((f) => f.check)).toEqual([
      'sip-trusted-only',
      'no-direct-ip-calls',
      'sip-reachable',
    ]);
    expect(report.hosts.find((h) => h.role === 'scanner')?.findings[0]?.evidence[0]).toMatch(/friendly-scanner/);
  });

  it('clean capture: no findings with the registrar trusted, nor with trust inferred from the registrations', async () => {
    for (const extra of [['--trusted', cleanMeta.registrar], []]) {
      const r = await run([join(fixtures, 'clean-registrations-calls.pcap'), ...extra]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/no findings/);
    }
  });

  it('the real capture cut at several offsets: error offset = start of the cut record, findings before it kept', async () => {
    const full = readFileSync(join(fixtures, 'svmap-scan.pcap'));
    const records = pcapRecordOffsets(full);
    for (const k of [1, 5, 30, records.length - 1]) {
      const cut = join(dir, `scan-cut-${k}.pcap`);
      copyFileSync(join(fixtures, 'svmap-scan.pcap'), cut);
      writeFileSync(cut, full.subarray(0, records[k]! + 7));
      const r = await run([cut, '--trusted', scanMeta.registrar, '--json']);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`GG_ERR_TRACE_MALFORMED at byte offset ${records[k]}`);
      const report = JSON.parse(r.out) as TraceReport;
      expect(report.input.frames).toBe(k);
      expect(report.hosts.some((h) => h.host === scanMeta.scanner)).toBe(true);
    }
  });
});
