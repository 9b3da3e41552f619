/** The dashboard's HTML pages: pure functions from data to markup. Every value is escaped by the `html` template. */
import { CHECK_TITLES, type CheckId } from '../auditor/findings.js';
import type { StoredFinding } from '../store/audit-store.js';
import type { FetchRecord, SecurityEvent } from '../store/store.js';
import { ASSET_PATHS } from './assets.js';
import type { AuditRunView } from './audit-runs.js';
import type { CheckResult } from './check-service.js';
import { DEVICE_STATES, STATE_LABELS, displayMac, type DeviceDetail, type DeviceRow, type FleetFilter, type FleetOverview, type RenderedConfig } from './fleet.js';
import { html, join, query, type Fragment, type Html } from './html.js';
import type { TrendPoint, TrendSeries } from '../schedule/trend.js';
import { formatDuration } from '../schedule/log.js';

export type Section = 'fleet' | 'check' | 'audits' | 'events' | 'none';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'fleet', href: '/', label: 'Fleet' },
  { section: 'check', href: '/check', label: 'Check a handset' },
  { section: 'audits', href: '/audits', label: 'Audits' },
  { section: 'events', href: '/events', label: 'Security events' },
];

export interface LayoutInput {
  title: string;
  section: Section;
  /** CSRF token for the logout form; absent on the login page (no navigation) */
  csrf?: string;
  body: Fragment;
  /** extra <head> markup (trusted) */
  head?: Html;
}

export function layout(p: LayoutInput): string {
  const nav = p.csrf === undefined ? '' : html`
<header class="top">
  <a class="brand" href="/">ghostguard</a>
  <nav aria-label="Main"><ul>${NAV.map((n) => html`<li><a href="${n.href}"${n.section === p.section ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}
    <li><a href="/api/openapi.json">API</a></li></ul></nav>
  <form method="post" action="/logout"><input type="hidden" name="_csrf" value="${p.csrf}"><button type="submit" class="secondary">Log out</button></form>
</header>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · ghostguard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${ASSET_PATHS.css}">
${p.csrf === undefined ? '' : html`<script src="${ASSET_PATHS.js}" defer></script>`}
${p.head}</head>
<body><a class="skip" href="#main">Skip to content</a>${nav}
<main id="main" tabindex="-1">
${p.body}
</main></body></html>
`.text;
}

// ---------- small pieces ----------

export function when(iso: string | undefined, now = new Date()): Html {
  if (!iso) return html`<span class="muted">never</span>`;
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return html`${iso}`;
  const text = new Date(t).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  return html`<time datetime="${iso}">${text}</time> <span class="muted">(${ago(now.getTime() - t)})</span>`;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 0) return 'in the future';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

export function badge(state: string, label = state): Html {
  return html`<span class="badge s-${state.replace(/[^a-z-]/g, '')}">${label}</span>`;
}

function list(items: readonly string[]): Html | string {
  return items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : '';
}

/** A data table; `stack` tables turn into one card per row on narrow screens (each cell labelled with its column). */
function table(caption: string, head: string[], rows: Fragment[][], className = 'stack'): Html {
  return html`<div class="table-wrap"><table class="${className}"><caption>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row" data-label="${head[i]}">${c}</th>` : html`<td data-label="${head[i]}">${c}</td>`))}</tr>`) : html`<tr><td colspan="${head.length}" class="muted">Nothing to show.</td></tr>`}</tbody>
</table></div>`;
}

const checkTitle = (rule: string): string => CHECK_TITLES[rule as CheckId] ?? rule;

function errorBox(message: string | undefined): Html | string {
  return message ? html`<div class="error" role="alert"><strong>Error:</strong> ${message}</div>` : '';
}

function select(name: string, label: string, options: { value: string; label: string }[], selected: string | undefined): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
<option value="">All</option>${options.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}</select></div>`;
}

// ---------- login ----------

