/**
 * One CSV row per finding (RFC 4180: every field quoted, quotes doubled, CRLF rows). Device-supplied text can start
 * with `=`, `+`, `-` or `@`; such cells get a leading apostrophe so a spreadsheet never evaluates them.
 */
import type { AuditReport } from '../auditor/findings.js';

export const CSV_COLUMNS = [
  'run_id', 'started_at', 'host', 'label', 'mac', 'vendor', 'model', 'firmware', 'check', 'state', 'severity', 'reason', 'evidence', 'fix',
] as const;

export function csvCell(value: string | number | undefined): string {
  let text = value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function reportToCsv(report: AuditReport): string {
  const rows = [CSV_COLUMNS.map((c) => csvCell(c)).join(',')];
  for (const h of report.hosts) {
    for (const f of h.findings) {
      rows.push([
        report.runId, report.startedAt, h.host, h.label, h.mac, h.vendor, h.model, h.firmware, f.check, f.state, f.severity, f.reason,
        f.evidence.join(' | '), f.fix.join(' | '),
      ].map(csvCell).join(','));
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
