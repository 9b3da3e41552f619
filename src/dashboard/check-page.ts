/** The handset check page: the form, and one phone's verdict, failing rules, provisioning history and every check. */
import type { CheckResult } from './check-service.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { badge, errorBox, findingsTable, list, table, when } from './page-parts.js';

export function checkResultHtml(r: CheckResult, now: Date): Html {
  const p = r.phone;
  const who = [p.vendor, p.model].filter(Boolean).join(' ') || 'Unknown device';
  return html`<section aria-labelledby="verdict-h" class="verdict s-${r.verdict.status}" role="status">
<h2 id="verdict-h">${r.verdict.headline}</h2>${list(r.verdict.reasons)}${r.verdict.howToTell ? html`<p>To tell: ${r.verdict.howToTell}</p>` : ''}
<p class="muted">INVITE probe: ${r.inviteProbe.note}</p></section>
<h2>Who the phone is</h2>
<dl class="facts">
  <dt>Phone</dt><dd>${who}</dd>
  <dt>Firmware</dt><dd>${p.firmware ?? 'unknown'}</dd>
  <dt>Address</dt><dd>${r.host ?? 'unknown'}${r.addressFrom === 'fetch-history' ? ' (from its last fetch)' : ''}</dd>
  <dt>MAC</dt><dd>${p.mac ? (p.inInventory ? html`<a class="mono" href="/devices/${p.mac.replace(/:/g, '')}">${p.mac}</a>` : html`<span class="mono">${p.mac}</span>`) : 'unknown'}</dd>
  <dt>Site</dt><dd>${p.site ?? (p.inInventory ? '' : 'not in the inventory')}${p.disabled ? ' (disabled)' : ''}</dd>
  <dt>Extension</dt><dd>${p.extensions.length ? p.extensions.map((x, i) => `${i ? ', ' : ''}${x}${p.names[i] && p.names[i] !== x ? ` (${p.names[i]})` : ''}`) : '-'}</dd>
</dl>
<h2>Failing rules and their fixes</h2>
${
  r.failures.length
    ? table(
        `${r.failures.length} failing rule(s)`,
        ['Rule', 'Severity', 'What was seen', 'Fix'],
        r.failures.map((f) => [
          html`${f.title}<br><span class="muted mono">${f.check}</span>`,
          badge(f.severity),
          list(f.evidence),
          list(f.fix),
        ]),
      )
    : html`<p>No rule fails.</p>`
}
<h2>Provisioning history</h2>
<p>${r.provisioning.summary}</p>
${
  r.provisioning.files.length
    ? table(
        'What was served, and whether it is current',
        ['File', 'Last served', 'Auth', 'sha256', 'Current?'],
        r.provisioning.files.map((f) => [
          html`<span class="mono">${f.file}</span>`,
          html`${when(f.ts, now)} from ${f.source}`,
          f.auth,
          html`<span class="mono">${f.sha256.slice(0, 16)}…</span>`,
          f.current === undefined ? 'cannot compare' : f.current ? badge('provisioned', 'current') : badge('stale', 'not current'),
        ]),
      )
    : ''
}
${r.notes.length ? html`<h2>Notes</h2>${list(r.notes)}` : ''}
${
  r.findings.length
    ? html`<details><summary>All ${r.findings.length} checks</summary>${findingsTable(
        'Every check',
        r.findings.map((f) => ({
          host: r.host ?? '',
          rule: f.check,
          state: f.state,
          severity: f.severity,
          evidence: f.reason ? [f.reason, ...f.evidence] : f.evidence,
          fix: f.fix,
        })),
      )}</details>`
    : ''
}
<p class="muted">Checked in ${(r.durationMs / 1000).toFixed(1)} s${r.runId !== undefined ? html`; stored as <a href="/audits/${r.runId}">audit #${r.runId}</a>` : ''}.</p>`;
}

export function checkPage(p: { csrf: string; target?: string; result?: CheckResult; error?: string; now: Date; safe?: boolean }): string {
  return layout({
    title: p.result ? `Check ${p.result.target}` : 'Check a handset',
    section: 'check',
    csrf: p.csrf,
    body: html`<h1>Check a handset</h1>
<p class="muted">One phone, one answer: does it ring for a scanner's call? Give its IP address, or its MAC address (ghostguard finds the address from the phone's last configuration fetch). Whenever the phone answers SIP, the check sends a non-ringing INVITE probe (an unsupported <code>Require:</code> a standards-following phone refuses with 420; cancelled at once if the phone alerts anyway); untick it for safe probes only.</p>
<form method="post" action="/check" class="form-row" data-busy="Checking the handset… this takes a few seconds.">
  <input type="hidden" name="_csrf" value="${p.csrf}"><input type="hidden" name="form" value="check">
  <div><label for="target">IP or MAC address <span class="hint">e.g. 127.0.1.5 or 00:15:65:12:34:56</span></label>
  <input type="text" id="target" name="target" value="${p.target ?? ''}" required autocomplete="off" autocapitalize="none" spellcheck="false"${p.result ? '' : html` autofocus`}></div>
  <div><label><input type="checkbox" name="invite" value="on"${p.safe ? '' : html` checked`}> Send the non-ringing INVITE probe</label></div>
  <button type="submit">Check</button>
</form>
<p data-busy-text role="status"></p>
${errorBox(p.error)}
${p.result ? checkResultHtml(p.result, p.now) : ''}`,
  });
}