export function loginPage(p: { csrf: string; next?: string; error?: string; retryAfter?: number }): string {
  return layout({
    title: 'Log in', section: 'none',
    body: html`<div class="login"><h1>ghostguard — log in</h1>
${errorBox(p.error)}
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${p.csrf}">
  <input type="hidden" name="next" value="${p.next ?? '/'}">
  <label for="username">User name</label>
  <input type="text" id="username" name="username" value="admin" autocomplete="username" required>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
  <p class="hint">The admin password is in <code>$GHOSTGUARD_ADMIN_PASSWORD</code> or in the data directory's <code>admin-password</code> file.</p>
  <p><button type="submit">Log in</button></p>
</form></div>`,
  });
}

// ---------- fleet ----------

function stateCounts(caption: string, label: string, counts: FleetOverview['bySite'], param: 'site' | 'vendor'): Html {
  const keys = Object.keys(counts).sort();
  return table(caption, [label, ...DEVICE_STATES.map((s) => STATE_LABELS[s]), 'Total'], keys.map((k) => {
    const c = counts[k]!;
    return [html`<a href="/${query({ [param]: k })}">${k}</a>`, ...DEVICE_STATES.map((s) => (c[s] ? html`<a href="/${query({ [param]: k, state: s })}">${c[s]}</a>` : '0')),
      String(DEVICE_STATES.reduce((n, s) => n + c[s], 0))];
  }), 'counts');
}

function deviceRow(d: DeviceRow, now: Date): Fragment[] {
  return [
    html`<a href="/devices/${d.mac}" class="mono">${displayMac(d.mac)}</a>`,
    html`${d.vendor} ${d.model}`,
    d.site,
    d.extensions.join(', ') || '-',
    html`${badge(d.state, STATE_LABELS[d.state])}<span class="visually-hidden">: </span><br><span class="muted">${d.stateReason}</span>`,
    d.lastFetch ? html`${when(d.lastFetch.ts, now)}<br><span class="muted">${d.lastFetch.file}${d.lastFetch.status === 200 ? '' : ` (${d.lastFetch.status})`}</span>` : html`<span class="muted">never</span>`,
    d.audit ? html`<a href="/audits/${d.audit.runId}">#${d.audit.runId}</a>: ${d.audit.failing.length ? `${d.audit.failing.length} failing` : 'nothing failing'}` : html`<span class="muted">none</span>`,
  ];
}

export function fleetPage(p: { overview: FleetOverview; filter: FleetFilter; now: Date; csrf: string }): string {
  const o = p.overview;
  const f = p.filter;
  const filtered = Boolean(f.site || f.vendor || f.state || f.q);
  return layout({
    title: 'Fleet', section: 'fleet', csrf: p.csrf,
    body: html`<h1>Fleet overview</h1>
<p class="muted">${o.total} device(s) in the inventory, ${o.sites.length} site(s). Exposed: the latest audit or check found a rule failing that lets scanners ring it (or a critical one). Stale: ghostguard would now serve something different, or the last fetch is old.</p>
<div class="cards">${DEVICE_STATES.map((s) => html`<a class="card" href="/${query({ state: s })}"><strong>${o.byState[s]}</strong>${badge(s, STATE_LABELS[s])}</a>`)}</div>
<h2>By site</h2>${stateCounts('Devices by site and state', 'Site', o.bySite, 'site')}
<h2>By vendor</h2>${stateCounts('Devices by vendor and state', 'Vendor', o.byVendor, 'vendor')}
<h2 id="devices">Devices</h2>
<form method="get" action="/" class="form-row" role="search" aria-label="Filter devices">
  ${select('site', 'Site', o.sites.map((s) => ({ value: s, label: s })), f.site)}
  ${select('vendor', 'Vendor', o.vendors.map((v) => ({ value: v, label: v })), f.vendor)}
  ${select('state', 'State', DEVICE_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })), f.state)}
  <div><label for="f-q">MAC, extension or model</label><input type="search" id="f-q" name="q" value="${f.q ?? ''}"></div>
  <button type="submit">Filter</button>
</form>
${filtered ? html`<p><a href="/">Clear the filter</a></p>` : ''}
${table(`${o.devices.length} device(s)${filtered ? ' matching the filter' : ''}`, ['MAC', 'Model', 'Site', 'Extension', 'State', 'Last fetch', 'Last audit'], o.devices.map((d) => deviceRow(d, p.now)))}`,
  });
}

