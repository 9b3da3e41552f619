/** The security events page, and the events table the device page shares. */
import type { SecurityEvent } from '../store/store.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { badge, displayMac, errorBox, select, table, when } from './page-parts.js';

/** `known`: whether a MAC is an inventory device (its device page); an unknown one links to the adopt form instead. */
export function eventsTable(
  events: readonly SecurityEvent[],
  now: Date,
  caption: string,
  known: (mac: string) => boolean = () => true,
): Html {
  const macCell = (mac: string) =>
    known(mac)
      ? html`<a class="mono" href="/devices/${mac}">${displayMac(mac)}</a>`
      : html`<span class="mono">${displayMac(mac)}</span><br><a href="/adopt?mac=${mac}">not in the inventory: adopt</a>`;
  return table(
    caption,
    ['Time', 'Severity', 'Reason', 'Source', 'MAC', 'File', 'Detail'],
    events.map((e) => [
      when(e.ts, now),
      badge(e.severity),
      e.reason,
      e.source ?? '',
      e.mac ? macCell(e.mac) : '',
      html`<span class="mono">${e.file ?? ''}</span>`,
      e.detail ?? '',
    ]),
  );
}

export function eventsPage(p: {
  events: SecurityEvent[];
  reasons: readonly string[];
  reason?: string;
  mac?: string;
  csrf: string;
  now: Date;
  error?: string;
  known?: (mac: string) => boolean;
}): string {
  return layout({
    title: 'Security events',
    section: 'events',
    csrf: p.csrf,
    body: html`<h1>Security events</h1>
<form method="get" action="/events" class="form-row" role="search" aria-label="Filter events">
  ${select(
    'reason',
    'Reason',
    p.reasons.map((r) => ({ value: r, label: r })),
    p.reason,
  )}
  <div><label for="f-mac">MAC</label><input type="search" id="f-mac" name="mac" value="${p.mac ?? ''}" autocomplete="off"></div>
  <button type="submit">Filter</button>
</form>
${errorBox(p.error)}
${eventsTable(p.events, p.now, `${p.events.length} most recent event(s)`, p.known)}`,
  });
}
