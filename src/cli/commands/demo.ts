/**
 * `ghostguard demo`: the whole story on one machine, all on 127.0.0.0/8 — a provisioning server on a generated lab
 * inventory, a fleet of emulated phones (some provisioned, some factory-fresh) booting from it, and an audit that
 * proves which ones still ring for a scanner.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { runAuditCommand } from '../audit-command.js';
import type { AuditReport } from '../../auditor/findings.js';
import { countVerdicts, VERDICT_LABELS, verdictCountsLine } from '../../model/ghost-call-words.js';
import { LabFleet, inventoryYaml, planFleet, showcaseSipClasses, type PhoneManifest } from '../../lab/index.js';
import { Runtime } from '../../app/runtime.js';
import { stateDatabasePath } from '../../store/sqlite-open.js';
import { vendors } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface DemoOptions {
  phones?: number;
  factory?: number;
  dir?: string;
  /** first phone address (127.0.0.0/8); two demos at once need two ranges */
  baseIp?: string;
  /** keep everything running this many seconds after the audit */
  duration?: number;
}

const DEFAULT_BASE_IP = '127.0.60.1';
const PHONE_HTTP_PORT = 18080;
const PHONE_HTTPS_PORT = 18443;
const PHONE_SNMP_PORT = 11161;

export async function demoCommand(options: DemoOptions, io: CliIo): Promise<number> {
  const phones = options.phones ?? 30;
  const factory = options.factory ?? 9;
  const dir = resolve(io.cwd, options.dir ?? '.ghostguard-demo');
  mkdirSync(dir, { recursive: true });
  const base = options.baseIp ?? DEFAULT_BASE_IP;
  const fleetOptions = {
    phones,
    factory,
    baseIp: base,
    adapters: vendors,
    httpPort: PHONE_HTTP_PORT,
    httpsPort: PHONE_HTTPS_PORT,
    snmpPort: PHONE_SNMP_PORT,
    ringTimeoutMs: 5000,
    sipClasses: showcaseSipClasses,
  };
  const planned = planFleet(fleetOptions);
  const port = await freePort();
  const configPath = join(dir, 'ghostguard.yaml');
  writeFileSync(
    configPath,
    inventoryYaml(planned, {
      server: { port, tls: 'auto', dataDir: join(dir, 'data'), publicUrl: `https://127.0.0.1:${port}/`, allowPlainHttp: false },
    }),
  );
  io.out(`1. inventory for ${planned.length - factory} provisionable phones written to ${configPath}\n`);

  const runtime = await Runtime.create({ configPath, vendors, env: io.env });
  // the lab's phones come up factory-fresh on every run: like an admin after a factory reset, re-open their enrolment
  // (a second run in the same directory would otherwise find every window closed by the first)
  const until = new Date(Date.now() + 3600_000);
  for (const phone of planned.filter((p) => !p.factory)) await runtime.store.openEnrolment(phone.mac, until);
  let fleet: LabFleet | undefined;
  try {
    const [url] = await runtime.listen('127.0.0.1', port);
    io.out(`2. provisioning server listening on ${url} (certificate ${runtime.tls!.certPath})\n`);
    fleet = await LabFleet.start({ ...fleetOptions, server: `${url}/`, serverCa: runtime.tls!.cert });
    const manifest = fleet.manifest();
    const provisioned = manifest.filter((p) => p.provisioned).length;
    io.out(
      `3. ${manifest.length} emulated phones on ${base}–${manifest[manifest.length - 1]!.ip}: ${provisioned} provisioned by ghostguard, ${factory} left at factory defaults\n`,
    );

    const last = manifest[manifest.length - 1]!.ip;
    const htmlPath = join(dir, 'audit.html');
    const jsonPath = join(dir, 'audit.json');
    io.out(`4. auditing ${base}-${last} from the auditor's own address (the phones' registrar is 127.0.0.10)\n\n`);
    let json = '';
    // Factory lab phones serve their web interface over plain HTTP only (on loopback), so the demo lets the auditor log
    // in over it; hardened ones answer HTTPS, where read-back goes first. The INVITE
    // probe carries an unsupported Require: option, which the lab phones refuse with 420 instead of ringing (likely-rings).
    await runAuditCommand(
      {
        targets: [`${base}-${last}`],
        httpPorts: String(PHONE_HTTP_PORT),
        httpsPorts: String(PHONE_HTTPS_PORT),
        snmpPort: PHONE_SNMP_PORT,
        html: htmlPath,
        json: true,
        plainHttpLogin: true,
        intrusive: true,
        timeout: 400,
        concurrency: 64,
        rate: 2000,
        hostGap: 0,
      },
      {
        vendors,
        inventory: runtime.config.inventory,
        store: runtime.store,
        auditRuns: runtime.store.auditRuns,
        stdout: { write: (t: string) => void (json += t) },
        stderr: { write: (t: string) => io.err(t), isTTY: io.isTty, columns: process.stderr.columns },
        readFile: (p) => readFileSync(p, 'utf8'),
        writeFile: (p, d) => writeFileSync(p, d),
      },
    );
    writeFileSync(jsonPath, json);
    for (const line of exposureTable(JSON.parse(json) as AuditReport, manifest)) io.out(line + '\n');
    io.out(
      [
        '',
        'Where to look:',
        `  audit report (HTML):   ${htmlPath}`,
        `  audit report (JSON):   ${jsonPath}`,
        `  security events:       ${join(dir, 'data', 'events.jsonl')}`,
        `  state (SQLite):        ${stateDatabasePath(join(dir, 'data'))}   (fetch history, audit runs and findings)`,
        `  what a phone receives: ${selfCommand(io.cwd)} render ${manifest.find((p) => !p.factory)!.mac} -c ${configPath} --explain`,
        '',
      ].join('\n'),
    );
    if (options.duration) {
      io.out(`everything keeps running for ${options.duration} s (Ctrl-C stops): try  svmap ${base}-${last}\n`);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, options.duration! * 1000);
        process.once('SIGINT', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
  } finally {
    await fleet?.stop();
    await runtime.close();
  }
  io.out('demo stopped: every phone, socket and listener closed\n');
  return EXIT.ok;
}

/**
 * One line per phone: what the lab made it, the audit's ghost-call verdict, and whether the two agree. The ground truth
 * is the verdict the lab's own configuration of the phone calls for (its settings, or the behaviour class it was given).
 */
function exposureTable(report: AuditReport, manifest: readonly PhoneManifest[]): string[] {
  const verdicts = manifest.map((phone) => report.hosts.find((h) => h.host === phone.ip)?.ghostCall.verdict ?? 'unknown');
  const rows = manifest.map((phone, i) => {
    const agrees = verdicts[i] === phone.expect.ghostCall ? '' : '  (lab ground truth differs)';
    const truth = `${VERDICT_LABELS[phone.expect.ghostCall]}${phone.sipClass ? ` (class ${phone.sipClass})` : ''}`;
    return [
      phone.ip,
      `${phone.vendor} ${phone.model} ${phone.firmware}`,
      phone.factory ? 'factory' : 'provisioned',
      VERDICT_LABELS[verdicts[i]!],
      truth + agrees,
    ];
  });
  const head = ['PHONE', 'MODEL', 'STATE', 'GHOST CALL', 'LAB GROUND TRUTH'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const matches = manifest.filter((p, i) => verdicts[i] === p.expect.ghostCall).length;
  return [
    line(head),
    ...rows.map(line),
    '',
    verdictCountsLine(countVerdicts(verdicts)),
    `audit verdicts match the lab's ground truth for ${matches}/${manifest.length}`,
  ];
}

/** How to run this CLI again from here: `ghostguard` when installed, `node bin/ghostguard.mjs` in a checkout. */
function selfCommand(cwd: string): string {
  const script = process.argv[1] ?? '';
  if (!script.endsWith('ghostguard.mjs')) return 'ghostguard';
  const rel = relative(cwd, script);
  return `node ${rel.startsWith('..') ? script : rel}`;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => done(port));
      });
  });
}
