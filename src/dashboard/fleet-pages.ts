/** The fleet section: the overview with counts and the device list, and one device in detail. */
import type { GhostCall } from '../model/ghost-call.js';
import { VERDICT_HEADLINES, VERDICT_LABELS } from '../model/ghost-call-words.js';
import { subnetOf } from '../provisioning/abuse-guard.js';
import type { Enrolment, FetchRecord } from '../store/store.js';
import type { DeviceDetail, RenderedConfig } from './device-detail.js';
import { DEVICE_STATES, STATE_LABELS, type DeviceRow } from './device-row.js';
import { eventsTable } from './events-page.js';
import type { FleetFilter, FleetOverview } from './fleet.js';
import type { UnmanagedPhone } from './unmanaged.js';
import { html, join, query, type Fragment, type Html } from './html.js';
import { layout } from './layout.js';
import { theftBanner } from './theft-banner.js';
import type { TheftSignal } from './theft.js';
import { badge, displayMac, findingsTable, list, select, table, when } from './page-parts.js';
import { resyncForm } from './resync-page.js';

function stateCounts(caption: string, label: string, counts: FleetOverview['bySite'], param: 'site' | 'vendor'): Html {
  const keys = Object.keys(counts).sort();
  return table(
    caption,
    [label, ...DEVICE_STATES.map((s) => STATE_LABELS[s]), 'Total'],
    keys.map((k) => {
      const c = counts[k]!;
      return [
        html`<a href="/${query({ [param]: k })}">${k}</a>`,
        ...DEVICE_STATES.map((s) => (c[s] ? html`<a href="/${query({ [param]: k, state: s })}">${c[s]}</a>` : '0')),
        String(DEVICE_STATES.reduce((n, s) => n + c[s], 0)),
      ];
    }),
    'counts',
  );
}

function deviceRow(d: DeviceRow, now: Date): Fragment[] {
  return [
    html`<a href="/devices/${d.mac}" class="mono">${displayMac(d.mac)}</a>`,
    html`${d.vendor} ${d.model}`,
    d.site,
    d.extensions.join(', ') || '-',
    html`${badge(d.state, STATE_LABELS[d.state])}<span class="visually-hidden">: </span><br><span class="muted">${d.stateReason}</span>`,
    d.lastFetch
      ? html`${when(d.lastFetch.ts, now)}<br><span class="muted">${d.lastFetch.file}${d.lastFetch.status === 200 ? '' : ` (${d.lastFetch.status})`}</span>`
      : html`<span class="muted">never</span>`,
    d.audit?.ghostCall
      ? badge(d.audit.ghostCall.verdict, VERDICT_LABELS[d.audit.ghostCall.verdict])
      : html`<span class="muted">not audited</span>`,
    d.audit
      ? html`<a href="/audits/${d.audit.runId}">#${d.audit.runId}</a>: ${d.audit.failing.length ? `${d.audit.failing.length} failing` : 'nothing failing'}`
      : html`<span class="muted">none</span>`,
  ];
}

export function fleetPage(p: {
  overview: FleetOverview;
  filter: FleetFilter;
  now: Date;
  csrf: string;
  theft: TheftSignal[];
  windowHours: number;
}): string {
  const o = p.overview;
  const f = p.filter;
  const filtered = Boolean(f.site || f.vendor || f.state || f.q);
  return layout({
    title: 'Fleet',
    section: 'fleet',
    csrf: p.csrf,
    body: html`<h1>Fleet overview</h1>
${theftBanner(p.theft, p.csrf, p.now, p.windowHours)}
<p class="muted">${o.total} device(s) in the inventory, ${o.sites.length} site(s). Exposed: the latest audit or check found that it rings, or likely rings, for a scanner's call (its ghost-call verdict). Stale: ghostguard would now serve something different, or the last fetch is old.</p>
<div class="cards">${DEVICE_STATES.map((s) => html`<a class="card" href="/${query({ state: s })}"><strong>${o.byState[s]}</strong>${badge(s, STATE_LABELS[s])}</a>`)}</div>
<h2>By site</h2>${stateCounts('Devices by site and state', 'Site', o.bySite, 'site')}
<h2>By vendor</h2>${stateCounts('Devices by vendor and state', 'Vendor', o.byVendor, 'vendor')}
<h2 id="devices">Devices</h2>
<form method="get" action="/" class="form-row" role="search" aria-label="Filter devices">
  ${select(
    'site',
    'Site',
    o.sites.map((s) => ({ value: s, label: s })),
    f.site,
  )}
  ${select(
    'vendor',
    'Vendor',
    o.vendors.map((v) => ({ value: v, label: v })),
    f.vendor,
  )}
  ${select(
    'state',
    'State',
    DEVICE_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })),
    f.state,
  )}
  <div><label for="f-q">MAC, extension or model</label><input type="search" id="f-q" name="q" value="${f.q ?? ''}"></div>
  <button type="submit">Filter</button>
</form>
${filtered ? html`<p><a href="/">Clear the filter</a></p>` : ''}
${table(
  `${o.devices.length} device(s)${filtered ? ' matching the filter' : ''}`,
  ['MAC', 'Model', 'Site', 'Extension', 'State', 'Last fetch', 'Ghost call', 'Last audit'],
  o.devices.map((d) => deviceRow(d, p.now)),
)}
${unmanagedSection(o.unmanaged, p.now)}`,
  });
}

