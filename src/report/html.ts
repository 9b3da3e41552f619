/** A self-contained HTML report: inline CSS, no script, a CSP that forbids loading anything. Every value is escaped. */
import type { AuditReport, Finding, HostReport } from '../auditor/findings.js';
import { html, join, raw, type Html } from '../model/html.js';
import { summaryLine } from './text-table.js';

const STYLE = raw(`body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%;margin:.5em 0 2em}
th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}th{background:#f3f3f3}
.fail{background:#fde2e1}.unknown{background:#fff5d6}.unsupported{background:#eceff5}.pass{color:#3a7d3a}.disabled{color:#888}
ul{margin:0;padding-left:1.2em}h2{font-size:1.1em;margin-bottom:.2em}.meta{color:#555}`);

function list(items: readonly string[]): Html | '' {
  return items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : '';
}

function row(f: Finding): Html {
  const reason = f.reason ? html`<p>${f.reason}</p>` : '';
  return html`<tr class="${f.state}"><td>${f.check}</td><td>${f.state}</td><td>${f.severity}</td><td>${reason}${list(f.evidence)}</td><td>${list(f.fix)}</td></tr>`;
}

function host(h: HostReport): Html {
  const device = h.vendor ? [h.vendor, h.model, h.firmware].filter(Boolean).join(' ') : 'unidentified';
  const title = `${h.host}${h.label ? ` (${h.label})` : ''} — ${device}`;
  const mac = h.mac ? `MAC ${h.mac} (${h.macSource ?? ''}) · ` : '';
  const header = html`<tr><th>check</th><th>state</th><th>severity</th><th>evidence</th><th>fix</th></tr>`;
  return html`<h2>${title}</h2><p class="meta">${`${mac}identity: ${h.identity}`}</p><details><summary>probes</summary>${list(h.probes)}</details><table>${header}${h.findings.map(row)}</table>`;
}

export function reportToHtml(report: AuditReport): string {
  const s = report.summary;
  const meta = `${report.startedAt} → ${report.finishedAt} · targets ${report.targets.join(' ')}${report.exclude.length ? ` · excluding ${report.exclude.join(' ')}` : ''}`;
  const counts = `${s.hostsScanned}/${s.hostsPlanned} hosts scanned, ${s.hostsResponsive} answered, ${s.phones} phones identified`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>ghostguard audit ${report.startedAt}</title><style>${STYLE}</style></head>
<body><h1>ghostguard audit${report.runId !== undefined ? ` #${report.runId}` : ''}</h1>
<p class="meta">${meta}</p><p>${counts}<br>${summaryLine(report)}</p>
${report.incomplete ? html`<p class="fail">Incomplete: ${report.incomplete}</p>` : ''}
${join(report.hosts.map(host), '\n')}
</body></html>
`.text;
}
