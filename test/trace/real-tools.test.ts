/**
 * Captures made with the real tools on loopback: tcpdump records svmap (SIPVicious) sweeping "factory" phones (sipp
 * UAS answering INVITE with 180 then 200), a hardened phone (403), a TCP call from a stranger and a call from the
 * trusted registrar; then a clean capture of registrations and registrar calls. `ghostguard trace` must find the
 * scanner and the answering phones in the first, and nothing in the second.
 * Everything stays on 127.0.0.0/8, ports inside one small range; only processes started here are stopped, by PID.
 * UPDATE_CAPTURE_FIXTURES=1 copies the recordings to test/fixtures/captures/ (used by fixtures.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { TraceReport } from '../../src/trace/report.js';
import { systemPeers } from '../helpers/system-peers.js';
import { TOOLS, finish, loopback, sipp, sleep, start, startCapture, stopAll, stopAndWait, stopCapture } from './helpers/procs.js';

const here = dirname(fileURLToPath(import.meta.url));
const scenarios = join(here, 'scenarios');
const fixtures = join(here, '../fixtures/captures');

async function trace(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: process.cwd(), isTty: false };
  const code = await main(['trace', ...args], io);
  return { code, out, err };
}

// One /24 of loopback and one block of 20 ports per run, picked at random so parallel runs do not meet.
const net = 64 + Math.floor(Math.random() * 128);
const second = 1 + Math.floor(Math.random() * 250);
const P = 20000 + Math.floor(Math.random() * 2000) * 20;
const scanNet = `127.${net}.${second}`;
const cleanNet = `127.${net + 1}.${second}`;
const ip = (n: string, host: number) => loopback(`${n}.${host}`);
const filter = (n: string) => `net ${n}.0/24 and portrange ${P}-${P + 19}`;

let dir: string;

const peers = systemPeers('sipp', 'svmap', 'tcpdump');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-trace-real-'));
});

afterAll(async () => {
  await stopAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Frame k of the capture as tcpdump prints it (k is 1-based) — the independent check of our packet numbers. */
