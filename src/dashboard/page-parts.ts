/** Small pieces the dashboard pages share: times, badges, lists, tables, form controls. Every value is escaped by `html`. */
import { CHECK_TITLES, type CheckId } from '../auditor/findings.js';
import { macWithColons, type Mac } from '../model/mac.js';
import { GHOST_CALL_ROW } from '../store/audit-store.js';
import type { StoredFinding } from '../store/store.js';
import { html, type Fragment, type Html } from './html.js';

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

export function list(items: readonly string[]): Html | string {
  return items.length ? html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : '';
}

/** A data table; `stack` tables turn into one card per row on narrow screens (each cell labelled with its column). */
export function table(caption: string, head: string[], rows: Fragment[][], className = 'stack'): Html {
  return html`<div class="table-wrap"><table class="${className}"><caption>${caption}</caption>
<thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row" data-label="${head[i]}">${c}</th>` : html`<td data-label="${head[i]}">${c}</td>`))}</tr>`) : html`<tr><td colspan="${head.length}" class="muted">Nothing to show.</td></tr>`}</tbody>
</table></div>`;
}

const checkTitle = (rule: string): string =>
  CHECK_TITLES[rule as CheckId] ?? (rule === GHOST_CALL_ROW ? 'Ghost-call verdict (will it ring for a scanner?)' : rule);

export function errorBox(message: string | undefined): Html | string {
  return message ? html`<div class="error" role="alert"><strong>Error:</strong> ${message}</div>` : '';
}

export function select(name: string, label: string, options: { value: string; label: string }[], selected: string | undefined): Html {
  return html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}">
<option value="">All</option>${options.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}</select></div>`;
}

export function findingsTable(caption: string, findings: readonly StoredFinding[], withHost = false): Html {
  return table(
    caption,
    [...(withHost ? ['Host'] : []), 'Rule', 'State', 'Evidence', 'Fix'],
    findings.map((f) => [
      ...(withHost
        ? [
            html`<span class="mono">${f.host}</span>${f.mac ? html`<br><a class="mono" href="/devices/${f.mac}">${displayMac(f.mac)}</a>` : ''}`,
          ]
        : []),
      html`${checkTitle(f.rule)}<br><span class="muted mono">${f.rule}</span>`,
      html`${badge(f.state)} ${badge(f.severity)}`,
      list(f.evidence),
      list(f.fix),
    ]),
  );
}

export function displayMac(mac: string): string {
  return /^[0-9a-f]{12}$/.test(mac) ? macWithColons(mac as Mac) : mac;
}
