/** The device page's Resync / Reboot form, and the page that reports what was sent to the phone (or why not). */
import type { ResyncTarget } from '../auditor/resync/resync-plan.js';
import type { ResyncResult } from '../auditor/resync/resync-send.js';
import type { PhoneAction } from '../model/vendor-manage.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { displayMac, errorBox } from './page-parts.js';

export function resyncForm(mac: string, csrf: string): Html {
  return html`<form method="post" action="/devices/${mac}/resync" class="inline" data-busy="Contacting the phone…">
    <input type="hidden" name="_csrf" value="${csrf}">
    <button type="submit" name="action" value="resync">Resync now</button>
    <button type="submit" name="action" value="reboot">Reboot</button> <span data-busy-text role="status"></span>
    <span class="muted">through the phone's management interface, with the admin password ghostguard provisioned</span>
  </form>`;
}

const VERB: Record<PhoneAction, string> = { resync: 'Resync', reboot: 'Reboot' };

export function resyncResultPage(p: {
  action: PhoneAction;
  target: ResyncTarget;
  result?: ResyncResult;
  csrf: string;
  error?: string;
}): string {
  const t = p.target;
  const back = html`<p><a href="/devices/${t.mac}">Back to the device</a> — its fetch history shows the phone's next fetch.</p>`;
  const sent = p.result?.outcome.result === 'sent';
  const body = t.ready
    ? html`<p>${sent ? 'Sent' : 'Not done'}: ${p.result?.outcome.detail ?? ''}</p>
<dl class="facts">
  <dt>Phone</dt><dd class="mono">${displayMac(t.mac)}</dd>
  <dt>Address</dt><dd>${t.address} (its last fetch)</dd>
  <dt>Interface</dt><dd>${t.interface}: ${t.steps.map((s, i) => html`${i ? ', then ' : ''}<code>${s.method} ${s.path}</code> (${s.auth})`)}</dd>
  ${t.caveat ? html`<dt>Note</dt><dd>${t.caveat}</dd>` : ''}
</dl>
${sent ? html`<p role="status">The phone ${p.action === 'reboot' ? 'restarts and then fetches' : 'fetches'} its configuration now.</p>` : ''}`
    : html`<p role="status">Nothing was sent: ${t.reason}.</p>`;
  return layout({
    title: `${VERB[p.action]} ${displayMac(t.mac)}`,
    section: 'fleet',
    csrf: p.csrf,
    body: html`<h1>${VERB[p.action]} ${t.vendor} ${t.model} <span class="mono">${displayMac(t.mac)}</span></h1>
${errorBox(p.error)}${body}${back}`,
  });
}
