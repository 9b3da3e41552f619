/**
 * Issue 12's acceptance check: every SIP behaviour class, played by peers the project has never seen — sipp UAS
 * scenarios (test/fixtures/sipp/), a small SIP emulator with its own SIP handling, and Debian's snmpd — must get the
 * ghost-call verdict the issue defines, alike in `audit --json`, `check --json`, the dashboard's `POST /api/check` and a
 * scheduled run. The expected verdicts come from the issue's definitions (ghost-peers/classes.ts), never from
 * ghostguard's output. This file's range: 127.122.1.0/24 (sipp), 127.122.2.0/24 (emulators, snmpd).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { Runtime } from '../../src/app/runtime.js';
import { GHOST_CALL_ROW, ghostCallOfRow, type StoredFinding } from '../../src/store/audit-store.js';
import type { ScheduleRunResult } from '../../src/schedule/schedule-types.js';
import { VENDORS } from '../../vendors/index.js';
import { InjectSession } from '../dashboard/session.js';
import { systemPeers } from '../helpers/system-peers.js';
import {
  EXPECTED_VERDICT,
  SIPP_CLASSES,
  SIPP_OWN_EXTENSION,
  type BehaviourClass,
  type GhostVerdict,
} from './helpers/ghost-peers/classes.js';
import { startSipEmulator } from './helpers/ghost-peers/sip-emulator.js';
import { startSippPeer } from './helpers/ghost-peers/sipp-peer.js';
import { startSnmpd } from './helpers/snmpd.js';

const tools = systemPeers('sipp', 'snmpd');
const SIP_PORT = 25060;
const HTTP_PORT = 28080;
const HTTPS_PORT = 28443;
const SNMP_PORT = 21161;
const ALLOW = '127.122.0.0/16';
const ADMIN_PASSWORD = 'ghost-peers-Pa55word-q4';
/** the extension-checking phone: in the inventory with this MAC and extension; its User-Agent carries the MAC (Poly style) */
const OWN_EXTENSION = SIPP_OWN_EXTENSION;
const EXTENSION_PHONE_MAC = '0004f2122001';
/** the sipp extension checker: a second inventory phone, with the same extension on another site */
const SIPP_EXTENSION_PHONE_MAC = '0004f2121001';

/** captured product strings (test/fixtures/sip-user-agents.json); Poly's hints say nothing about OPTIONS, so the INVITE decides */
const UA = {
  vvx310: 'Polycom/5.5.2.8571 PolycomVVX-VVX_310-UA/5.5.2.8571',
  vvx150: 'PolycomVVX-VVX_150-UA/6.4.1.2280',
  gxp2140: 'Grandstream GXP2140 1.0.9.14',
  yealink: 'Yealink SIP-T42S 66.84.0.125',
};

interface PeerSpec {
  behaviour: BehaviourClass;
  by: 'sipp' | 'emulator';
  ip: string;
  userAgent: string;
  /** a real snmpd on the same address with this sysDescr */
  snmpDescr?: string;
  ownUsers?: string[];
}

const EMULATED: PeerSpec[] = [
  { behaviour: 'silent', by: 'emulator', ip: '127.122.2.10', userAgent: UA.vvx150, snmpDescr: 'Yealink SIP-T46U 108.86.0.45' },
  { behaviour: 'refuse-403', by: 'emulator', ip: '127.122.2.11', userAgent: UA.gxp2140 },
  { behaviour: 'drop-invite', by: 'emulator', ip: '127.122.2.12', userAgent: UA.vvx150 },
  { behaviour: 'trying-then-403', by: 'emulator', ip: '127.122.2.13', userAgent: UA.vvx150 },
  // a factory Poly that rings for strangers (the issue: `check` called it "Probably safe")
  { behaviour: 'ring-until-cancel', by: 'emulator', ip: '127.122.2.14', userAgent: UA.vvx150 },
  { behaviour: 'require-420', by: 'emulator', ip: '127.122.2.15', userAgent: UA.vvx150 },
  { behaviour: 'challenge-401', by: 'emulator', ip: '127.122.2.16', userAgent: UA.vvx150 },
  {
    behaviour: 'checks-request-uri-user',
    by: 'emulator',
    ip: '127.122.2.17',
    userAgent: `${UA.vvx150}_${EXTENSION_PHONE_MAC}`,
    ownUsers: [OWN_EXTENSION],
  },
  { behaviour: 'ring-until-cancel', by: 'emulator', ip: '127.122.2.18', userAgent: UA.yealink },
];
const SIPPED: PeerSpec[] = SIPP_CLASSES.map((behaviour, i) => ({
  behaviour,
  by: 'sipp',
  ip: `127.122.1.${10 + i}`,
  userAgent: behaviour === 'checks-request-uri-user' ? `${UA.vvx150}_${SIPP_EXTENSION_PHONE_MAC}` : UA.vvx310,
  // silent over SIP: the host is found, and identified, by its SNMP agent alone
  ...(behaviour === 'silent' ? { snmpDescr: 'PolycomVVX-VVX_150-UA/6.4.1.2280' } : {}),
}));
const PEERS: PeerSpec[] = [...EMULATED, ...SIPPED];

