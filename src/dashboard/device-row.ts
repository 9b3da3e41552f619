/**
 * One inventory device at a glance: its state (exposed, never fetched, stale, provisioned, disabled) from its fetch
 * history, today's render and its latest audit.
 */
import type { Device } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import { RULES, type RuleId } from '../model/rules.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { RenderService } from '../provisioning/render-service.js';
import type { AuditStore, StoredFinding } from '../store/audit-store.js';
import type { FetchRecord, Store } from '../store/store.js';
import { provisioningStatus, type ProvisioningStatus, type RenderContext } from './provisioning-status.js';
import type { ServedSnapshots } from './served-snapshots.js';
import { RING_CHECKS } from './verdict.js';

export const DEVICE_STATES = ['exposed', 'never-fetched', 'stale', 'provisioned', 'disabled'] as const;
export type DeviceState = (typeof DEVICE_STATES)[number];

export const STATE_LABELS: Readonly<Record<DeviceState, string>> = {
  exposed: 'Exposed',
  'never-fetched': 'Never fetched',
  stale: 'Stale',
  provisioned: 'Provisioned',
  disabled: 'Disabled',
};

export interface DeviceAudit {
  runId: number;
  at: string;
  host: string;
  failing: string[];
  /** failing rules that make it ring for scanners, or critical ones */
  exposedBy: string[];
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
  auditStore: AuditStore;
  renderer: RenderService;
  snapshots?: ServedSnapshots;
  staleDays: number;
  now: Date;
}

const DAY = 86_400_000;

/** The latest finished audit findings per MAC over the last `runs` runs (checks included); stops once every MAC of `want` is found. */
export function latestAudits(auditStore: AuditStore, runs = 200, want?: ReadonlySet<string>): Map<string, { runId: number; at: string; findings: StoredFinding[] }> {
  const out = new Map<string, { runId: number; at: string; findings: StoredFinding[] }>();
  let found = 0;
  for (const run of auditStore.runs(runs)) {
    if (want && found >= want.size) break;
    if (!run.finishedAt) continue;
    const byMac = new Map<string, StoredFinding[]>();
    for (const f of auditStore.findings(run.id)) {
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
  return {
    runId: a.runId,
    at: a.at,
    host: a.findings[0]?.host ?? '',
    failing: failing.map((f) => f.rule),
    exposedBy: failing.filter((f) => (RING_CHECKS as readonly string[]).includes(f.rule) || f.severity === 'critical').map((f) => f.rule),
  };
}

export function renderCtx(ctx: FleetContext): RenderContext {
  return { vendors: ctx.vendors, inventory: ctx.inventory, store: ctx.store, renderer: ctx.renderer };
}

export function rowOf(ctx: FleetContext, d: Device, audits: ReturnType<typeof latestAudits>, history?: FetchRecord[]): { row: DeviceRow; status: ProvisioningStatus } {
  const h = history ?? ctx.store.fetchHistory(d.mac, 50);
  const status = provisioningStatus(renderCtx(ctx), h);
  const row: DeviceRow = {
    mac: d.mac, vendor: d.vendor, model: d.model, site: d.site, extensions: d.lines.map((l) => l.extension), disabled: d.disabled,
    state: 'provisioned', stateReason: '',
  };
  if (status.lastFetch) row.lastFetch = { ts: status.lastFetch.ts, file: status.lastFetch.file, source: status.lastFetch.source, status: status.lastFetch.status };
  if (status.current !== undefined) row.current = status.current;
  const audit = audits.get(d.mac);
  if (audit) row.audit = auditSummary(audit);
  const newestServed = status.files[0];
  const age = newestServed ? ctx.now.getTime() - Date.parse(newestServed.ts) : 0;
  if (d.disabled) {
    row.state = 'disabled';
    row.stateReason = 'disabled in the inventory: ghostguard serves it nothing';
  } else if (row.audit && row.audit.exposedBy.length > 0) {
    row.state = 'exposed';
    row.stateReason = `audit #${row.audit.runId} found ${row.audit.exposedBy.map((r) => (RULES[r as RuleId]?.title ?? r).toLowerCase()).join(', ')} failing`;
  } else if (!newestServed) {
    row.state = 'never-fetched';
    row.stateReason = status.lastFetch ? `requests refused (last: ${status.lastFetch.status})` : 'has never fetched its configuration';
  } else if (status.current === false) {
    row.state = 'stale';
    row.stateReason = 'ghostguard would now serve a different configuration: a resync is due';
  } else if (age > ctx.staleDays * DAY) {
    row.state = 'stale';
    row.stateReason = `last fetch ${Math.floor(age / DAY)} days ago`;
  } else {
    row.stateReason = status.current ? 'runs the current configuration' : 'fetched; could not re-render to compare';
  }
  return { row, status };
}