// ---------- device ----------

function historyTable(history: FetchRecord[], now: Date): Html {
  return table('Fetch history (newest first)', ['Time', 'File', 'Status', 'Auth', 'From', 'sha256'], history.map((h) => [
    when(h.ts, now), html`<span class="mono">${h.file}</span>`, String(h.status), h.auth, h.source, html`<span class="mono">${h.sha256 ? `${h.sha256.slice(0, 16)}…` : '-'}</span>`,
  ]));
}

export function findingsTable(caption: string, findings: readonly StoredFinding[], withHost = false): Html {
  return table(caption, [...(withHost ? ['Host'] : []), 'Rule', 'State', 'Evidence', 'Fix'], findings.map((f) => [
    ...(withHost ? [html`<span class="mono">${f.host}</span>${f.mac ? html`<br><a class="mono" href="/devices/${f.mac}">${displayMac(f.mac)}</a>` : ''}`] : []),
    html`${checkTitle(f.rule)}<br><span class="muted mono">${f.rule}</span>`,
    html`${badge(f.state)} ${badge(f.severity)}`,
    list(f.evidence),
    list(f.fix),
  ]));
}

function configSection(c: RenderedConfig): Html {
  const diff = c.diff && c.diff.hunks.length
    ? html`<h4>Diff: last served → now</h4><pre class="diff" aria-label="Changes since the last fetch">${join(c.diff.hunks.map((h) => join(h.map((l) =>
      html`<span class="${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}">${l.op === ' ' ? '  ' : `${l.op} `}${l.text}</span>`))), html`<hr>`)}</pre>`
    : '';
  return html`<h3><span class="mono">${c.file}</span></h3>
${c.error ? html`<p class="error">${c.error}</p>` : html`
<dl class="facts"><dt>Firmware</dt><dd>${c.firmware ?? 'unknown'}${c.family ? ` (family ${c.family})` : ''}</dd>
<dt>sha256 now</dt><dd class="mono">${c.sha256 ?? '-'}</dd>
<dt>Last served</dt><dd>${c.lastServed ? html`<span class="mono">${c.lastServed.sha256}</span>` : 'never'}</dd>
<dt>Compared</dt><dd>${c.current === undefined ? '' : c.current ? badge('provisioned', 'current') : badge('stale', 'differs')} ${c.diffNote ?? ''}</dd></dl>
${diff}
<details><summary>Rendered config (secrets masked)</summary><pre>${c.body ?? ''}</pre></details>`}`;
}