const label = (p: PeerSpec) => `${p.behaviour} (${p.by}, ${p.ip})`;

let dir: string;
let configPath: string;
let runtime: Runtime;
let dashboard: InjectSession;
let csrf: string;
const stops: (() => Promise<void>)[] = [];
const emulators = new Map<string, { requests: readonly string[] }>();
let scheduled: Promise<ScheduleRunResult>;

function configYaml(): string {
  return [
    'server:',
    '  port: 0',
    '  adminPort: 0',
    '  publicUrl: https://127.0.0.1:8443/',
    `  dataDir: ${join(dir, 'data')}`,
    '  tls: auto',
    `  auditAllow: ["${ALLOW}"]`,
    'sites:',
    '  peers:',
    '    registrar: 127.0.0.10',
    '  annex:',
    '    registrar: 127.0.0.11',
    'devices:',
    `  - mac: "${EXTENSION_PHONE_MAC}"`,
    '    vendor: polycom',
    '    model: VVX_150',
    '    site: peers',
    '    adminPassword: generate',
    '    lines:',
    `      - { extension: "${OWN_EXTENSION}", password: generate }`,
    `  - mac: "${SIPP_EXTENSION_PHONE_MAC}"`,
    '    vendor: polycom',
    '    model: VVX_150',
    '    site: annex',
    '    adminPassword: generate',
    '    lines:',
    `      - { extension: "${OWN_EXTENSION}", password: generate }`,
    'schedules:',
    '  - name: ghost-peers',
    `    targets: [${PEERS.map((p) => p.ip).join(', ')}]`,
    '    every: 86400',
    `    options: { sipPorts: [${SIP_PORT}], httpPorts: [${HTTP_PORT}], httpsPorts: [${HTTPS_PORT}], snmpPort: ${SNMP_PORT}, timeoutMs: 400, retries: 1, hostGapMs: 0, intrusive: true }`,
    '',
  ].join('\n');
}

const probeArgs = (): string[] => [
  '-c',
  configPath,
  '--sip-ports',
  String(SIP_PORT),
  '--http-ports',
  String(HTTP_PORT),
  '--https-ports',
  String(HTTPS_PORT),
  '--snmp-port',
  String(SNMP_PORT),
  '--timeout',
  '400',
  '--retries',
  '1',
  '--allow',
  ALLOW,
  '--json',
  '--no-store',
];

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env: { GHOSTGUARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
    cwd: dir,
    isTty: false,
  };
  const code = await main(args, io);
  return { code, out, err };
}

interface GhostCall {
  verdict: GhostVerdict;
  evidence: string[];
  howToTell?: string;
}

async function startPeer(p: PeerSpec): Promise<void> {
  if (p.by === 'sipp') {
    const peer = await startSippPeer(p.ip, SIP_PORT, p.behaviour, p.userAgent);
    stops.push(peer.stop);
  } else {
    const peer = await startSipEmulator({
      host: p.ip,
      port: SIP_PORT,
      behaviour: p.behaviour,
      userAgent: p.userAgent,
      ...(p.ownUsers ? { ownUsers: p.ownUsers } : {}),
    });
    emulators.set(p.ip, peer);
    stops.push(peer.stop);
  }
  if (p.snmpDescr) {
    const agent = await startSnmpd(p.ip, p.snmpDescr, { port: SNMP_PORT });
    stops.push(agent.stop);
  }
}

