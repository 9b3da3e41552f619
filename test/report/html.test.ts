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
    expect(html).toContain('<tr class="fail"><td>sip-trusted-only</td>');
  });

  it('escapeHtml covers attribute and backtick contexts', () => {
    expect(escapeHtml(`<a href='x'>\`&"`)).toBe('&#60;a href=&#39;x&#39;&#62;&#96;&#38;&#34;');
  });
});
