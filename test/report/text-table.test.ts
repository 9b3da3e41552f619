import { describe, expect, it } from 'vitest';
import { reportToText, summaryLine } from '../../src/report/text-table.js';
import { sampleReport } from './sample-report.js';

describe('text report', () => {
  it('lists failures with fix and unknowns with reason; passes are counted', () => {
    const text = reportToText(sampleReport(), { width: 200 });
    expect(text).toContain('127.77.0.10  yealink T21P_E2 52.83.0.35  mac 001565000010 (neighbour-table)');
    expect(text).toMatch(/FAIL\s+critical\s+sip-trusted-only/);
    expect(text).toContain('fix: re-provision the phone from ghostguard');
    expect(text).toMatch(/UNKNOWN\s+low\s+device-identity\s+no vendor recognised/);
    expect(text).toContain('1 checks pass');
    expect(text).not.toMatch(/pass\s+low\s+device-identity/);
  });

  it('never writes raw control characters from devices to the terminal', () => {
    const text = reportToText(sampleReport());
    expect(text).not.toMatch(/\x1b/);
    expect(text).toContain('\\x1b[31mred');
  });

  it('verbose shows passes; on a terminal long lines are wrapped to the width, never cut', () => {
    const report = sampleReport();
    const fix = report.hosts[0]!.findings[1]!.fix;
    fix[0] = `${fix[0]} and then check-sync by NOTIFY from the registrar only`;
    const text = reportToText(report, { verbose: true, width: 60 });
    expect(text).toMatch(/pass\s+low\s+device-identity/);
    expect(text).not.toContain('…');
    const lines = text.split('\n');
    for (const line of lines) if (line.startsWith('  ')) expect(line.length).toBeLessThanOrEqual(60);
    // the fix is split over several lines, continuation lines hang under the detail column, and no word is lost
    const start = lines.findIndex((l) => l.includes('fix: re-provision'));
    const continued = lines.slice(start + 1).filter((_, i, all) => all.slice(0, i + 1).every((x) => /^ {40}\S/.test(x)));
    expect(continued.length).toBeGreaterThan(0);
    const rejoined = [lines[start]!, ...continued].map((l) => l.trim()).join(' ');
    expect(rejoined).toBe(`fix: ${fix[0]}`);
  });

  it('a word longer than the terminal is split across lines, not dropped', () => {
    const long = sampleReport();
    long.hosts[0]!.ghostCall.evidence.push('z'.repeat(150));
    const text = reportToText(long, { width: 70 });
    const pieces = text.split('\n').filter((l) => /^ +z+$/.test(l));
    expect(pieces.length).toBe(3);
    expect(pieces.map((l) => l.trim()).join('')).toBe('z'.repeat(150));
    for (const l of pieces) expect(l.length).toBeLessThanOrEqual(70);
  });

  it("a verdict table riskiest first, each host's ghost-call evidence in full when piped, and the counts line", () => {
    const text = reportToText(sampleReport());
    expect(text).toMatch(
      /HOST\s+GHOST CALL\s+DEVICE\s+MAC\n127\.77\.0\.10\s+RINGS\s+yealink T21P_E2 52\.83\.0\.35\s+001565000010\n127\.77\.0\.11\s+unknown/,
    );
    expect(text).toContain('  ghost call: RINGS\n      INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated');
    expect(text).toContain('      to tell: probe its SIP port');
    expect(text).toContain('ghost calls: 1 phone will ring, 1 unknown');
    const long = sampleReport();
    long.hosts[0]!.findings[1]!.evidence.push('y'.repeat(500));
    expect(reportToText(long)).toContain('y'.repeat(500));
  });

  it('summary line counts failures by severity', () => {
    expect(summaryLine(sampleReport())).toBe('findings: 1 fail (1 critical), 1 unknown, 0 unsupported, 1 pass');
  });
});
