/**
 * One CSV row per finding (RFC 4180: every field quoted, quotes doubled, CRLF rows), led by each host's ghost-call row
 * (check `ghost-call`, state = the verdict, fix = how to tell); every row also carries the host's verdict and whether the
 * run cut it off. Hosts cut off before they answered get one `incomplete` row. Device-supplied text can start with `=`,
 * `+`, `-` or `@`; such cells get a leading apostrophe so a spreadsheet never evaluates them.
 */
import type { AuditReport } from '../auditor/findings.js';

export const CSV_COLUMNS = [
  'run_id',
  'started_at',
  'host',
  'label',
  'mac',
  'vendor',
  'model',
  'firmware',
  'ghost_call',
  'incomplete',
  'check',
  'state',
  'severity',
  'reason',
  'evidence',
  'fix',
] as const;

export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function reportToCsv(report: AuditReport): string {
  const rows = [CSV_COLUMNS.map((c) => csvCell(c)).join(',')];
  const row = (cells: (string | number | undefined)[]) => rows.push(cells.map(csvCell).join(','));
  for (const h of report.hosts) {
    const who = [
      report.runId,
      report.startedAt,
      h.host,
      h.label,
      h.mac,
      h.vendor,
      h.model,
      h.firmware,
      h.ghostCall.verdict,
      h.incomplete ? 'yes' : 'no',
    ];
    const g = h.ghostCall;
    row([...who, 'ghost-call', g.verdict, undefined, undefined, g.evidence.join(' | '), g.howToTell]);
    for (const f of h.findings) row([...who, f.check, f.state, f.severity, f.reason, f.evidence.join(' | '), f.fix.join(' | ')]);
  }
  const reported = new Set(report.hosts.map((h) => h.host));
  for (const x of report.incompleteHosts ?? []) {
    if (reported.has(x.host)) continue;
    row([
      report.runId,
      report.startedAt,
      x.host,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'unknown',
      'yes',
      'incomplete',
      'unknown',
      undefined,
      x.reason,
      undefined,
      undefined,
    ]);
  }
  return `${rows.join('\r\n')}\r\n`;
}
