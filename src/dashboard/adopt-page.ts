/** The adopt form: an unmanaged phone (from an audit, or an event's unknown MAC) becomes an inventory device. */
import { html } from './html.js';
import { layout } from './layout.js';
import { displayMac, errorBox, list } from './page-parts.js';
import type { UnmanagedPhone } from './unmanaged.js';

export interface AdoptForm {
  mac: string;
  vendor?: string;
  model?: string;
  site?: string;
}

export function adoptPage(p: {
  csrf: string;
  form: AdoptForm;
  vendors: { id: string; name: string }[];
  sites: string[];
  found?: UnmanagedPhone;
  enabled: boolean;
  error?: string;
  problems?: string[];
}): string {
  const f = p.form;
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
  return layout({
    title: 'Adopt a phone',
    section: 'fleet',
    csrf: p.csrf,
    body: html`<p><a href="/#unmanaged">← Fleet</a></p>
<h1>Adopt <span class="mono">${displayMac(f.mac)}</span></h1>
${p.found ? html`<p>Audit <a href="/audits/${p.found.runId}">#${p.found.runId}</a> saw it at <span class="mono">${p.found.host}</span>: ${p.found.ghostCall.evidence[0] ?? p.found.ghostCall.verdict}.</p>` : html`<p class="muted">No recent audit found this MAC ringing; vendor and model are not known from an audit.</p>`}
<p class="muted">Adopting adds the phone to the inventory file (its comments kept, the previous file kept as .bak) with a generated admin password and no lines yet, reloads the configuration and opens its enrolment window, so its next configuration fetch provisions and hardens it.</p>
${p.enabled ? '' : html`<p class="error">This dashboard does not edit the configuration file (it runs without one); add the device to <code>devices:</code> by hand.</p>`}
${errorBox(p.error)}${p.problems?.length ? list(p.problems) : ''}
<form method="post" action="/adopt" class="form-row">
  <input type="hidden" name="_csrf" value="${p.csrf}"><input type="hidden" name="mac" value="${f.mac}">
  <div><label for="a-vendor">Vendor</label><select id="a-vendor" name="vendor" required>${p.vendors.map((v) => option(v.id, v.name, f.vendor))}</select></div>
  <div><label for="a-model">Model</label><input type="text" id="a-model" name="model" value="${f.model ?? ''}" required autocomplete="off" spellcheck="false"></div>
  <div><label for="a-site">Site</label><select id="a-site" name="site" required>${p.sites.map((s) => option(s, s, f.site))}</select></div>
  <button type="submit"${p.enabled ? '' : html` disabled`}>Adopt and open enrolment</button>
</form>`,
  });
}
