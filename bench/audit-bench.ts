/**
 * Audit sweep benchmark: `ghostguard audit` (SIP + HTTP + SNMP + web read-back + INVITE proof) beside `svmap` and
 * `nmap -sU -p 5060 --script sip-methods` on the same lab ranges, in one run: wall time, peak RSS, and phones found /
 * missed and exposed phones flagged, checked against the lab's ground truth (`expect.ringsForStrangers`).
 *
 * Usage: node bin/run-ts.mjs bench/audit-bench.ts [--phones 30] [--factory 9] [--rate 10000] [--concurrency 64]
 *                                                [--timeout 400] [--skip-nmap] [--skip-16]
 *
 * Lab (all in 127.201.0.0/16, which no test uses): a ghostguard provisioning server in this process, and two groups of
 * emulated phones booted from it — `--phones` spread over 127.201.0.0/24 and as many over 127.201.4.0/22, `--factory`
 * of each left at factory defaults. The /16 run (ghostguard only) sweeps both groups and 65,000 empty addresses to
 * show memory stays flat. Scanners run from 127.202.0.66 (svmap) or the kernel's loopback source; every packet stays
 * on 127.0.0.0/8. Each tool is started here and stopped by its own PID; nothing else is touched.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditReport, HostReport } from '../src/auditor/findings.js';
import type { PhoneManifest } from '../src/lab/index.js';
import { startBenchLab } from './lib/audit-lab.js';
import { measure, type Measured } from './lib/measure.js';

const { values: args } = parseArgs({
  options: {
    phones: { type: 'string', default: '30' },
    factory: { type: 'string', default: '9' },
    rate: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    timeout: { type: 'string', default: '400' },
    'skip-nmap': { type: 'boolean', default: false },
    'skip-16': { type: 'boolean', default: false },
  },
});
const PHONES = Number(args.phones);
const FACTORY = Number(args.factory);
const ROOT = join(import.meta.dirname, '..');
const SVMAP = '/usr/bin/svmap';
const NMAP = '/usr/bin/nmap';
const SCANNER_IP = '127.202.0.66';
const HTTP_PORT = 28080;
const HTTPS_PORT = 28443;
const SNMP_PORT = 21161;
const TOOL_TIMEOUT_MS = 300_000;

const RANGES = [
  { label: '/24', cidr: '127.201.0.0/24', all: true },
  { label: '/22', cidr: '127.201.4.0/22', all: true },
  ...(args['skip-16'] ? [] : [{ label: '/16', cidr: '127.201.0.0/16', all: false }]),
];

const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  const start = toInt(base) - (toInt(base) % size);
  return toInt(ip) >= start && toInt(ip) < start + size;
}
const hostCount = (cidr: string) => 2 ** (32 - Number(cidr.split('/')[1])) - 2;

/** The demo's verdict: a critical/high failure of a rule that stops ghost calls = the phone rings for a scanner. */
function exposed(h: HostReport | undefined): boolean {
  return !!h?.findings.some(
    (f) =>
      f.state === 'fail' &&
      (f.severity === 'critical' || f.severity === 'high') &&
      (f.check === 'sip-trusted-only' || f.check === 'no-direct-ip-calls' || f.check === 'invite-validation'),
  );
}

interface Row {
  tool: string;
  run: Measured;
  found: Set<string>;
  /** undefined: the tool cannot classify */
  flagged?: Set<string>;
  note?: string;
  liveHeapMb?: number;
}

const HEAP_PROBE = join(import.meta.dirname, 'lib/heap-after-gc.cjs');

function ghostguardArgs(cidr: string, configPath: string): string[] {
  return [
    join(ROOT, 'bin/ghostguard.mjs'),
    'audit',
    cidr,
    '-c',
    configPath,
    '--json',
    '--no-store',
    '--http-ports',
    String(HTTP_PORT),
    '--https-ports',
    String(HTTPS_PORT),
    '--snmp-port',
    String(SNMP_PORT),
    '--intrusive',
    '--plain-http-login',
    '--timeout',
    args.timeout!,
    '--concurrency',
    args.concurrency!,
    '--rate',
    args.rate!,
    '--host-gap',
    '0',
  ];
}

