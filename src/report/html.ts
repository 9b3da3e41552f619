/**
 * A self-contained HTML report: inline CSS, no script, a CSP that forbids loading anything; every value escaped.
 * Summary first (the phones that ring, then every host by risk), the run-to-run changes when there was a previous run,
 * then one collapsible block per host. Readable on a phone-sized screen: tables turn into cards below 40em.
 */
import type { AuditReport, Finding, HostReport } from '../auditor/findings.js';
import { VERDICT_HEADLINES, VERDICT_LABELS, verdictCountsLine } from '../model/ghost-call-words.js';
import { html, join, raw, type Html } from '../model/html.js';
import { byRisk, summaryLine } from './text-table.js';

const STYLE = raw(`body{font:15px/1.45 system-ui,sans-serif;margin:1em auto;padding:0 1em;max-width:70em;color:#222}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3}td{overflow-wrap:anywhere}.fail{background:#fde2e1}.unknown{background:#fff5d6}.unsupported{background:#eceff5}
.pass{color:#3a7d3a}.disabled{color:#888}ul{margin:0;padding-left:1.2em}h2{font-size:1.15em;margin:1.2em 0 .3em}.meta{color:#555}
.v{display:inline-block;padding:0 .4em;border-radius:.3em;font-weight:600}.v-rings,.v-likely-rings{background:#fde2e1;color:#8a1c14}
.v-unknown{background:#fff5d6;color:#6b5200}.v-refuses,.v-ignores{background:#e3f3e3;color:#245c24}
details{border:1px solid #ddd;border-radius:.3em;margin:.4em 0;padding:.3em .6em}summary{cursor:pointer}
@media (max-width:40em){body{margin:.5em;padding:0}table,thead,tbody,tr,td,th{display:block;width:auto}tr:first-child{display:none}
tr{border:1px solid #ccc;margin:.4em 0}td{border:0;border-top:1px solid #eee}td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}`);

const verdictBadge = (h: HostReport): Html => html`<span class="v v-${h.ghostCall.verdict}">${VERDICT_LABELS[h.ghostCall.verdict]}</span>`;

function list(items: readonly string[]): Html | '' {
  return items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : '';
}

const cell = (label: string, content: Html | string): Html => html`<td data-label="${label}">${content}</td>`;

function deviceName(h: HostReport): string {
  return h.vendor ? [h.vendor, h.model, h.firmware].filter(Boolean).join(' ') : 'unidentified';
}

function row(f: Finding): Html {
  const reason = f.reason ? html`<p>${f.reason}</p>` : '';
  return html`<tr class="${f.state}">${cell('check', f.check)}${cell('state', f.state)}${cell('severity', f.severity)}${cell('evidence', html`${reason}${list(f.evidence)}`)}${cell('fix', html`${list(f.fix)}`)}</tr>`;
}

function summaryTable(hosts: readonly HostReport[]): Html {
  if (!hosts.length) return html`<p>No host answered.</p>`;
  const rows = byRisk(hosts).map(
    (h) =>
      html`<tr>${cell('host', html`<a href="#h-${h.host}">${h.host}</a>`)}${cell('ghost call', html`${verdictBadge(h)}${h.incomplete ? ' (incomplete)' : ''}`)}${cell('device', deviceName(h))}${cell('MAC', h.mac ?? '')}${cell('why', h.ghostCall.evidence[0] ?? '')}</tr>`,
  );
  return html`<table><tr><th>host</th><th>ghost call</th><th>device</th><th>MAC</th><th>why</th></tr>${rows}</table>`;
}

function host(h: HostReport): Html {
  const title = `${h.host}${h.label ? ` (${h.label})` : ''} — ${deviceName(h)}`;
  const mac = h.mac ? `MAC ${h.mac} (${h.macSource ?? ''}) · ` : '';
  const g = h.ghostCall;
  const open = g.verdict === 'rings' || g.verdict === 'likely-rings' ? raw(' open') : '';
  const header = html`<tr><th>check</th><th>state</th><th>severity</th><th>evidence</th><th>fix</th></tr>`;
  const summary = html`<summary>${verdictBadge(h)} ${title}${h.incomplete ? ' — incomplete' : ''}</summary>`;
  const verdict = html`<p><strong>${VERDICT_HEADLINES[g.verdict]}</strong></p>${list(g.evidence)}${g.howToTell ? html`<p>To tell: ${g.howToTell}</p>` : ''}`;
  return html`<details id="h-${h.host}"${open}>${summary}<p class="meta">${`${mac}identity: ${h.identity}`}</p>${verdict}<details><summary>probes</summary>${list(h.probes)}</details><table>${header}${h.findings.map(row)}</table></details>`;
}

function changes(report: AuditReport): Html | '' {
  const c = report.comparison;
  if (!c) return '';
  const moved = c.ghostCallChanges ?? [];
  const items = moved.map(
    (m) =>
      `${m.host}${m.mac ? ` (${m.mac})` : ''}: ${m.before ? VERDICT_LABELS[m.before] : 'not seen'} → ${m.after ? VERDICT_LABELS[m.after] : 'not seen'}`,
  );
  return html`<h2>Since run #${c.previousRunId}</h2><p>${`${c.newFailures} new failing findings, ${c.resolved} resolved; ${moved.length} ghost-call verdict${moved.length === 1 ? '' : 's'} changed`}</p>${list(items)}`;
}

export function reportToHtml(report: AuditReport): string {
  const s = report.summary;
  const meta = `${report.startedAt} → ${report.finishedAt} · targets ${report.targets.join(' ')}${report.exclude.length ? ` · excluding ${report.exclude.join(' ')}` : ''}`;
  const counts = `${s.hostsScanned}/${s.hostsPlanned} hosts scanned, ${s.hostsResponsive} answered, ${s.phones} phones identified`;
  const cutOff = report.incompleteHosts?.length ? html`<p>Cut off: ${report.incompleteHosts.map((x) => x.host).join(', ')}</p>` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ghostguard audit ${report.startedAt}</title><style>${STYLE}</style></head>
<body><h1>ghostguard audit${report.runId !== undefined ? ` #${report.runId}` : ''}</h1>
<p class="meta">${meta}</p>
<p><strong>${verdictCountsLine(s.ghostCalls)}</strong><br>${counts}<br>${summaryLine(report)}</p>
${report.incomplete ? html`<p class="fail">Incomplete: ${report.incomplete}</p>${cutOff}` : ''}
<h2>Hosts by risk</h2>
${summaryTable(report.hosts)}
${changes(report)}
<h2>Per host</h2>
${join(byRisk(report.hosts).map(host), '\n')}
</body></html>
`.text;
}