export function devicePage(p: { d: DeviceDetail; now: Date; csrf: string }): string {
  const { d } = p;
  const r = d.row;
  const e = d.enrolment;
  return layout({
    title: `Device ${displayMac(r.mac)}`, section: 'fleet', csrf: p.csrf,
    body: html`<p><a href="/">← Fleet</a></p>
<h1>${r.vendor} ${r.model} <span class="mono">${displayMac(r.mac)}</span></h1>
<p>${badge(r.state, STATE_LABELS[r.state])} ${r.stateReason}</p>
<form method="post" action="/check" data-busy="Checking the handset… this takes a few seconds.">
  <input type="hidden" name="_csrf" value="${p.csrf}"><input type="hidden" name="target" value="${displayMac(r.mac)}">
  <button type="submit">Check this handset now</button> <span data-busy-text role="status"></span>
</form>
<dl class="facts">
  <dt>Site</dt><dd>${r.site}</dd>
  <dt>Lines</dt><dd>${d.lines.length ? d.lines.map((l, i) => html`${i ? ', ' : ''}${l.extension}${l.displayName !== l.extension ? ` (${l.displayName})` : ''}`) : 'none'}</dd>
  <dt>Enrolment</dt><dd>${e ? (e.closedAt ? html`closed ${when(e.closedAt, p.now)}${e.pinnedSource ? `, pinned to ${e.pinnedSource}` : ''}` : html`open until ${when(e.expiresAt, p.now)}`) : 'none'}</dd>
  <dt>Credentials</dt><dd>generation ${d.credentials.generation}${d.credentials.previousGeneration !== undefined ? ` (generation ${d.credentials.previousGeneration} still accepted until the phone fetches)` : ''}</dd>
</dl>
<h2>Provisioning</h2>
<p>${d.provisioning.summary}</p>
${historyTable(d.history, p.now)}
<h2>Last audit</h2>
${d.lastAudit ? html`<p>From <a href="/audits/${d.lastAudit.runId}">audit #${d.lastAudit.runId}</a>, ${when(d.lastAudit.at, p.now)}.</p>${findingsTable('Findings of the last audit', d.lastAudit.findings)}` : html`<p class="muted">No audit or check has reached this phone yet.</p>`}
<h2>Configuration</h2>
<p class="muted">What ghostguard would serve this phone now, compared with what it last fetched. Secrets are masked.</p>
${d.configs.map(configSection)}
<h2>Security events</h2>
${eventsTable(d.events, p.now, 'Recent security events for this device')}`,
  });
}

// ---------- check ----------

export function checkResultHtml(r: CheckResult, now: Date): Html {
  const p = r.phone;
  const who = [p.vendor, p.model].filter(Boolean).join(' ') || 'Unknown device';
  return html`<section aria-labelledby="verdict-h" class="verdict s-${r.verdict.status}" role="status">
<h2 id="verdict-h">${r.verdict.headline}</h2>${list(r.verdict.reasons)}</section>
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
${r.failures.length ? table(`${r.failures.length} failing rule(s)`, ['Rule', 'Severity', 'What was seen', 'Fix'], r.failures.map((f) => [
    html`${f.title}<br><span class="muted mono">${f.check}</span>`, badge(f.severity), list(f.evidence), list(f.fix),
  ])) : html`<p>No rule fails.</p>`}
<h2>Provisioning history</h2>
<p>${r.provisioning.summary}</p>
${r.provisioning.files.length ? table('What was served, and whether it is current', ['File', 'Last served', 'Auth', 'sha256', 'Current?'], r.provisioning.files.map((f) => [
    html`<span class="mono">${f.file}</span>`, html`${when(f.ts, now)} from ${f.source}`, f.auth, html`<span class="mono">${f.sha256.slice(0, 16)}…</span>`,
    f.current === undefined ? 'cannot compare' : f.current ? badge('provisioned', 'current') : badge('stale', 'not current'),
  ])) : ''}
${r.notes.length ? html`<h2>Notes</h2>${list(r.notes)}` : ''}
${r.findings.length ? html`<details><summary>All ${r.findings.length} checks</summary>${findingsTable('Every check', r.findings.map((f) => ({
    host: r.host ?? '', rule: f.check, state: f.state, severity: f.severity, evidence: f.reason ? [f.reason, ...f.evidence] : f.evidence, fix: f.fix,
  })))}</details>` : ''}
<p class="muted">Checked in ${(r.durationMs / 1000).toFixed(1)} s${r.runId !== undefined ? html`; stored as <a href="/audits/${r.runId}">audit #${r.runId}</a>` : ''}.</p>`;
}

export function checkPage(p: { csrf: string; target?: string; result?: CheckResult; error?: string; now: Date }): string {
  return layout({
    title: p.result ? `Check ${p.result.target}` : 'Check a handset', section: 'check', csrf: p.csrf,
    body: html`<h1>Check a handset</h1>
<p class="muted">One phone, one answer: is it safe from ghost calls? Give its IP address, or its MAC address (ghostguard finds the address from the phone's last configuration fetch). Only safe probes are sent.</p>
<form method="post" action="/check" class="form-row" data-busy="Checking the handset… this takes a few seconds.">
  <input type="hidden" name="_csrf" value="${p.csrf}">
  <div><label for="target">IP or MAC address <span class="hint">e.g. 127.0.1.5 or 00:15:65:12:34:56</span></label>
  <input type="text" id="target" name="target" value="${p.target ?? ''}" required autocomplete="off" autocapitalize="none" spellcheck="false"${p.result ? '' : html` autofocus`}></div>
  <button type="submit">Check</button>
</form>
<p data-busy-text role="status"></p>
${errorBox(p.error)}
${p.result ? checkResultHtml(p.result, p.now) : ''}`,
  });
}

// ---------- audits ----------

function progressText(v: AuditRunView): string {
  const pr = v.progress;
  return pr ? `${pr.done} of ${pr.total} hosts scanned, ${pr.phones} phone(s) found` : '';
}

function summaryText(summary: unknown): string {
  const s = summary as { hostsScanned?: number; hostsPlanned?: number; phones?: number; findings?: { fail?: number } } | undefined;
  if (!s || typeof s !== 'object') return '';
  return `${s.hostsScanned ?? '?'} of ${s.hostsPlanned ?? '?'} hosts, ${s.phones ?? 0} phone(s), ${s.findings?.fail ?? 0} failing finding(s)`;
}

// ---------- scheduled audits: trend ----------

const SPARK = { width: 180, height: 36, pad: 3 } as const;
/** the sparklines show every run of the trend; the table the newest of them */
const TREND_TABLE_ROWS = 10;

/** An inline SVG line of the values (oldest first), with its own scale; the table beside it carries the same numbers. */
function sparkline(values: readonly number[], id: string, label: string, className: string): Html {
  const { width, height, pad } = SPARK;
  const max = Math.max(1, ...values);
  const x = (i: number) => (values.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (values.length - 1));
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const last = values.length - 1;
  return html`<svg class="spark ${className}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" focusable="false">
<title id="${id}-t">${label}</title><desc id="${id}-d">${values.length} run(s), oldest first: ${values.join(', ')}; highest ${Math.max(0, ...values)}.</desc>
<line class="spark-base" x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}"/>
${values.length > 1 ? html`<polyline class="spark-line" fill="none" points="${points}"/>` : ''}
${last >= 0 ? html`<circle class="spark-dot" cx="${x(last).toFixed(1)}" cy="${y(values[last]!).toFixed(1)}" r="3"/>` : ''}
</svg>`;
}

const DELIVERY_LABELS: Readonly<Record<TrendPoint['delivery'], string>> = {
  none: 'nothing changed', 'log-only': 'logged (no webhook)', delivered: 'webhook delivered', failed: 'webhook failed', skipped: 'not compared',
};

function trendSection(series: readonly TrendSeries[], now: Date): Html {
  if (series.length === 0) {
    return html`<h2>Scheduled audits</h2>
<p class="muted">No scheduled audits. Add a <code>schedules:</code> section to the configuration to audit ranges on a schedule and be told (log, webhook) when a phone becomes exposed, an unknown device appears or a phone goes stale.</p>`;
  }
  return html`<h2>Scheduled audits</h2>
<p class="muted">Per schedule, its recent runs. Exposed phones: devices failing a ghost-call rule (SIP from anyone, direct IP calls, INVITE validation, auto-answer). Each run is compared with the schedule's previous complete run; changes are logged and sent to its webhook.</p>
${series.map((s, n) => {
    const newest = [...s.points].reverse();
    const latest = newest[0];
    const id = `trend-${n}`;
    return html`<section class="trend" aria-labelledby="${id}-h">
<h3 id="${id}-h">${s.schedule} ${s.configured ? '' : badge('disabled', 'no longer configured')}</h3>
${s.configured ? html`<p class="muted">Every ${formatDuration(s.everySeconds ?? 0)} on <span class="mono">${(s.targets ?? []).join(' ')}</span>.</p>` : ''}
${latest ? html`<div class="sparks">
<figure>${sparkline(s.points.map((p) => p.exposed), `${id}-e`, `Exposed phones per run, schedule ${s.schedule}`, 'spark-exposed')}
<figcaption>Exposed phones: <strong>${latest.exposed}</strong></figcaption></figure>
<figure>${sparkline(s.points.map((p) => p.failing), `${id}-f`, `Failing findings per run, schedule ${s.schedule}`, 'spark-failing')}
<figcaption>Failing findings: <strong>${latest.failing}</strong></figcaption></figure>
</div>
${table(`Runs of ${s.schedule}, newest first${newest.length > TREND_TABLE_ROWS ? ` (last ${TREND_TABLE_ROWS} of ${newest.length})` : ''}`, ['Run', 'Finished', 'Hosts', 'Phones', 'Exposed phones', 'Failing findings', 'Unknown devices', 'Changes', 'Notification'], newest.slice(0, TREND_TABLE_ROWS).map((p) => [
      html`<a href="/audits/${p.runId}">#${p.runId}</a>`, when(p.finishedAt, now), String(p.hosts), String(p.phones), String(p.exposed), String(p.failing),
      String(p.unknownDevices), p.complete ? String(p.changes) : html`<span class="muted">stopped early</span>`, DELIVERY_LABELS[p.delivery] ?? p.delivery,
    ]), 'counts')}` : html`<p class="muted">No run yet: the first one starts soon after the server does.</p>`}
</section>`;
  })}`;
}

export function auditsPage(p: { runs: AuditRunView[]; trend?: TrendSeries[]; csrf: string; error?: string; targets?: string; exclude?: string; now: Date }): string {
  return layout({
    title: 'Audits', section: 'audits', csrf: p.csrf,
    body: html`<h1>Audit runs</h1>
<h2>Start an audit</h2>
<form method="post" action="/audits">
  <input type="hidden" name="_csrf" value="${p.csrf}">
  <label for="targets">Targets <span class="hint">addresses, ranges or CIDRs, separated by spaces or commas: 127.0.1.0/24, 127.0.2.10-40</span></label>
  <input type="text" id="targets" name="targets" value="${p.targets ?? ''}" required autocomplete="off" spellcheck="false">
  <label for="exclude">Exclude <span class="hint">optional, same format</span></label>
  <input type="text" id="exclude" name="exclude" value="${p.exclude ?? ''}" autocomplete="off" spellcheck="false">
  <p class="hint">Safe probes only (SIP OPTIONS, web, SNMP); no call is placed.</p>
  <p><button type="submit">Start audit</button></p>
</form>
${errorBox(p.error)}
${p.trend ? trendSection(p.trend, p.now) : ''}
<h2>Recent runs</h2>
${table('Audit runs and handset checks, newest first', ['Run', 'Started', 'Targets', 'Status', 'Result'], p.runs.map((r) => [
    html`<a href="/audits/${r.id}">#${r.id}</a>`, when(r.startedAt, p.now), html`<span class="mono">${r.targets.join(' ')}</span>`, badge(r.status),
    r.status === 'running' ? progressText(r) : r.error ?? summaryText(r.summary),
  ]))}`,
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
    return { host: h, who, findings: shown.filter((f) => f.host === h), failing: all.filter((f) => f.state === 'fail').length };
  });
  return layout({
    title: `Audit #${r.id}`, section: 'audits', csrf: p.csrf,
    head: running ? html`<noscript><meta http-equiv="refresh" content="3"></noscript>` : undefined,
    body: html`<p><a href="/audits">← Audit runs</a></p>
<h1>Audit #${r.id} ${badge(r.status)}</h1>
<dl class="facts"><dt>Targets</dt><dd class="mono">${r.targets.join(' ')}</dd>
<dt>Started</dt><dd>${when(r.startedAt, p.now)}</dd>
${r.finishedAt ? html`<dt>Finished</dt><dd>${when(r.finishedAt, p.now)}</dd>` : ''}
${r.summary ? html`<dt>Result</dt><dd>${summaryText(r.summary)}</dd>` : ''}
${r.incomplete ? html`<dt>Incomplete</dt><dd>${r.incomplete}</dd>` : ''}</dl>
${r.error ? html`<div class="error" role="alert">The audit failed: ${r.error}</div>` : ''}
${running ? html`<div data-audit-progress data-url="/api/audits/${r.id}"><label for="progress">Progress</label>
<progress id="progress" max="${Math.max(1, r.progress?.total ?? 1)}" value="${r.progress?.done ?? 0}"></progress>
<p data-progress-text aria-live="polite">${progressText(r) || 'starting…'}</p></div>` : ''}
${r.status === 'interrupted' ? html`<p class="notice">This run did not finish in this server process (it was interrupted, or is running elsewhere).</p>` : ''}
${!running && p.findings.length ? html`<h2>Findings</h2>
<p>${hosts.length} host(s) answered. ${p.all ? html`Showing every check. <a href="/audits/${r.id}">Show failing only</a>` : html`Showing failing checks only. <a href="/audits/${r.id}?all=1">Show every check</a>`}</p>
${byHost.map((h) => html`<h3><span class="mono">${h.host}</span> — ${h.failing ? badge('fail', `${h.failing} failing`) : badge('pass', 'nothing failing')}</h3>
${h.who ? html`<p class="muted">${[h.who.vendor, h.who.model].filter(Boolean).join(' ') || 'unidentified'}${h.who.mac ? html`, MAC <a class="mono" href="/devices/${h.who.mac}">${displayMac(h.who.mac)}</a>` : ''}</p>` : ''}
${h.findings.length ? findingsTable(`Findings for ${h.host}`, h.findings) : ''}`)}` : ''}
${!running && r.status === 'finished' && p.findings.length === 0 ? html`<p>Nothing answered in the targets.</p>` : ''}`,
  });
}