async function runGhostguard(cidr: string, configPath: string, nodeFlags: string[] = []): Promise<Row> {
  // the preloaded observer reports the heap in use after each full GC (on stderr, at exit): the memory the run holds
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${HEAP_PROBE}`.trim() };
  const run = await measure(process.execPath, [...nodeFlags, ...ghostguardArgs(cidr, configPath)], { env, timeoutMs: TOOL_TIMEOUT_MS });
  const heap = /gg-bench-heap-after-full-gc (\d+) (\d+)/.exec(run.stderr);
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout) as AuditReport;
  } catch {
    throw new Error(`ghostguard audit ${cidr} (exit ${run.code}): no JSON report: ${run.stderr.slice(0, 500)}`);
  }
  const phones = report.hosts.filter((h) => h.vendor);
  return {
    tool: 'ghostguard audit',
    run,
    found: new Set(phones.map((h) => h.host)),
    flagged: new Set(report.hosts.filter(exposed).map((h) => h.host)),
    liveHeapMb: heap && Number(heap[2]) > 0 ? Number(heap[1]) / 1048576 : undefined,
    note: `${report.summary.hostsScanned} hosts scanned, ${report.summary.hostsResponsive} responsive`,
  };
}

async function runSvmap(cidr: string, home: string): Promise<Row> {
  const run = await measure(SVMAP, ['-p5060', '-b', SCANNER_IP, '-x', SCANNER_IP, cidr], {
    env: { ...process.env, HOME: home },
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  const found = new Set([...run.stdout.matchAll(/\|\s*(\d+\.\d+\.\d+\.\d+):5060\s*\|/g)].map((m) => m[1]!));
  return { tool: 'svmap (OPTIONS)', run, found, note: 'answers to OPTIONS only: cannot tell ringing from rejected' };
}

async function runNmap(cidr: string): Promise<Row> {
  const run = await measure(NMAP, ['-sU', '-p', '5060', '--script', 'sip-methods', '-n', '-Pn', '-oX', '-', cidr], {
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  const found = new Set<string>();
  let openFiltered = 0;
  for (const host of run.stdout.split('<host ').slice(1)) {
    const ip = /<address addr="([\d.]+)" addrtype="ipv4"/.exec(host)?.[1];
    const state = /<port protocol="udp" portid="5060"><state state="([^"]+)"/.exec(host)?.[1];
    if (ip && state === 'open') found.add(ip);
    if (state === 'open|filtered') openFiltered++;
  }
  return {
    tool: 'nmap -sU sip-methods',
    run,
    found,
    note: `${openFiltered} open|filtered (no answer: silent phone or nothing); cannot tell ringing from rejected`,
  };
}

function table(rows: Row[], truth: PhoneManifest[]): string[] {
  const phones = new Set(truth.map((p) => p.ip));
  const ringing = new Set(truth.filter((p) => p.expect.ringsForStrangers).map((p) => p.ip));
  const head = ['tool', 'wall s', 'peak RSS MB', 'phones found', 'missed', 'exposed flagged', 'wrong verdicts', 'notes'];
  const body = rows.map((r) => {
    const found = [...r.found].filter((ip) => phones.has(ip)).length;
    const extra = [...r.found].filter((ip) => !phones.has(ip)).length;
    let flagged = `n/a (${[...r.found].filter((ip) => ringing.has(ip)).length} of ${ringing.size} among those found)`;
    let wrong = 'n/a';
    if (r.flagged) {
      flagged = `${[...r.flagged].filter((ip) => ringing.has(ip)).length}/${ringing.size}`;
      wrong = String(
        truth.filter((p) => r.flagged!.has(p.ip) !== p.expect.ringsForStrangers).length +
          [...r.flagged].filter((ip) => !phones.has(ip)).length,
      );
    }
    return [
      r.tool,
      (r.run.wallMs / 1000).toFixed(2),
      r.run.peakRssMb.toFixed(0),
      `${found}/${phones.size}${extra ? ` (+${extra} not phones)` : ''}`,
      String(phones.size - found),
      flagged,
      wrong,
      (r.run.timedOut ? 'TIMED OUT; ' : '') + (r.note ?? ''),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

const dir = mkdtempSync(join(tmpdir(), 'gg-auditbench-'));
const home = join(dir, 'home');
mkdirSync(home);
const began = Date.now();
const lab = await startBenchLab(
  dir,
  [
    { cidr: '127.201.0.0/24', phones: PHONES, factory: FACTORY, macSeed: 0xb1 },
    { cidr: '127.201.4.0/22', phones: PHONES, factory: FACTORY, macSeed: 0xb2 },
  ],
  { http: HTTP_PORT, https: HTTPS_PORT, snmp: SNMP_PORT },
);
try {
  const notBooted = lab.manifest.filter((p) => !p.factory && !p.provisioned);
  if (notBooted.length) throw new Error(`${notBooted.length} phones failed to provision: ${notBooted[0]!.errors.join('; ')}`);
  console.log(
    `lab: ${lab.manifest.length} phones (${PHONES} in 127.201.0.0/24, ${PHONES} in 127.201.4.0/22; ${FACTORY} of each at factory defaults), provisioned by ${lab.serverUrl} in ${((Date.now() - began) / 1000).toFixed(1)} s`,
  );
  console.log(
    `ghostguard options: --intrusive --plain-http-login --timeout ${args.timeout} (retries 1) --concurrency ${args.concurrency} --rate ${args.rate} --host-gap 0; svmap defaults; nmap defaults`,
  );
  // warm-up: tsx's transform cache, the page cache, python and nmap's script engine; one address each, not counted
  await runGhostguard(lab.manifest[0]!.ip, lab.configPath);
  await runSvmap(lab.manifest[0]!.ip, home);
  if (!args['skip-nmap']) await runNmap(lab.manifest[0]!.ip);

  const memory: { label: string; cidr: string; row: Row }[] = [];
  const verdicts: string[] = [];
  for (const range of RANGES) {
    const truth = lab.manifest.filter((p) => inCidr(p.ip, range.cidr));
    const rows: Row[] = [await runGhostguard(range.cidr, lab.configPath)];
    memory.push({ label: range.label, cidr: range.cidr, row: rows[0]! });
    if (range.all) {
      rows.push(await runSvmap(range.cidr, home));
      if (!args['skip-nmap']) rows.push(await runNmap(range.cidr));
    }
    const rings = truth.filter((p) => p.expect.ringsForStrangers).length;
    console.log(
      `\n${range.label} ${range.cidr}: ${hostCount(range.cidr)} addresses, ${truth.length} lab phones, ${rings} of them ring for strangers (ground truth)`,
    );
    for (const l of table(rows, truth)) console.log(l);
    const svmap = rows.find((r) => r.tool.startsWith('svmap'));
    if (svmap) {
      const gg = rows[0]!.run.wallMs / 1000;
      const sv = svmap.run.wallMs / 1000;
      verdicts.push(
        `${range.label}: ghostguard full audit ${gg.toFixed(2)} s vs svmap SIP-only sweep ${sv.toFixed(2)} s → ${gg < sv ? 'met' : 'NOT met'}`,
      );
    }
  }
  if (!args['skip-16']) {
    const capped = await runGhostguard('127.201.0.0/16', lab.configPath, ['--max-old-space-size=64']);
    memory.push({ label: '/16, V8 old space capped at 64 MB', cidr: '127.201.0.0/16', row: capped });
  }
  console.log('\nghostguard memory by range (same options):');
  console.log('range                               addresses  wall s  peak RSS MB  heap after full GC MB  phones found');
  for (const m of memory) {
    const phones = lab.manifest.filter((p) => inCidr(p.ip, m.cidr)).length;
    console.log(
      `${m.label.padEnd(36)}${String(hostCount(m.cidr)).padStart(9)}  ${(m.row.run.wallMs / 1000).toFixed(2).padStart(6)}  ${m.row.run.peakRssMb.toFixed(0).padStart(11)}  ${(m.row.liveHeapMb?.toFixed(1) ?? 'n/a').padStart(21)}  ${`${m.row.found.size}/${phones}`.padStart(12)}`,
    );
  }
  console.log("\ntarget (ghostguard full audit faster than svmap's SIP-only sweep of the same range):");
  for (const v of verdicts) console.log(`  ${v}`);
  console.log(
    "peak RSS is summed over each tool's processes (ghostguard: one node process, running the bundle when it is current), polled from /proc every 20 ms",
  );
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
