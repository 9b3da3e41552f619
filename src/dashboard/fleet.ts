/**
 * The fleet at a glance: each inventory device's state (exposed, never fetched, stale, provisioned, disabled) from its
 * fetch history, today's render and its latest audit; counts by site and vendor; one device in detail.
 */
import type { Device } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import { macWithColons, type Mac } from '../model/mac.js';
import { MASK } from '../model/rule-check.js';
import { RULES, type RuleId } from '../model/rules.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { RenderService } from '../provisioning/render-service.js';
import type { AuditStore, StoredFinding } from '../store/audit-store.js';
import type { CredentialState, Enrolment, FetchRecord, SecurityEvent, Store } from '../store/store.js';
import { diffLines, type DiffResult } from './diff.js';
import { provisioningStatus, renderLike, type ProvisioningStatus, type RenderContext } from './provisioning-status.js';
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

export type Counts = Record<string, Record<DeviceState, number>>;

export interface FleetOverview {
  total: number;
  byState: Record<DeviceState, number>;
  bySite: Counts;
  byVendor: Counts;
  devices: DeviceRow[];
  sites: string[];
  vendors: string[];
}

export interface FleetFilter {
  site?: string;
  vendor?: string;
  state?: string;
  q?: string;
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

const emptyCounts = (): Record<DeviceState, number> => Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<DeviceState, number>;

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

function renderCtx(ctx: FleetContext): RenderContext {
  return { vendors: ctx.vendors, inventory: ctx.inventory, store: ctx.store, renderer: ctx.renderer };
}

function rowOf(ctx: FleetContext, d: Device, audits: ReturnType<typeof latestAudits>, history?: FetchRecord[]): { row: DeviceRow; status: ProvisioningStatus } {
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

export function fleetOverview(ctx: FleetContext, filter: FleetFilter = {}, limit = 500): FleetOverview {
  const audits = latestAudits(ctx.auditStore, 200, new Set(ctx.inventory.devices.map((d) => d.mac)));
  const byState = emptyCounts();
  const bySite: Counts = {};
  const byVendor: Counts = {};
  const devices: DeviceRow[] = [];
  const q = filter.q?.trim().toLowerCase().replace(/[:.-]/g, '');
  let total = 0;
  for (const d of ctx.inventory.devices) {
    const { row } = rowOf(ctx, d, audits);
    total++;
    byState[row.state]++;
    (bySite[d.site] ??= emptyCounts())[row.state]++;
    (byVendor[d.vendor] ??= emptyCounts())[row.state]++;
    if (filter.site && d.site !== filter.site) continue;
    if (filter.vendor && d.vendor !== filter.vendor) continue;
    if (filter.state && row.state !== filter.state) continue;
    if (q && !d.mac.includes(q) && !row.extensions.some((e) => e.toLowerCase().includes(q)) && !d.model.toLowerCase().includes(q)) continue;
    if (devices.length < limit) devices.push(row);
  }
  return {
    total, byState, bySite, byVendor, devices,
    sites: Object.keys(ctx.inventory.config.sites).sort(), vendors: [...new Set(ctx.inventory.devices.map((d) => d.vendor))].sort(),
  };
}

export interface RenderedConfig {
  file: string;
  firmware?: string;
  family?: string;
  sha256?: string;
  /** masked */
  body?: string;
  error?: string;
  lastServed?: { sha256: string; ts: string };
  /** true when today's render is byte-identical to what the phone last got */
  current?: boolean;
  diff?: DiffResult;
  diffNote?: string;
}

export interface DeviceDetail {
  row: DeviceRow;
  lines: { index: number; extension: string; authUser: string; displayName: string }[];
  enrolment?: Enrolment;
  credentials: CredentialState;
  history: FetchRecord[];
  provisioning: ProvisioningStatus;
  lastAudit?: { runId: number; at: string; findings: StoredFinding[] };
  configs: RenderedConfig[];
  events: SecurityEvent[];
}

/** Every secret of one device replaced by MASK. */
export function maskDeviceSecrets(inventory: Inventory, mac: Mac, text: string): string {
  const d = inventory.resolve(mac);
  if (!d) return text;
  const secrets = [d.adminPassword, d.provisioning.password, ...d.lines.map((l) => l.password)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of secrets) out = out.split(s).join(MASK);
  return out;
}

export function deviceDetail(ctx: FleetContext, mac: Mac): DeviceDetail | undefined {
  const d = ctx.inventory.device(mac);
  if (!d) return undefined;
  const history = ctx.store.fetchHistory(mac, 50);
  const audits = latestAudits(ctx.auditStore);
  const { row, status } = rowOf(ctx, d, audits, history);
  const resolved = ctx.inventory.resolve(mac);
  const detail: DeviceDetail = {
    row,
    lines: resolved?.lines.map((l) => ({ index: l.index, extension: l.extension, authUser: l.authUser, displayName: l.displayName })) ?? [],
    credentials: ctx.store.credentials(mac),
    history,
    provisioning: status,
    configs: deviceConfigs(ctx, d, history, status),
    events: ctx.store.events({ mac, limit: 20 }),
  };
  const enrolment = ctx.store.enrolment(mac);
  if (enrolment) detail.enrolment = enrolment;
  const audit = audits.get(mac);
  if (audit) detail.lastAudit = audit;
  return detail;
}

function deviceConfigs(ctx: FleetContext, d: Device, history: FetchRecord[], status: ProvisioningStatus): RenderedConfig[] {
  const vendor = ctx.vendors.find((v) => v.id === d.vendor);
  const model = vendor?.models.find((m) => m.id === d.model);
  if (!vendor || !model) return [{ file: '(none)', error: `no ${d.vendor} adapter for model ${d.model}` }];
  // the firmware the phone last announced, else the newest the adapter knows
  const served = status.files.find((f) => f.kind === 'device' && f.firmware);
  const firmware = served?.firmware ?? model.firmwares[model.firmwares.length - 1] ?? '';
  const steps = vendor.bootSequence(d.mac, model.id, firmware).filter((s) => s.method === 'GET');
  const out: RenderedConfig[] = [];
  for (const step of steps) {
    let kind: string;
    try {
      kind = vendor.identifyRequest({ ...step, method: 'GET' }).file.kind;
    } catch {
      continue;
    }
    if (kind !== 'device') continue;
    const lastFetch = history.find((h) => h.file === step.fileName && h.status === 200 && h.sha256);
    const now = renderLike(renderCtx(ctx), d.mac, step.fileName, lastFetch?.userAgent ?? step.userAgent);
    const cfg: RenderedConfig = { file: step.fileName, firmware: now?.firmware ?? firmware };
    if (!now) {
      cfg.error = d.disabled ? 'the device is disabled: nothing is served' : 'cannot be rendered now (a secret is missing, or the render would violate the policy)';
      out.push(cfg);
      continue;
    }
    cfg.family = now.served.rendered.family.id;
    cfg.sha256 = now.served.sha256;
    cfg.body = maskDeviceSecrets(ctx.inventory, d.mac, now.served.body.toString('utf8'));
    if (lastFetch) {
      cfg.lastServed = { sha256: lastFetch.sha256, ts: lastFetch.ts };
      cfg.current = lastFetch.sha256 === now.served.sha256;
      if (cfg.current) {
        cfg.diffNote = 'Identical to what the phone last fetched.';
      } else {
        const before = ctx.snapshots?.get(lastFetch.sha256);
        if (before) {
          cfg.diff = diffLines(before.body, cfg.body);
          cfg.diffNote = cfg.diff.hunks.length === 0
            ? 'Only secrets changed since the last fetch (for example rotated credentials); the masked text is the same.'
            : `Changed since the phone last fetched it (${lastFetch.ts}): ${cfg.diff.added} line(s) added, ${cfg.diff.removed} removed.`;
        } else {
          cfg.diffNote = `Differs from what the phone last fetched (sha256 ${lastFetch.sha256.slice(0, 12)}…), but that text is not on record, only its hash.`;
        }
      }
    } else {
      cfg.diffNote = 'The phone has never fetched this file.';
    }
    out.push(cfg);
  }
  if (out.length === 0) out.push({ file: '(none)', error: `${vendor.displayName} ${model.id} fetches no device file` });
  return out;
}

export function displayMac(mac: string): string {
  return /^[0-9a-f]{12}$/.test(mac) ? macWithColons(mac as Mac) : mac;
}
