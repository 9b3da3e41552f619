/** The scheduled audits' trend on the audits page: per schedule, sparklines of its recent runs and a table of them. */
import { formatDuration } from '../schedule/log.js';
import type { TrendPoint, TrendSeries } from '../schedule/trend.js';
import { html, type Html } from './html.js';
import { badge, table, when } from './page-parts.js';

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
  none: 'nothing changed',
  'log-only': 'logged (no webhook)',
  delivered: 'webhook delivered',
  failed: 'webhook failed',
  skipped: 'not compared',
};

export function trendSection(series: readonly TrendSeries[], now: Date): Html {
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
${
  latest
    ? html`<div class="sparks">
<figure>${sparkline(
        s.points.map((p) => p.exposed),
        `${id}-e`,
        `Exposed phones per run, schedule ${s.schedule}`,
        'spark-exposed',
      )}
<figcaption>Exposed phones: <strong>${latest.exposed}</strong></figcaption></figure>
<figure>${sparkline(
        s.points.map((p) => p.failing),
        `${id}-f`,
        `Failing findings per run, schedule ${s.schedule}`,
        'spark-failing',
      )}
<figcaption>Failing findings: <strong>${latest.failing}</strong></figcaption></figure>
</div>
${table(
  `Runs of ${s.schedule}, newest first${newest.length > TREND_TABLE_ROWS ? ` (last ${TREND_TABLE_ROWS} of ${newest.length})` : ''}`,
  ['Run', 'Finished', 'Hosts', 'Phones', 'Exposed phones', 'Failing findings', 'Unknown devices', 'Changes', 'Notification'],
  newest
    .slice(0, TREND_TABLE_ROWS)
    .map((p) => [
      html`<a href="/audits/${p.runId}">#${p.runId}</a>`,
      when(p.finishedAt, now),
      String(p.hosts),
      String(p.phones),
      String(p.exposed),
      String(p.failing),
      String(p.unknownDevices),
      p.complete ? String(p.changes) : html`<span class="muted">stopped early</span>`,
      DELIVERY_LABELS[p.delivery] ?? p.delivery,
    ]),
  'counts',
)}`
    : html`<p class="muted">No run yet: the first one starts soon after the server does.</p>`
}
</section>`;
})}`;
}
