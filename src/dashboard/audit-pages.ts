/** The audits section: the run list with the start form and trend, and one run with its findings per host. */
import type { GhostCallVerdict } from '../model/ghost-call.js';
import { VERDICT_LABELS, verdictCountsLine } from '../model/ghost-call-words.js';
import type { TrendSeries } from '../schedule/trend.js';
import { GHOST_CALL_ROW, ghostCallOfRow } from '../store/audit-store.js';
import type { StoredFinding } from '../store/store.js';
import type { AuditRunView } from './audit-runs.js';
import { html } from './html.js';
import { layout } from './layout.js';
import { badge, displayMac, errorBox, findingsTable, table, when } from './page-parts.js';
import { trendSection } from './trend-section.js';

function progressText(v: AuditRunView): string {
  const pr = v.progress;
  return pr ? `${pr.done} of ${pr.total} hosts scanned, ${pr.phones} phone(s) found` : '';
}

function summaryText(summary: unknown): string {
  const s = summary as
    | {
        hostsScanned?: number;
        hostsPlanned?: number;
        phones?: number;
        findings?: { fail?: number };
        ghostCalls?: Record<GhostCallVerdict, number>;
      }
    | undefined;
  if (!s || typeof s !== 'object') return '';
  const calls = s.ghostCalls && typeof s.ghostCalls === 'object' ? `; ${verdictCountsLine(s.ghostCalls)}` : '';
  return `${s.hostsScanned ?? '?'} of ${s.hostsPlanned ?? '?'} hosts, ${s.phones ?? 0} phone(s), ${s.findings?.fail ?? 0} failing finding(s)${calls}`;
}

export function auditsPage(p: {
  runs: AuditRunView[];
  trend?: TrendSeries[];
  csrf: string;
  error?: string;
  targets?: string;
  exclude?: string;
  allowed?: readonly string[];
  now: Date;
}): string {
  return layout({
    title: 'Audits',
    section: 'audits',
    csrf: p.csrf,
    body: html`<h1>Audit runs</h1>
<h2>Start an audit</h2>
<form method="post" action="/audits">
  <input type="hidden" name="_csrf" value="${p.csrf}">
  <label for="targets">Targets <span class="hint">addresses, ranges or CIDRs, separated by spaces or commas: 127.0.1.0/24, 127.0.2.10-40</span></label>
  <input type="text" id="targets" name="targets" value="${p.targets ?? ''}" required autocomplete="off" spellcheck="false">
  <label for="exclude">Exclude <span class="hint">optional, same format</span></label>
  <input type="text" id="exclude" name="exclude" value="${p.exclude ?? ''}" autocomplete="off" spellcheck="false">
  <input type="hidden" name="form" value="audit">
  <details><summary>Ports and logins <span class="hint">as the CLI's --sip-ports, --http-ports, --https-ports, --snmp-port, --ssh-ports; empty: the defaults</span></summary>
  <label for="sipPorts">SIP ports <span class="hint">default 5060 and the policy's</span></label><input type="text" id="sipPorts" name="sipPorts" inputmode="numeric" autocomplete="off">
  <label for="httpPorts">Web ports (HTTP) <span class="hint">default 80</span></label><input type="text" id="httpPorts" name="httpPorts" inputmode="numeric" autocomplete="off">
  <label for="httpsPorts">Web ports (HTTPS) <span class="hint">default 443</span></label><input type="text" id="httpsPorts" name="httpsPorts" inputmode="numeric" autocomplete="off">
  <label for="snmpPort">SNMP port <span class="hint">default 161</span></label><input type="text" id="snmpPort" name="snmpPort" inputmode="numeric" autocomplete="off">
  <label for="sshPorts">SSH ports <span class="hint">default none; an SSH banner on one fails ssh-off, e.g. 22</span></label><input type="text" id="sshPorts" name="sshPorts" inputmode="numeric" autocomplete="off">
  <div><label><input type="checkbox" name="defaultLogin" value="on" checked> Try the factory web login once per phone</label></div>
  <div><label><input type="checkbox" name="plainHttpLogin" value="on"> Allow provisioned admin passwords over plain HTTP</label></div>
  </details>
  <div><label><input type="checkbox" name="intrusive" value="on"> Send the non-ringing INVITE probe (an unsupported <code>Require:</code>; cancelled at once if a phone alerts anyway)</label></div>
  <p class="hint">Without the INVITE probe only SIP OPTIONS, web and SNMP probes are sent.${p.allowed ? html` Allowed ranges (server.auditAllow): ${p.allowed.join(', ')}.` : ''}</p>
  <p><button type="submit">Start audit</button></p>
</form>
${errorBox(p.error)}
${p.trend ? trendSection(p.trend, p.now) : ''}
<h2>Recent runs</h2>
${table(
  'Audit runs and handset checks, newest first',
  ['Run', 'Started', 'Targets', 'Status', 'Result'],
  p.runs.map((r) => [
    html`<a href="/audits/${r.id}">#${r.id}</a>`,
    when(r.startedAt, p.now),
    html`<span class="mono">${r.targets.join(' ')}</span>`,
    badge(r.status),
    r.status === 'running' ? progressText(r) : (r.error ?? summaryText(r.summary)),
  ]),
)}`,
  });
}

export function auditPage(p: { run: AuditRunView; findings: StoredFinding[]; all: boolean; csrf: string; now: Date }): string {
  const r = p.run;
  const running = r.status === 'running';
  const shown = p.all ? p.findings : p.findings.filter((f) => f.state === 'fail');
  const hosts = [...new Set(p.findings.map((f) => f.host))];
  const byHost = hosts.map((h) => {
    const all = p.findings.filter((f) => f.host === h);
    const who = all.find((f) => f.vendor || f.mac);
    const ghostCall = ghostCallOfRow(all.find((f) => f.rule === GHOST_CALL_ROW));
    return {
      host: h,
      who,
      ghostCall,
      findings: shown.filter((f) => f.host === h && f.rule !== GHOST_CALL_ROW),
      failing: all.filter((f) => f.state === 'fail').length,
    };
  });
  return layout({
    title: `Audit #${r.id}`,
    section: 'audits',
    csrf: p.csrf,
    head: running ? html`<noscript><meta http-equiv="refresh" content="3"></noscript>` : undefined,
    body: html`<p><a href="/audits">← Audit runs</a></p>
<h1>Audit #${r.id} ${badge(r.status)}</h1>
<dl class="facts"><dt>Targets</dt><dd class="mono">${r.targets.join(' ')}</dd>
<dt>Started</dt><dd>${when(r.startedAt, p.now)}</dd>
${r.finishedAt ? html`<dt>Finished</dt><dd>${when(r.finishedAt, p.now)}</dd>` : ''}
${r.summary ? html`<dt>Result</dt><dd>${summaryText(r.summary)}</dd>` : ''}
${r.incomplete ? html`<dt>Incomplete</dt><dd>${r.incomplete}</dd>` : ''}</dl>
${r.error ? html`<div class="error" role="alert">The audit failed: ${r.error}</div>` : ''}
${
  running
    ? html`<div data-audit-progress data-url="/api/audits/${r.id}"><label for="progress">Progress</label>
