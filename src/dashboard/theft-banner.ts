/** The possible-theft banner of the Fleet and device pages, each device with its one-click rotate-and-re-enrol form. */
import { html, type Html } from './html.js';
import { displayMac, when } from './page-parts.js';
import type { TheftSignal } from './theft.js';

const WHAT: Record<string, string> = {
  'enrolment-conflict': 'enrolled from one address, now refused from another',
  'replayed-nonce': 'a captured Digest request was replayed',
};

export function theftBanner(signals: readonly TheftSignal[], csrf: string, now: Date, windowHours: number): Html | string {
  if (signals.length === 0) return '';
  return html`<section class="error theft" role="alert" aria-label="Possible credential theft">
<h2>Possible credential theft: ${signals.length} device(s)</h2>
<p>Someone else may hold these phones' configuration (credentials and SIP passwords). Rotate their credentials — provisioning and generated SIP passwords — and open a ${windowHours} h enrolment window so the real phone can fetch the new ones; then give the PBX the new SIP passwords (<code>ghostguard sip-credentials &lt;mac&gt;</code>).</p>
<ul>${signals.map(
    (
      s,
    ) => html`<li><a href="/devices/${s.mac}" class="mono">${displayMac(s.mac)}</a>: ${WHAT[s.reason] ?? s.reason} (${s.reason}${s.source ? ` from ${s.source}` : ''}, ${when(s.ts, now)})${s.detail ? html`<br><span class="muted">${s.detail}</span>` : ''}
<form method="post" action="/devices/${s.mac}/rotate-reenrol" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Rotate credentials and re-enrol ${displayMac(s.mac)}</button></form></li>`,
  )}</ul>
</section>`;
}
