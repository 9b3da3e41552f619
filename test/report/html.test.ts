import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/model/html.js';
import { reportToHtml } from '../../src/report/html.js';
import { sampleReport } from './sample-report.js';

describe('HTML report', () => {
  it('escapes everything a device could send; no script, strict CSP', () => {
    const html = reportToHtml(sampleReport());
    expect(html).not.toContain('<script>');
    expect(html).toContain('UA &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;quotes&#34;');
    expect(html).toContain(`default-src 'none'`);
    expect(html).toContain('ghostguard audit #7');
    expect(html).toContain('<tr class="fail"><td data-label="check">sip-trusted-only</td>');
    expect(html).toContain('=cmd|&#34; &#60;b&#62;bold&#60;/b&#62;');
  });

  it('summary first: the verdict counts, then hosts by risk, then one collapsible block per host; phone-sized screens', () => {
    const html = reportToHtml(sampleReport());
    expect(html).toContain('<strong>ghost calls: 1 phone will ring, 1 unknown</strong>');
    const summary = html.indexOf('Hosts by risk');
    const perHost = html.indexOf('Per host');
    expect(summary).toBeGreaterThan(0);
    expect(perHost).toBeGreaterThan(summary);
    // the ringing phone is listed (and opened) before the unknown one
    expect(html.indexOf('<details id="h-127.77.0.10" open>')).toBeGreaterThan(perHost);
    expect(html.indexOf('id="h-127.77.0.11"')).toBeGreaterThan(html.indexOf('id="h-127.77.0.10"'));
    expect(html).toContain('name="viewport"');
    expect(html).toContain('@media (max-width:40em)');
  });

  it('run-to-run changes when the run has a previous one', () => {
    const r = sampleReport();
    r.comparison = {
      previousRunId: 6,
      newFailures: 1,
      resolved: 0,
      ghostCallChanges: [{ host: '127.77.0.10', mac: '001565000010', before: 'refuses', after: 'rings' }],
    };
    const html = reportToHtml(r);
    expect(html).toContain('Since run #6');
    expect(html).toContain('127.77.0.10 (001565000010): refuses → RINGS');
  });

  it('escapeHtml covers attribute and backtick contexts', () => {
    expect(escapeHtml(`<a href='x'>\`&"`)).toBe('&#60;a href=&#39;x&#39;&#62;&#96;&#38;&#34;');
  });
});
