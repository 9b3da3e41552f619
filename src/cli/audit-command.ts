/**
 * `ghostguard audit` for the CLI: validates commander-style options, runs the audit, writes the report, and returns the
 * exit status — 0 clean, 1 a failing finding at or above --fail-on (default high, as for trace), 2 usage or runtime error,
 * and 2 for a run that audited nothing (no host answered) or stopped early (the report printed covers what it reached).
 */
import { GhostguardError } from '../model/errors.js';
import { printError } from './io.js';
import { DEFAULT_FAIL_ON, SEVERITY_ORDER, severityAtLeast, type Severity } from '../model/rules.js';
import { canonicalJson } from '../report/canonical-json.js';
import { reportToCsv } from '../report/csv.js';
import { reportToHtml } from '../report/html.js';
import { reportToText } from '../report/text-table.js';
import type { AuditRunStore } from '../store/store.js';
import { runAudit, type AuditDeps } from '../auditor/audit.js';
import { toAuditOptions, type AuditCommandOptions } from '../auditor/audit-options.js';
import type { AuditReport } from '../auditor/findings.js';
import { progressBar, type ProgressStream } from '../auditor/progress.js';

export interface AuditCommandIo extends Omit<AuditDeps, 'readFile' | 'onProgress' | 'auditStore'> {
  /** `columns`: the terminal's width when stdout is a terminal (long text lines are wrapped to it); absent when piped */
  stdout: { write(text: string): unknown; columns?: number };
  stderr: ProgressStream;
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
  /** where runs are stored (the store's audit runs); omitted or --no-store: not stored */
  auditRuns?: AuditRunStore;
}

const usage = (message: string): GhostguardError => new GhostguardError('GG_ERR_USAGE', message);

function severity(raw: string | undefined): Severity {
  if (raw === undefined) return DEFAULT_FAIL_ON;
  if (!(SEVERITY_ORDER as readonly string[]).includes(raw)) throw usage(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}`);
  return raw as Severity;
}

export function exitStatus(report: AuditReport, failOn: Severity): 0 | 1 {
  return report.hosts.some((h) => h.findings.some((f) => f.state === 'fail' && severityAtLeast(f.severity, failOn))) ? 1 : 0;
}

export async function runAuditCommand(options: AuditCommandOptions, io: AuditCommandIo): Promise<number> {
  const progress = progressBar(io.stderr);
  try {
    const failOn = severity(options.failOn);
    const auditOptions = toAuditOptions(options, io.readFile);
    const auditStore = options.store !== false ? io.auditRuns : undefined;
    const deps: AuditDeps = {
      vendors: io.vendors,
      inventory: io.inventory,
      store: io.store,
      dispatcher: io.dispatcher,
      http: io.http,
      udp: io.udp,
      snmp: io.snmp,
      neighbours: io.neighbours,
      clock: io.clock,
      resolveHost: io.resolveHost,
      signal: io.signal,
      readFile: io.readFile,
      auditStore,
      onProgress: (p) => progress.update(p),
    };
    const report = await runAudit(auditOptions, deps);
    progress.finish();
    if (options.json) io.stdout.write(canonicalJson(report));
    else if (options.csv) io.stdout.write(reportToCsv(report));
    else io.stdout.write(reportToText(report, { verbose: options.verbose, width: io.stdout.columns }));
    if (options.html) io.writeFile(options.html, reportToHtml(report));
    if (report.incomplete) {
      io.stderr.write(`ghostguard audit: incomplete: ${report.incomplete}; the report covers the hosts reached before it stopped\n`);
      return 2;
    }
    if (report.summary.hostsResponsive === 0) {
      io.stderr.write(
        `ghostguard audit: no host answered any probe (${report.summary.hostsScanned} scanned): nothing was audited — check the targets, the ports and the network path\n`,
      );
      return 2;
    }
    return exitStatus(report, failOn);
  } catch (err) {
    progress.finish();
    return printError((text) => io.stderr.write(text), err, 'ghostguard audit:');
  }
}