// ---------- events ----------

function eventsTable(events: readonly SecurityEvent[], now: Date, caption: string): Html {
  return table(caption, ['Time', 'Severity', 'Reason', 'Source', 'MAC', 'File', 'Detail'], events.map((e) => [
    when(e.ts, now), badge(e.severity), e.reason, e.source ?? '', e.mac ? html`<a class="mono" href="/devices/${e.mac}">${displayMac(e.mac)}</a>` : '',
    html`<span class="mono">${e.file ?? ''}</span>`, e.detail ?? '',
  ]));
}

export function eventsPage(p: { events: SecurityEvent[]; reasons: readonly string[]; reason?: string; mac?: string; csrf: string; now: Date; error?: string }): string {
  return layout({
    title: 'Security events', section: 'events', csrf: p.csrf,
    body: html`<h1>Security events</h1>
<form method="get" action="/events" class="form-row" role="search" aria-label="Filter events">
  ${select('reason', 'Reason', p.reasons.map((r) => ({ value: r, label: r })), p.reason)}
  <div><label for="f-mac">MAC</label><input type="search" id="f-mac" name="mac" value="${p.mac ?? ''}" autocomplete="off"></div>
  <button type="submit">Filter</button>
</form>
${errorBox(p.error)}
${eventsTable(p.events, p.now, `${p.events.length} most recent event(s)`)}`,
  });
}

export function messagePage(p: { title: string; message: string; csrf?: string }): string {
  return layout({ title: p.title, section: 'none', csrf: p.csrf, body: html`<h1>${p.title}</h1><p>${p.message}</p><p><a href="/">Back to the fleet</a></p>` });
}
