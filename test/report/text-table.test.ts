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

  it('verbose shows passes; lines are cut to the width', () => {
    const text = reportToText(sampleReport(), { verbose: true, width: 60 });
    expect(text).toMatch(/pass\s+low\s+device-identity/);
    for (const line of text.split('\n')) if (line.startsWith('  ')) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('summary line counts failures by severity', () => {
    expect(summaryLine(sampleReport())).toBe('findings: 1 fail (1 critical), 1 unknown, 0 unsupported, 1 pass');
  });
});
