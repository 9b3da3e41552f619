/** The terminal report: one block per host, failing and unknown findings with their fix; passes counted. */
import type { AuditReport, Finding, HostReport } from '../auditor/findings.js';
import { clean } from '../auditor/sanitize.js';
import { SEVERITY_ORDER } from '../model/rules.js';

export interface TextOptions {
  /** list passing and disabled findings too */
  verbose?: boolean;
  /** terminal width; lines are cut to it */
  width?: number;
}

const STATE_LABEL: Record<Finding['state'], string> = { fail: 'FAIL', unknown: 'UNKNOWN', unsupported: 'UNSUPP', pass: 'pass', disabled: 'off' };

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}… ` : text.padEnd(width + 1);
}

function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function deviceLine(h: HostReport): string {
  const name = h.label ? `${h.host} (${h.label})` : h.host;
  const device = h.vendor ? [h.vendor, h.model, h.firmware].filter(Boolean).join(' ') : 'unidentified';
  const mac = h.mac ? `  mac ${h.mac} (${h.macSource})` : '';
  return clean(`${name}  ${device}${mac}`, 300);
}

export function reportToText(report: AuditReport, options: TextOptions = {}): string {
  const width = Math.max(60, options.width ?? 120);
  const lines: string[] = [];
  const s = report.summary;
  lines.push(`ghostguard audit  ${report.startedAt}  targets: ${clean(report.targets.join(' '), 200)}`);
  lines.push(`${s.hostsScanned}/${s.hostsPlanned} hosts scanned, ${s.hostsResponsive} answered, ${s.phones} phones identified`);
  if (report.incomplete) lines.push(`INCOMPLETE: ${report.incomplete}`);
  for (const h of report.hosts) {
    lines.push('', deviceLine(h));
    const shown = h.findings.filter((f) => options.verbose || (f.state !== 'pass' && f.state !== 'disabled'));
    const passed = h.findings.filter((f) => f.state === 'pass').length;
    for (const f of shown) {
      const detail = f.reason ?? f.evidence[0] ?? '';
      lines.push(cut(`  ${pad(STATE_LABEL[f.state], 7)}${pad(f.severity, 8)}${pad(f.check, 21)}${clean(detail, 400)}`, width));
      for (const e of (f.reason ? f.evidence : f.evidence.slice(1)).slice(0, 4)) lines.push(cut(`${' '.repeat(40)}${clean(e, 400)}`, width));
      if (f.state === 'fail' || f.state === 'unsupported') for (const fix of f.fix) lines.push(cut(`${' '.repeat(40)}fix: ${clean(fix, 600)}`, width));
    }
    if (!options.verbose && passed > 0) lines.push(`  ${passed} checks pass`);
  }
  lines.push('', summaryLine(report));
  if (report.comparison) {
    const c = report.comparison;
    lines.push(`since run #${c.previousRunId}: ${c.newFailures} new failures, ${c.resolved} resolved`);
  }
  if (report.runId !== undefined) lines.push(`stored as run #${report.runId}`);
  return `${lines.join('\n')}\n`;
}

export function summaryLine(report: AuditReport): string {
  const f = report.summary.findings;
  const bySeverity = [...SEVERITY_ORDER].reverse().filter((sev) => report.summary.failures[sev] > 0).map((sev) => `${report.summary.failures[sev]} ${sev}`);
  return `findings: ${f.fail} fail${bySeverity.length ? ` (${bySeverity.join(', ')})` : ''}, ${f.unknown} unknown, ${f.unsupported} unsupported, ${f.pass} pass`;
}
