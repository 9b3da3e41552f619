/** The security events page, and the events table the device page shares. */
import type { SecurityEvent } from '../store/store.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { badge, displayMac, errorBox, select, table, when } from './page-parts.js';

export function eventsTable(events: readonly SecurityEvent[], now: Date, caption: string): Html {
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
