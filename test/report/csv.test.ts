import { describe, expect, it } from 'vitest';
import { csvCell, reportToCsv } from '../../src/report/csv.js';
import { sampleReport } from './sample-report.js';

describe('CSV report', () => {
  it('one row per finding, all fields quoted, CRLF', () => {
    const csv = reportToCsv(sampleReport());
    const rows = csv.split('\r\n').filter(Boolean);
    // a ghost-call row per host, then its findings
    expect(rows).toHaveLength(1 + 2 + 3);
    expect(rows[1]).toContain('"127.77.0.10","","001565000010","yealink","T21P_E2","52.83.0.35","rings","no","ghost-call","rings"');
    expect(rows[3]).toContain(
      '"127.77.0.10","","001565000010","yealink","T21P_E2","52.83.0.35","rings","no","sip-trusted-only","fail","critical"',
    );
    expect(rows[4]).toContain(
      '"127.77.0.11","","","","","","unknown","no","ghost-call","unknown","","","no SIP port was probed","probe its SIP port"',
    );
  });

  it('hosts cut off before they answered get an incomplete row', () => {
    const r = sampleReport();
    r.incompleteHosts = [{ host: '127.77.0.12', reason: 'stopped at the time limit while this host was being probed' }];
    const rows = reportToCsv(r).split('\r\n').filter(Boolean);
    expect(rows.at(-1)).toBe(
      '"7","2026-03-01T10:00:00.000Z","127.77.0.12","","","","","","unknown","yes","incomplete","unknown","","stopped at the time limit while this host was being probed","",""',
    );
  });

  it('neutralises spreadsheet formulas from device-supplied text and doubles quotes', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvCell(`${lead}1`).startsWith(`"'`)).toBe(true);
    expect(csvCell('plain')).toBe('"plain"');
    expect(reportToCsv(sampleReport())).toContain(`"'=HYPERLINK(""http://evil"") | UA <script>`);
  });
});