function historyTable(history: FetchRecord[], now: Date): Html {
  return table(
    'Fetch history (newest first)',
    ['Time', 'File', 'Status', 'Auth', 'From', 'sha256'],
    history.map((h) => [
      when(h.ts, now),
      html`<span class="mono">${h.file}</span>`,
      String(h.status),
      h.auth,
      h.source,
      html`<span class="mono">${h.sha256 ? `${h.sha256.slice(0, 16)}…` : '-'}</span>`,
    ]),
  );
}

function configSection(c: RenderedConfig): Html {
  const diff = c.diff?.hunks.length
    ? html`<h4>Diff: last served → now</h4><pre class="diff" aria-label="Changes since the last fetch">${join(
        c.diff.hunks.map((h) =>
          join(
            h.map(
              (l) =>
                html`<span class="${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}">${l.op === ' ' ? '  ' : `${l.op} `}${l.text}</span>`,
            ),
          ),
        ),
        html`<hr>`,
      )}</pre>`
    : '';
  return html`<h3><span class="mono">${c.file}</span></h3>
${
  c.error
    ? html`<p class="error">${c.error}</p>`
    : html`
<dl class="facts"><dt>Firmware</dt><dd>${c.firmware ?? 'unknown'}${c.family ? ` (family ${c.family})` : ''}</dd>
<dt>sha256 now</dt><dd class="mono">${c.sha256 ?? '-'}</dd>
<dt>Last served</dt><dd>${c.lastServed ? html`<span class="mono">${c.lastServed.sha256}</span>` : 'never'}</dd>
<dt>Compared</dt><dd>${c.current === undefined ? '' : c.current ? badge('provisioned', 'current') : badge('stale', 'differs')} ${c.diffNote ?? ''}</dd></dl>
${diff}
<details><summary>Rendered config (secrets masked)</summary><pre>${c.body ?? ''}</pre></details>`
}`;
}

/** Only what is enforced: with server.pinSource none the first source is a fact, not a restriction. */
function pinLabel(e: Enrolment, pinSource: DeviceDetail['pinSource']): string {
  if (!e.pinnedSource) return '';
  if (pinSource === 'address') return `, pinned to ${e.pinnedSource}`;
  if (pinSource === 'subnet') return `, pinned to ${subnetOf(e.pinnedSource)}`;
  return `, first fetched from ${e.pinnedSource} (not pinned: server.pinSource is none, any address with the credentials may fetch)`;
}

