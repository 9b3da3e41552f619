/**
 * The terminal report: a verdict table (one row per host, riskiest first), then one block per host with the ghost-call
 * evidence and the failing and unknown findings with their fix; passes counted. Lines are cut to the terminal's width
 * only when writing to a terminal: piped output keeps every word of the evidence.
 */
import type { AuditReport, Finding, HostReport } from '../auditor/findings.js';
import { clean } from '../auditor/sanitize.js';
import { VERDICT_LABELS, verdictCountsLine, verdictRank } from '../model/ghost-call-words.js';
import { SEVERITY_ORDER } from '../model/rules.js';

export interface TextOptions {
  /** list passing and disabled findings too */
  verbose?: boolean;
  /** terminal width; lines are cut to it (absent: output is piped, nothing is cut) */
  width?: number;
}

const STATE_LABEL: Record<Finding['state'], string> = {
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  unsupported: 'UNSUPP',
  pass: 'pass',
  disabled: 'off',
};

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}… ` : text.padEnd(width + 1);
}

function deviceName(h: HostReport): string {
  return h.vendor ? [h.vendor, h.model, h.firmware].filter(Boolean).join(' ') : 'unidentified';
}

function deviceLine(h: HostReport): string {
  const name = h.label ? `${h.host} (${h.label})` : h.host;
  const mac = h.mac ? `  mac ${h.mac} (${h.macSource})` : '';
  return clean(`${name}  ${deviceName(h)}${mac}${h.incomplete ? '  INCOMPLETE' : ''}`, 300);
}

/** Hosts riskiest first (verdict, then address order as audited). */
export function byRisk(hosts: readonly HostReport[]): HostReport[] {
  return hosts
    .map((h, i) => ({ h, i }))
    .sort((a, b) => verdictRank(a.h.ghostCall.verdict) - verdictRank(b.h.ghostCall.verdict) || a.i - b.i)
    .map((x) => x.h);
}

function verdictTable(report: AuditReport): string[] {
  if (!report.hosts.length) return [];
  const rows = byRisk(report.hosts).map((h) => [
    h.host,
    VERDICT_LABELS[h.ghostCall.verdict] + (h.incomplete ? ' (incomplete)' : ''),
    clean(deviceName(h), 60),
    h.mac ?? '',
  ]);
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['HOST', 'GHOST CALL', 'DEVICE'][c]!.length));
  const line = (r: string[]) =>
    r
      .map((x, c) => (c < 3 ? x.padEnd(widths[c]! + 2) : x))
      .join('')
      .trimEnd();
  return ['', line(['HOST', 'GHOST CALL', 'DEVICE', 'MAC']), ...rows.map(line)];
}

export function reportToText(report: AuditReport, options: TextOptions = {}): string {
  const width = options.width === undefined ? Infinity : Math.max(60, options.width);
  const cut = (line: string) => (line.length > width ? `${line.slice(0, width - 1)}…` : line);
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`ghostguard audit  ${report.startedAt}  targets: ${clean(report.targets.join(' '), 200)}`);
  lines.push(`${s.hostsScanned}/${s.hostsPlanned} hosts scanned, ${s.hostsResponsive} answered, ${s.phones} phones identified`);
  if (report.incomplete) lines.push(`INCOMPLETE: ${report.incomplete}`);
  lines.push(...verdictTable(report));
  for (const h of report.hosts) {
    lines.push('', deviceLine(h));
    const g = h.ghostCall;
    lines.push(cut(`  ghost call: ${VERDICT_LABELS[g.verdict]}`));
    for (const e of g.evidence) lines.push(cut(`      ${clean(e, 600)}`));
    if (g.howToTell) lines.push(cut(`      to tell: ${clean(g.howToTell, 600)}`));
    const shown = h.findings.filter((f) => options.verbose || (f.state !== 'pass' && f.state !== 'disabled'));
    const passed = h.findings.filter((f) => f.state === 'pass').length;
    for (const f of shown) {
      const detail = f.reason ?? f.evidence[0] ?? '';
      lines.push(cut(`  ${pad(STATE_LABEL[f.state], 7)}${pad(f.severity, 8)}${pad(f.check, 21)}${clean(detail, 600)}`));
      for (const e of f.reason ? f.evidence : f.evidence.slice(1)) lines.push(cut(`${' '.repeat(40)}${clean(e, 600)}`));
      if (f.state === 'fail' || f.state === 'unsupported')
        for (const fix of f.fix) lines.push(cut(`${' '.repeat(40)}fix: ${clean(fix, 600)}`));
    }
    if (!options.verbose && passed > 0) lines.push(`  ${passed} checks pass`);
  }
  if (report.incompleteHosts?.length) {
    lines.push('', `incomplete (${report.incompleteHosts.length}): ${report.incompleteHosts.map((x) => x.host).join(', ')}`);
  }
  lines.push('', verdictCountsLine(report.summary.ghostCalls), summaryLine(report));
  if (report.comparison) {
    const c = report.comparison;
    lines.push(`since run #${c.previousRunId}: ${c.newFailures} new failures, ${c.resolved} resolved`);
  }
  if (report.runId !== undefined) lines.push(`stored as run #${report.runId}`);
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: AuditReport): string {
  const f = report.summary.findings;
  const bySeverity = [...SEVERITY_ORDER]
    .reverse()
    .filter((sev) => report.summary.failures[sev] > 0)
    .map((sev) => `${report.summary.failures[sev]} ${sev}`);
  return `findings: ${f.fail} fail${bySeverity.length ? ` (${bySeverity.join(', ')})` : ''}, ${f.unknown} unknown, ${f.unsupported} unsupported, ${f.pass} pass`;
}
