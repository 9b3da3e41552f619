/**
 * One inventory device at a glance: its state (exposed, never fetched, stale, provisioned, disabled) from its fetch
 * history, today's render and its latest audit's stored ghost-call verdict (exposed = rings or likely rings).
 */
import type { Device } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import type { GhostCall } from '../model/ghost-call.js';
import { isExposed, VERDICT_HEADLINES } from '../model/ghost-call-words.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { RenderService } from '../provisioning/render-service.js';
import { GHOST_CALL_ROW, ghostCallOfRow } from '../store/audit-store.js';
import type { AuditRunStore, StoredFinding } from '../store/store.js';
import type { FetchRecord, Store } from '../store/store.js';
import { provisioningStatus, type ProvisioningStatus, type RenderContext } from './provisioning-status.js';
import type { ServedSnapshots } from './served-snapshots.js';

export const DEVICE_STATES = ['exposed', 'locked-out', 'never-fetched', 'stale', 'provisioned', 'audit-only', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const STATE_LABELS: Readonly<Record<DeviceState, string>> = {
  exposed: 'Exposed',
  'locked-out': 'Locked out',
  'never-fetched': 'Never fetched',
  stale: 'Stale',
  provisioned: 'Provisioned',
  'audit-only': 'Audit only',
  disabled: 'Disabled',
};

export interface DeviceAudit {
  runId: number;
  at: string;
  host: string;
  failing: string[];
  /** the ghost-call verdict stored with that run (absent in runs stored before verdicts were) */
  ghostCall?: GhostCall;
}

export interface DeviceRow {
  mac: string;
  vendor: string;
  model: string;
  site: string;
  extensions: string[];
  disabled: boolean;
  state: DeviceState;
  stateReason: string;
  lastFetch?: { ts: string; file: string; source: string; status: number };
  current?: boolean;
  audit?: DeviceAudit;
}

export interface FleetContext {
  vendors: readonly VendorAdapter[];
  inventory: Inventory;
  store: Pick<Store, 'fetchHistory' | 'credentials' | 'enrolment' | 'events'>;
  auditStore: AuditRunStore;
  renderer: RenderService;
  snapshots?: ServedSnapshots;
  staleDays: number;
  now: Date;
}

const DAY = 86_400_000;

/** Refusals that mean the phone itself can no longer authenticate (a factory reset, lost or wrong credentials, a new address). */
const LOCKOUT_REASONS: ReadonlySet<string> = new Set(['not-enrolled', 'enrolment-conflict', 'bad-credentials', 'source-pin-mismatch']);

/** When the phone last received a file with secrets (its credentials worked, or it enrolled). */
function lastAuthenticated(history: readonly FetchRecord[]): string | undefined {
  let last: string | undefined;
  for (const r of history) if (r.auth !== 'none' && r.status < 300 && (!last || r.ts > last)) last = r.ts;
  return last;
}

/** The refusal since which a phone that did fetch before has been locked out, if its last success is older. */
async function lockedOutSince(
  ctx: FleetContext,
  mac: string,
  lastServed: string | undefined,
): Promise<{ ts: string; reason: string; source?: string } | undefined> {
  if (!lastServed) return undefined;
  const refusals = (await ctx.store.events({ mac, limit: 20 })).filter((e) => LOCKOUT_REASONS.has(e.reason) && e.ts > lastServed);
  const first = refusals[refusals.length - 1];
  return first ? { ts: first.ts, reason: first.reason, ...(first.source ? { source: first.source } : {}) } : undefined;
}

/** per MAC: the run, when it finished, and that run's findings for the MAC */
export type LatestAudits = Map<string, { runId: number; at: string; findings: StoredFinding[] }>;

/** The latest finished audit findings per MAC over the last `runs` runs (checks included); stops once every MAC of `want` is found. */
export async function latestAudits(auditStore: AuditRunStore, runs = 200, want?: ReadonlySet<string>): Promise<LatestAudits> {
  const out = new Map<string, { runId: number; at: string; findings: StoredFinding[] }>();
  let found = 0;
  for (const run of await auditStore.runs(runs)) {
    if (want && found >= want.size) break;
    if (!run.finishedAt) continue;
    const byMac = new Map<string, StoredFinding[]>();
    for (const f of await auditStore.findings(run.id)) {
      if (!f.mac || out.has(f.mac)) continue;
      const list = byMac.get(f.mac) ?? [];
      list.push(f);
      byMac.set(f.mac, list);
    }
    for (const [mac, findings] of byMac) {
      out.set(mac, { runId: run.id, at: run.finishedAt, findings });
      if (want?.has(mac)) found++;
    }
  }
  return out;
}

export function auditSummary(a: { runId: number; at: string; findings: StoredFinding[] }): DeviceAudit {
  const failing = a.findings.filter((f) => f.state === 'fail');
  const out: DeviceAudit = { runId: a.runId, at: a.at, host: a.findings[0]?.host ?? '', failing: failing.map((f) => f.rule) };
  const ghostCall = ghostCallOfRow(a.findings.find((f) => f.rule === GHOST_CALL_ROW));
  if (ghostCall) out.ghostCall = ghostCall;
  return out;
}

export function renderCtx(ctx: FleetContext): RenderContext {
  return { vendors: ctx.vendors, inventory: ctx.inventory, store: ctx.store, renderer: ctx.renderer };
}

export async function rowOf(
  ctx: FleetContext,
  d: Device,
  audits: LatestAudits,
  history?: FetchRecord[],
): Promise<{ row: DeviceRow; status: ProvisioningStatus }> {
  const h = history ?? (await ctx.store.fetchHistory(d.mac, 50));
  const status = await provisioningStatus(renderCtx(ctx), h);
  const row: DeviceRow = {
    mac: d.mac,
    vendor: d.vendor,
    model: d.model,
    site: d.site,
    extensions: d.lines.map((l) => l.extension),
    disabled: d.disabled,
    state: 'provisioned',
    stateReason: '',
  };
  if (status.lastFetch)
    row.lastFetch = {
      ts: status.lastFetch.ts,
      file: status.lastFetch.file,
      source: status.lastFetch.source,
      status: status.lastFetch.status,
    };
  if (status.current !== undefined) row.current = status.current;
  const audit = audits.get(d.mac);
  if (audit) row.audit = auditSummary(audit);
  const newestServed = status.files[0];
  const age = newestServed ? ctx.now.getTime() - Date.parse(newestServed.ts) : 0;
  let locked: Awaited<ReturnType<typeof lockedOutSince>>;
  if (d.disabled) {
    row.state = 'disabled';
    row.stateReason = 'disabled in the inventory: ghostguard serves it nothing';
  } else if (row.audit?.ghostCall && isExposed(row.audit.ghostCall.verdict)) {
    row.state = 'exposed';
    row.stateReason = `audit #${row.audit.runId}: ${VERDICT_HEADLINES[row.audit.ghostCall.verdict]}`;
  } else if (d.provision === false) {
    row.state = 'audit-only';
    row.stateReason = row.audit
      ? `provisioned by another system; audit #${row.audit.runId} found nothing exposed`
      : 'provisioned by another system: ghostguard audits it, serves it nothing';
  } else if ((locked = await lockedOutSince(ctx, d.mac, lastAuthenticated(h)))) {
    const enrolment = await ctx.store.enrolment(d.mac);
    const open = enrolment && !enrolment.closedAt && Date.parse(enrolment.expiresAt) > ctx.now.getTime();
    row.state = 'locked-out';
    row.stateReason =
      `locked out since ${locked.ts} (${locked.reason}${locked.source ? ` from ${locked.source}` : ''}): the phone no longer authenticates` +
      (open
        ? `; an enrolment window is open until ${enrolment.expiresAt}, waiting for the phone`
        : ' — after a factory reset, open an enrolment window so it can fetch once more');
  } else if (!newestServed) {
    row.state = 'never-fetched';
    row.stateReason = status.lastFetch ? `requests refused (last: ${status.lastFetch.status})` : 'has never fetched its configuration';
  } else if (status.current === false) {
    row.state = 'stale';
    row.stateReason = `ghostguard would now serve a different configuration: a resync is due (Resync now on its page, or ghostguard resync ${d.mac})`;
  } else if (age > ctx.staleDays * DAY) {
    row.state = 'stale';
    row.stateReason = `last fetch ${Math.floor(age / DAY)} days ago`;
  } else {
    row.stateReason = status.current ? 'runs the current configuration' : 'fetched; could not re-render to compare';
  }
  return { row, status };
}