function unmanagedSection(phones: readonly UnmanagedPhone[], now: Date): Html {
  if (!phones.length)
    return html`<h2 id="unmanaged">Unmanaged phones</h2><p class="muted">No audit found a phone outside the inventory that rings for scanners.</p>`;
  return html`<h2 id="unmanaged">Unmanaged phones that ring</h2>
<p class="muted">Audits found these phones ringing, or likely ringing, for a scanner's call, and the inventory does not list them: nothing hardens them. Adopt one to add it to the inventory and open its enrolment.</p>
${table(
  `${phones.length} unmanaged phone(s)`,
  ['Address', 'MAC', 'Device', 'Ghost call', 'Seen', 'Action'],
  phones.map((u) => [
    html`<span class="mono">${u.host}</span>`,
    u.mac ? html`<span class="mono">${displayMac(u.mac)}</span>` : html`<span class="muted">unknown</span>`,
    [u.vendor, u.model].filter(Boolean).join(' ') || 'unidentified',
    html`${badge(u.ghostCall.verdict, VERDICT_LABELS[u.ghostCall.verdict])}<br><span class="muted">${u.ghostCall.evidence[0] ?? ''}</span>`,
    html`<a href="/audits/${u.runId}">#${u.runId}</a>, ${when(u.at, now)}`,
    u.mac ? html`<a href="/adopt?mac=${u.mac}">Adopt</a>` : html`<span class="muted">MAC unknown: cannot adopt</span>`,
  ]),
)}`;
}

function ghostCallSection(g: GhostCall | undefined): Html | string {
  if (!g) return '';
  return html`<section class="verdict s-${g.verdict}" aria-label="Ghost-call verdict"><h3>${VERDICT_HEADLINES[g.verdict]}</h3>${list(g.evidence)}${g.howToTell ? html`<p>To tell: ${g.howToTell}</p>` : ''}</section>`;
}

export function devicePage(p: { d: DeviceDetail; now: Date; csrf: string; theft: TheftSignal[] }): string {
  const { d } = p;
  const r = d.row;
  const e = d.enrolment;
  return layout({
    title: `Device ${displayMac(r.mac)}`,
    section: 'fleet',
    csrf: p.csrf,
    body: html`<p><a href="/">← Fleet</a></p>
<h1>${r.vendor} ${r.model} <span class="mono">${displayMac(r.mac)}</span></h1>
${theftBanner(p.theft, p.csrf, p.now, d.enrolmentWindowHours)}
<p>${badge(r.state, STATE_LABELS[r.state])} ${r.stateReason}</p>
<form method="post" action="/check" data-busy="Checking the handset… this takes a few seconds.">
  <input type="hidden" name="_csrf" value="${p.csrf}"><input type="hidden" name="target" value="${displayMac(r.mac)}">
  <button type="submit">Check this handset now</button> <span data-busy-text role="status"></span>
</form>
<dl class="facts">
  <dt>Site</dt><dd>${r.site}</dd>
  <dt>Lines</dt><dd>${d.lines.length ? d.lines.map((l, i) => html`${i ? ', ' : ''}${l.extension}${l.displayName !== l.extension ? ` (${l.displayName})` : ''}`) : 'none'}</dd>
  <dt>Enrolment</dt><dd>${e ? (e.closedAt ? html`closed ${when(e.closedAt, p.now)}${pinLabel(e, d.pinSource)}` : html`open until ${when(e.expiresAt, p.now)}`) : 'none'}</dd>
  <dt>Enrol</dt><dd><form method="post" action="/devices/${r.mac}/enrol" class="inline">
    <input type="hidden" name="_csrf" value="${p.csrf}">
    <button type="submit">Open an enrolment window (${d.enrolmentWindowHours} h)</button>
    <span class="muted">the phone may then fetch once without credentials, e.g. after a factory reset</span>
  </form></dd>
  <dt>Resync</dt><dd>${resyncForm(r.mac, p.csrf)}</dd>
  <dt>Credentials</dt><dd>generation ${d.credentials.generation}${d.credentials.previousGeneration !== undefined ? ` (generation ${d.credentials.previousGeneration} still accepted until the phone fetches)` : ''}</dd>
</dl>
<h2>Provisioning</h2>
<p>${d.provisioning.summary}</p>
${historyTable(d.history, p.now)}
<h2>Last audit</h2>
${d.lastAudit ? html`<p>From <a href="/audits/${d.lastAudit.runId}">audit #${d.lastAudit.runId}</a>, ${when(d.lastAudit.at, p.now)}.</p>${ghostCallSection(r.audit?.ghostCall)}${findingsTable('Findings of the last audit', d.lastAudit.findings)}` : html`<p class="muted">No audit or check has reached this phone yet.</p>`}
<h2>Configuration</h2>
<p class="muted">What ghostguard would serve this phone now, compared with what it last fetched. Secrets are masked.</p>
${d.configs.map(configSection)}
<h2>Security events</h2>
${eventsTable(d.events, p.now, 'Recent security events for this device')}`,
  });
}
