/**
 * The terminal report: a verdict table (one row per host, riskiest first), then one block per host with the ghost-call
 * evidence and the failing and unknown findings with their fix; passes counted. On a terminal, long lines are wrapped
 * (never cut) to its width with a hanging indent; piped output keeps each line whole.
 */
import type { AuditReport, Finding, HostReport } from '../auditor/findings.js';
import { clean } from '../auditor/sanitize.js';
import { VERDICT_LABELS, verdictCountsLine, verdictRank } from '../model/ghost-call-words.js';
import { SEVERITY_ORDER } from '../model/rules.js';
import { wrapLine } from './wrap.js';

export interface TextOptions {
  /** list passing and disabled findings too */
  verbose?: boolean;
  /** terminal width; long lines are wrapped to it (absent: output is piped, lines stay whole) */
  width?: number;
}

const STATE_LABEL: Record<Finding['state'], string> = {
  fail: 'FAIL',
  unknown: 'UNKNOWN',
  unsupported: 'UNSUPP',
  pass: 'pass',
  disabled: 'off',
};

/** where a finding's detail, evidence and fixes start */
const DETAIL_COLUMN = 40;

function pad(text: string, width: number): string {
  return `${text.padEnd(width)} `;
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
  const lines: string[] = [];
  /** one logical line, wrapped on a terminal; continuation lines start at `indent` */
  const add = (line: string, indent: number) => lines.push(...(width === Infinity ? [line] : wrapLine(line, width, indent)));
  const s = report.summary;
  add(`ghostguard audit  ${report.startedAt}  targets: ${clean(report.targets.join(' '), 200)}`, 4);
  lines.push(`${s.hostsScanned}/${s.hostsPlanned} hosts scanned, ${s.hostsResponsive} answered, ${s.phones} phones identified`);
  if (report.incomplete) lines.push(`INCOMPLETE: ${report.incomplete}`);
  lines.push(...verdictTable(report));
  for (const h of report.hosts) {
    lines.push('');
    add(deviceLine(h), 4);
    const g = h.ghostCall;
    lines.push(`  ghost call: ${VERDICT_LABELS[g.verdict]}`);
    for (const e of g.evidence) add(`      ${clean(e, 600)}`, 8);
    if (g.howToTell) add(`      to tell: ${clean(g.howToTell, 600)}`, 15);
    const shown = h.findings.filter((f) => options.verbose || (f.state !== 'pass' && f.state !== 'disabled'));
    const passed = h.findings.filter((f) => f.state === 'pass').length;
    for (const f of shown) {
      const detail = f.reason ?? f.evidence[0] ?? '';
      add(`  ${pad(STATE_LABEL[f.state], 7)}${pad(f.severity, 8)}${pad(f.check, 21)}${clean(detail, 600)}`, DETAIL_COLUMN);
      for (const e of f.reason ? f.evidence : f.evidence.slice(1)) add(`${' '.repeat(DETAIL_COLUMN)}${clean(e, 600)}`, DETAIL_COLUMN + 2);
      if (f.state === 'fail' || f.state === 'unsupported')
        for (const fix of f.fix) add(`${' '.repeat(DETAIL_COLUMN)}fix: ${clean(fix, 600)}`, DETAIL_COLUMN + 5);
    }
    if (!options.verbose && passed > 0) lines.push(`  ${passed} checks pass`);
  }
  if (report.incompleteHosts?.length) {
    lines.push('');
    add(`incomplete (${report.incompleteHosts.length}): ${report.incompleteHosts.map((x) => x.host).join(', ')}`, 4);
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