<progress id="progress" max="${Math.max(1, r.progress?.total ?? 1)}" value="${r.progress?.done ?? 0}"></progress>
<p data-progress-text aria-live="polite">${progressText(r) || 'starting…'}</p></div>`
    : ''
}
${r.status === 'interrupted' ? html`<p class="notice">This run did not finish in this server process (it was interrupted, or is running elsewhere).</p>` : ''}
${
  !running && p.findings.length
    ? html`<h2>Findings</h2>
<p>${hosts.length} host(s) answered. ${p.all ? html`Showing every check. <a href="/audits/${r.id}">Show failing only</a>` : html`Showing failing checks only. <a href="/audits/${r.id}?all=1">Show every check</a>`}</p>
${byHost.map(
  (
    h,
  ) => html`<h3><span class="mono">${h.host}</span> — ${h.failing ? badge('fail', `${h.failing} failing`) : badge('pass', 'nothing failing')}${h.ghostCall ? html` ${badge(h.ghostCall.verdict, `ghost call: ${VERDICT_LABELS[h.ghostCall.verdict]}`)}` : ''}</h3>
${h.ghostCall ? html`<p>${h.ghostCall.evidence[0] ?? ''}${h.ghostCall.howToTell ? html` <span class="muted">To tell: ${h.ghostCall.howToTell}</span>` : ''}</p>` : ''}
${h.who ? html`<p class="muted">${[h.who.vendor, h.who.model].filter(Boolean).join(' ') || 'unidentified'}${h.who.mac ? html`, MAC <a class="mono" href="/devices/${h.who.mac}">${displayMac(h.who.mac)}</a>` : ''}</p>` : ''}
${h.findings.length ? findingsTable(`Findings for ${h.host}`, h.findings) : ''}`,
)}`
    : ''
}
${!running && r.status === 'finished' && p.findings.length === 0 ? html`<p>Nothing answered in the targets.</p>` : ''}`,
  });
}