function tcpdumpLines(file: string): string[] {
  return execFileSync(TOOLS.tcpdump, ['-r', file, '-nn'], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim()
    .split('\n');
}

describe.skipIf(peers.missing)(`real tools on loopback${peers.note}`, () => {
  it('svmap sweeping factory phones: finds the scanner and the phones that answered, with packet numbers', async () => {
    const pcap = join(dir, 'scan.pcap');
    const log = join(dir, 'factory-phone.log');
    const registrar = ip(scanNet, 5);
    const [f10, f11, hardened, tcpPhone, scanner, stranger] = [10, 11, 12, 13, 66, 77].map((h) => ip(scanNet, h)) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const phones = [
      sipp('factory-10', ['-sn', 'uas', '-aa', '-i', f10, '-p', String(P), '-trace_msg', '-message_file', log]),
      sipp('factory-11', ['-sn', 'uas', '-aa', '-i', f11, '-p', String(P)]),
      sipp('hardened-12', ['-sf', join(scenarios, 'hardened-uas.xml'), '-i', hardened, '-p', String(P)]),
      sipp('factory-13-tcp', ['-sn', 'uas', '-t', 't1', '-i', tcpPhone, '-p', String(P)]),
    ];
    await sleep(500);
    for (const p of phones) expect(p.child.exitCode, `${p.name}: ${p.stderr()}`).toBeNull();
    const capture = await startCapture(pcap, filter(scanNet), 'lo');

    const home = join(dir, 'svmap-home');
    mkdirSync(home);
    const svmapRun = (method: string[], range: string, localPort: number) =>
      finish(
        start('svmap', TOOLS.svmap, ['-b', scanner, '-P', String(localPort), '-p', String(P), range, ...method], { HOME: home }),
        30_000,
      );
    expect(await svmapRun(['-m', 'INVITE'], `${ip(scanNet, 10)}-${ip(scanNet, 30)}`, P + 9)).toBe(0);
    expect(await svmapRun([], `${ip(scanNet, 10)}-${ip(scanNet, 11)}`, P + 8)).toBe(0); // OPTIONS, the default
    expect(await finish(sipp('trusted-call', ['-sn', 'uac', '-i', registrar, '-p', String(P + 1), '-m', '1', `${f10}:${P}`]), 20_000)).toBe(
      0,
    );
    expect(
      await finish(
        sipp('stranger-tcp-call', ['-sn', 'uac', '-t', 't1', '-i', stranger, '-p', String(P + 2), '-m', '1', `${tcpPhone}:${P}`]),
        20_000,
      ),
    ).toBe(0);
    await stopCapture(capture);
    for (const p of phones) await stopAndWait(p);

    const r = await trace([pcap, '--trusted', registrar, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1); // critical findings
    const report = JSON.parse(r.out) as TraceReport;
    expect(report.input.format).toBe('pcap');
    expect(report.input.linktypes).toEqual(['EN10MB']);
    expect(report.input.sipMessages.tcp).toBeGreaterThanOrEqual(6);
    const byHost = new Map(report.hosts.map((h) => [h.host, h]));
    const checks = (h: string) => byHost.get(h)?.findings.map((f) => f.check) ?? [];

    // the scanner: its User-Agent, svmap's 1.1.1.1 From, and the sweep over 21 addresses
    const sc = byHost.get(scanner)!;
    expect(sc.role).toBe('scanner');
    expect(sc.userAgents).toEqual(['friendly-scanner']);
    const scEvidence = sc.findings[0]!.evidence.join('\n');
    expect(scEvidence).toMatch(/User-Agent "friendly-scanner" \(SIPVicious/);
    expect(scEvidence).toMatch(/From sip:…@1\.1\.1\.1/);
    expect(scEvidence).toMatch(/swept \d+ distinct addresses/);
    expect(scEvidence).toMatch(/to 21 addresses/);

    // the factory phones rang and answered the scanner: exposed, and the evidence packets are what tcpdump shows
    const lines = tcpdumpLines(pcap);
    for (const phone of [f10, f11]) {
      expect(byHost.get(phone)!.role).toBe('phone');
      expect(checks(phone)).toEqual(['sip-trusted-only', 'no-direct-ip-calls', 'sip-reachable']);
      const exposure = byHost.get(phone)!.findings[0]!;
      expect(exposure.severity).toBe('critical');
      expect(exposure.evidence[0]).toBe(`answered 1 of 1 INVITE from ${scanner}:${P + 9} (scanner)`);
      expect(exposure.evidence[1]).toMatch(/→ 180 Ringing #\d+, 200 OK #\d+/);
      const [req, ...resps] = exposure.packets;
      expect(lines[req! - 1]).toContain(`${scanner}.${P + 9} > ${phone}.${P}`);
      for (const k of resps) expect(lines[k - 1]).toContain(`${phone}.${P} > ${scanner}.${P + 9}`);
      // the registrar's call to f10 is trusted: never evidence
      expect(JSON.stringify(byHost.get(phone))).not.toContain(registrar);
    }
    // the hardened phone refused: reached, not exposed
    expect(checks(hardened)).toEqual(['unsolicited-invite']);
    expect(byHost.get(hardened)!.findings[0]!.evidence[0]).toMatch(/not answered: 1× 403 Forbidden/);
    // the TCP phone answered a stranger over TCP (and ignored the scanner's UDP INVITE: nobody listens there)
    expect(checks(tcpPhone)).toEqual(['sip-trusted-only', 'no-direct-ip-calls', 'unsolicited-invite']);
    expect(byHost.get(tcpPhone)!.findings[0]!.evidence[0]).toBe(`answered 1 of 1 INVITE from ${stranger}:${P + 2} (untrusted)`);
    const tcpPackets = byHost.get(tcpPhone)!.findings[0]!.packets;
    expect(lines[tcpPackets[0]! - 1]).toMatch(
      new RegExp(`${stranger.replace(/\./g, '\\.')}\\.${P + 2} > ${tcpPhone.replace(/\./g, '\\.')}\\.${P}: Flags \\[P\\.\\]`),
    );
    // addresses nobody listens on: only counted in the scanner's evidence
    expect(checks(ip(scanNet, 20))).toEqual([]);
    expect(scEvidence).toMatch(/to 21 addresses \(3 answered\)/);
    expect(byHost.get(registrar)).toBeUndefined();
    expect(report.summary.exposedPhones).toBe(3);
    expect(report.summary.scanners).toBe(1);

    // the table: one glance shows the exposed phones
    const table = await trace([pcap, '--trusted', registrar]);
    expect(table.code).toBe(1);
    expect(table.out).toMatch(new RegExp(`${f10.replace(/\./g, '\\.')}\\s+phone\\s+critical\\s+sip-trusted-only\\s+#\\d+`));
    expect(table.out).toMatch(/summary: 1 scanner, 3 exposed phones/);

    // the factory phone's own sipp message log tells the same story
    const fromLog = await trace([log, '--trusted', registrar, '--json']);
    const logReport = JSON.parse(fromLog.out) as TraceReport;
    expect(logReport.input.format).toBe('text');
    expect(logReport.hosts.find((h) => h.role === 'scanner')?.userAgents).toEqual(['friendly-scanner']);
    expect(logReport.hosts.find((h) => h.host === f10)?.findings.map((f) => f.check)).toEqual([
      'sip-trusted-only',
      'no-direct-ip-calls',
      'sip-reachable',
    ]);

    if (process.env.UPDATE_CAPTURE_FIXTURES) {
      mkdirSync(fixtures, { recursive: true });
      copyFileSync(pcap, join(fixtures, 'svmap-scan.pcap'));
      copyFileSync(log, join(fixtures, 'svmap-scan-sipp-uas.log'));
      writeFileSync(
        join(fixtures, 'svmap-scan.json'),
        JSON.stringify({ registrar, scanner, stranger, factory: [f10, f11], hardened, tcpPhone, port: P }, null, 2) + '\n',
      );
    }
  }, 90_000);

  it('a clean capture — registrations and calls from the registrar — has no findings', async () => {
    const pcap = join(dir, 'clean.pcap');
    const registrar = ip(cleanNet, 5);
    const phonesAt = [ip(cleanNet, 10), ip(cleanNet, 11)];
    const servers = [
      sipp('registrar', ['-sf', join(scenarios, 'registrar-uas.xml'), '-i', registrar, '-p', String(P)]),
      ...phonesAt.map((a, n) => sipp(`phone-${n}`, ['-sn', 'uas', '-i', a, '-p', String(P)])),
    ];
    await sleep(500);
    for (const p of servers) expect(p.child.exitCode, `${p.name}: ${p.stderr()}`).toBeNull();
    const capture = await startCapture(pcap, filter(cleanNet), 'any');
    for (const [n, a] of phonesAt.entries()) {
      const reg = sipp(`register-${n}`, [
        '-sf',
        join(scenarios, 'register-uac.xml'),
        '-i',
        a,
        '-p',
        String(P + 2 + n),
        '-s',
        String(1001 + n),
        '-m',
        '1',
        `${registrar}:${P}`,
      ]);
      expect(await finish(reg, 20_000), reg.stderr()).toBe(0);
    }
    for (const a of phonesAt) {
      expect(
        await finish(sipp('registrar-call', ['-sn', 'uac', '-i', registrar, '-p', String(P + 1), '-m', '1', `${a}:${P}`]), 20_000),
      ).toBe(0);
    }
    await stopCapture(capture);
    for (const p of servers) await stopAndWait(p);

    for (const args of [['--trusted', registrar], []]) {
      const r = await trace([pcap, '--json', ...args]);
      expect(r.err).toBe('');
      const report = JSON.parse(r.out) as TraceReport;
      expect(report.input.linktypes).toEqual(['LINUX_SLL2']);
      expect(report.input.sipMessages.total).toBeGreaterThanOrEqual(2 * 2 + 2 * 6);
      expect(report.hosts, JSON.stringify(report.hosts, null, 2)).toEqual([]);
      expect(r.code).toBe(0);
    }
    const heuristic = JSON.parse((await trace([pcap, '--json'])).out) as TraceReport;
    expect(heuristic.trusted.filter((t) => t.source === 'inferred-registrar').map((t) => t.address)).toEqual([registrar]);
    const table = await trace([pcap, '--trusted', registrar]);
    expect(table.out).toMatch(/no findings: no scanner traffic, no unsolicited INVITEs from untrusted sources/);

    if (process.env.UPDATE_CAPTURE_FIXTURES) {
      copyFileSync(pcap, join(fixtures, 'clean-registrations-calls.pcap'));
      writeFileSync(
        join(fixtures, 'clean-registrations-calls.json'),
        JSON.stringify({ registrar, phones: phonesAt, port: P }, null, 2) + '\n',
      );
    }
  }, 90_000);
});
