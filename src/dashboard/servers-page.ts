/**
 * The Servers page: every replica serving this installation with the inventory version it serves (and which differ),
 * what this process shares through and whether that is reachable, and the state database with the fetch-history and
 * event records held in memory for it. What GET /api/status answers, for a person.
 */
import type { HistoryQueueStatus } from '../store/store.js';
import type { DashboardOptions, ReplicaStatus as ReplicaInfo } from './context.js';
import { html, type Html } from './html.js';
import { layout } from './layout.js';
import { badge, table, when } from './page-parts.js';

type CoordinationStatus = ReturnType<NonNullable<DashboardOptions['coordination']>>;

export interface ServersView {
  /** this replica's own row (`self`) included */
  replicas: readonly ReplicaInfo[];
  /** the replica list could not be read (the shared database away) */
  replicasError?: string;
  coordination?: CoordinationStatus;
  database: HistoryQueueStatus;
  historyWriteError?: string;
  csrf: string;
  now: Date;
}

const SCOPES: Record<string, string> = {
  process: 'one process: nothing to share',
  workers: 'the workers of this serve --workers, through their primary',
  postgres: 'every replica on the PostgreSQL database',
};

/** The version most replicas serve (this one's on a tie): the others are the ones that differ. */
function majority(replicas: readonly ReplicaInfo[]): string {
  const own = replicas.find((r) => r.self)?.inventoryVersion ?? '';
  const counts = new Map<string, number>();
  for (const r of replicas) counts.set(r.inventoryVersion, (counts.get(r.inventoryVersion) ?? 0) + 1);
  let best = own;
  for (const [version, n] of counts) if (n > (counts.get(best) ?? 0)) best = version;
  return best;
}

function mismatchNotice(replicas: readonly ReplicaInfo[], expected: string): Html | string {
  const versions = new Set(replicas.map((r) => r.inventoryVersion));
  if (versions.size < 2) return '';
  const odd = replicas.filter((r) => r.inventoryVersion !== expected);
  return html`<div class="error" role="alert"><strong>Inventory mismatch:</strong> the replicas serve ${versions.size} different inventory versions; ${odd.map((r) => r.id).join(', ')} ${odd.length === 1 ? 'serves' : 'serve'} another than ${expected}. Update every replica from the same configuration (an <code>inventory-mismatch</code> event was raised).</div>`;
}

function coordinationRows(c: CoordinationStatus | undefined): Html {
  if (!c) return html`<p class="muted">No coordination in this process.</p>`;
  return html`<dl class="facts">
<dt>Shared through</dt><dd>${c.scope} <span class="muted">(${SCOPES[c.scope] ?? c.scope})</span></dd>
<dt>Reachable</dt><dd>${c.connected ? badge('pass', 'yes') : badge('fail', 'no: Digest device files are refused (fail closed) until it is back')}</dd>
<dt>Runs the scheduled audits</dt><dd>${c.leader ? 'this process' : 'another process or replica'}</dd>
</dl>`;
}

function databaseRows(d: HistoryQueueStatus, writeError: string | undefined): Html {
  return html`<dl class="facts">
<dt>Backend</dt><dd>${d.backend}</dd>
<dt>Reachable</dt><dd>${d.reachable ? badge('pass', 'yes') : badge('fail', 'no: history and events wait in memory')}</dd>
<dt>Records queued in memory</dt><dd>${String(d.queued)}${d.limit !== undefined ? html` <span class="muted">of at most ${String(d.limit)}</span>` : ''}</dd>
<dt>Records dropped</dt><dd>${d.dropped > 0 ? badge('high', String(d.dropped)) : '0'}</dd>
${writeError ? html`<dt>Last write error</dt><dd>${writeError}</dd>` : ''}
</dl>`;
}

export function serversPage(v: ServersView): string {
  const expected = majority(v.replicas);
  return layout({
    title: 'Servers',
    section: 'servers',
    csrf: v.csrf,
    body: html`<h1>Servers</h1>
${mismatchNotice(v.replicas, expected)}
${v.replicasError !== undefined ? html`<p class="notice" role="status">The replica list could not be read from the shared database: ${v.replicasError}</p>` : ''}
${table(
  `${v.replicas.length} replica(s) serving this installation`,
  ['Replica', 'Inventory version', 'Last seen'],
  v.replicas.map((r) => [
    html`<span class="mono">${r.id}</span>${r.self ? html` <span class="muted">(this one)</span>` : ''}`,
    html`<span class="mono">${r.inventoryVersion || 'unknown'}</span>${r.inventoryVersion !== expected ? html` ${badge('fail', 'differs')}` : ''}`,
    when(r.seenAt, v.now),
  ]),
)}
<h2>Coordination</h2>
${coordinationRows(v.coordination)}
<h2>State database</h2>
${databaseRows(v.database, v.historyWriteError)}`,
  });
}
