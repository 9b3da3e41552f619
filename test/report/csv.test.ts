import { describe, expect, it } from 'vitest';
import { csvCell, reportToCsv } from '../../src/report/csv.js';
import { sampleReport } from './sample-report.js';

describe('CSV report', () => {
  it('one row per finding, all fields quoted, CRLF', () => {
    const csv = reportToCsv(sampleReport());
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(1 + 3);
    expect(rows[2]).toContain('"127.77.0.10","","001565000010","yealink","T21P_E2","52.83.0.35","sip-trusted-only","fail","critical"');
  });

  it('neutralises spreadsheet formulas from device-supplied text and doubles quotes', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1`).startsWith(`"'`)).toBe(true);
    expect(csvCell('plain')).toBe('"plain"');
    expect(reportToCsv(sampleReport())).toContain(`"'=HYPERLINK(""http://evil"") | UA <script>`);
  });
});