beforeAll(async () => {
  if (tools.missing) return;
  dir = mkdtempSync(join(tmpdir(), 'gg-ghost-peers-'));
  configPath = join(dir, 'ghostguard.yaml');
  writeFileSync(configPath, configYaml());
  for (const p of PEERS) await startPeer(p);
  runtime = await Runtime.create({
    configPath,
    vendors: VENDORS,
    dataDir: join(dir, 'data'),
    env: { GHOSTGUARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
    admin: {
      auditOptions: {
        sipPorts: [SIP_PORT],
        httpPorts: [HTTP_PORT],
        httpsPorts: [HTTPS_PORT],
        snmpPort: SNMP_PORT,
        timeoutMs: 400,
        retries: 1,
        hostGapMs: 0,
      },
    },
    scheduler: { firstRunDelayMs: 50 },
  });
  scheduled = new Promise((resolve) => runtime.scheduler!.onRun((r) => resolve(r)));
  await runtime.listen('127.0.0.1', 0);
  dashboard = new InjectSession(runtime.adminApp!);
  await dashboard.login(ADMIN_PASSWORD);
  csrf = await dashboard.csrf();
}, 90_000);

afterAll(async () => {
  await runtime?.close();
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What each class's evidence must name: the response that decided it. */
const DECISIVE: Partial<Record<BehaviourClass, RegExp>> = {
  'refuse-403': /403/,
  'trying-then-403': /403/,
  'challenge-401': /401/,
  'require-420': /420/,
  'ring-until-cancel': /18[03]/,
  'checks-request-uri-user': /180/,
};

function expectVerdict(p: PeerSpec, ghostCall: GhostCall | undefined, surface: string): void {
  expect(ghostCall, `${surface}: ${label(p)} has no ghostCall`).toBeDefined();
  expect(ghostCall!.verdict, `${surface}: ${label(p)}\n${ghostCall!.evidence.join('\n')}`).toBe(EXPECTED_VERDICT[p.behaviour]);
  expect(ghostCall!.evidence.length, `${surface}: ${label(p)} evidence`).toBeGreaterThan(0);
  const decisive = DECISIVE[p.behaviour];
  if (decisive) expect(ghostCall!.evidence.join('\n'), `${surface}: ${label(p)} evidence`).toMatch(decisive);
}

describe.skipIf(tools.missing)(`ghost-call verdicts from independent peers${tools.note}`, () => {
  it('audit --intrusive --json: one verdict per host, as the issue defines it', async () => {
    const r = await cli(['audit', ...PEERS.map((p) => p.ip), ...probeArgs(), '--intrusive']);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out) as { hosts: { host: string; ghostCall?: GhostCall }[] };
    for (const p of PEERS) expectVerdict(p, report.hosts.find((h) => h.host === p.ip)?.ghostCall, 'audit');
    // the extension-checking phone was addressed by its own extension, not only by a scanner-style user
    const ext = PEERS.find((p) => p.behaviour === 'checks-request-uri-user')!;
    expect(emulators.get(ext.ip)!.requests.some((line) => line.startsWith(`INVITE sip:${OWN_EXTENSION}@`))).toBe(true);
  }, 120_000);

  it('check --json: the same verdict for every class (the INVITE probe runs by default)', async () => {
    for (const p of PEERS) {
      const r = await cli(['check', p.ip, ...probeArgs()]);
      expect(r.err, label(p)).toBe('');
      expectVerdict(p, (JSON.parse(r.out) as { ghostCall?: GhostCall }).ghostCall, 'check');
    }
  }, 180_000);

  it("the dashboard's POST /api/check: the same verdict for every class", async () => {
    for (const p of PEERS) {
      const res = await dashboard.json('POST', '/api/check', { target: p.ip }, { 'x-csrf-token': csrf });
      expect(res.statusCode, label(p)).toBe(200);
      expectVerdict(p, (res.json() as { ghostCall?: GhostCall }).ghostCall, 'dashboard');
    }
  }, 180_000);

  it('a scheduled run: the same verdict for every class', async () => {
    const run = await scheduled;
    expect(run.complete).toBe(true);
    // the run as the dashboard's API serves it: each host's verdict is its stored ghost-call row
    const res = await dashboard.get(`/api/audits/${run.runId}`);
    expect(res.statusCode).toBe(200);
    const rows = (res.json() as { findings: StoredFinding[] }).findings;
    for (const p of PEERS) expectVerdict(p, ghostCallOfRow(rows.find((f) => f.host === p.ip && f.rule === GHOST_CALL_ROW)), 'schedule');
  }, 120_000);
});
