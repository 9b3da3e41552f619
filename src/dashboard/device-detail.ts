/**
 * One device in detail: lines, enrolment, credentials, fetch history and last audit, and each config file it would be
 * served now compared with what it last fetched (secrets masked).
 */
import type { Device } from '../model/config-types.js';
import type { CredentialGenerations, Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import type { StoredFinding } from '../store/store.js';
import type { CredentialState, Enrolment, FetchRecord, SecurityEvent } from '../store/store.js';
import { latestAudits, renderCtx, rowOf, type DeviceRow, type FleetContext } from './device-row.js';
import { diffLines, type DiffResult } from './diff.js';
import { renderLike, type ProvisioningStatus } from './provisioning-status.js';
import { SecretMasker } from '../model/secret-mask.js';

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
  /** what the server enforces about the enrolled source (server.pinSource): the page says only that */
  pinSource: 'none' | 'address' | 'subnet';
  /** the length of an enrolment window the page's Enrol action opens */
  enrolmentWindowHours: number;
  credentials: CredentialState;
  history: FetchRecord[];
  provisioning: ProvisioningStatus;
  lastAudit?: { runId: number; at: string; findings: StoredFinding[] };
  configs: RenderedConfig[];
  events: SecurityEvent[];
}

/** Every secret of one device replaced by MASK. */
export function maskDeviceSecrets(inventory: Inventory, mac: Mac, generations: CredentialGenerations, text: string): string {
  return new SecretMasker(inventory.secretsOf(mac, generations)).mask(text);
}

export async function deviceDetail(ctx: FleetContext, mac: Mac): Promise<DeviceDetail | undefined> {
  const d = ctx.inventory.device(mac);
  if (!d) return undefined;
  const history = await ctx.store.fetchHistory(mac, 50);
  const audits = await latestAudits(ctx.auditStore);
  const { row, status } = await rowOf(ctx, d, audits, history);
  const credentials = await ctx.store.credentials(mac);
  const resolved = ctx.inventory.resolve(mac, credentials);
  const detail: DeviceDetail = {
    row,
    lines: resolved?.lines.map((l) => ({ index: l.index, extension: l.extension, authUser: l.authUser, displayName: l.displayName })) ?? [],
    credentials,
    pinSource: ctx.inventory.config.server.pinSource,
    enrolmentWindowHours: ctx.inventory.config.server.enrolmentWindowHours,
    history,
    provisioning: status,
    configs: await deviceConfigs(ctx, d, history, status, credentials),
    events: await ctx.store.events({ mac, limit: 20 }),
  };
  const enrolment = await ctx.store.enrolment(mac);
  if (enrolment) detail.enrolment = enrolment;
  const audit = audits.get(mac);
  if (audit) detail.lastAudit = audit;
  return detail;
}

async function deviceConfigs(
  ctx: FleetContext,
  d: Device,
  history: FetchRecord[],
  status: ProvisioningStatus,
  generations: CredentialGenerations,
): Promise<RenderedConfig[]> {
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
    const now = await renderLike(renderCtx(ctx), d.mac, step.fileName, lastFetch?.userAgent ?? step.userAgent);
    const cfg: RenderedConfig = { file: step.fileName, firmware: now?.firmware ?? firmware };
    if (!now) {
      cfg.error = d.disabled
        ? 'the device is disabled: nothing is served'
        : 'cannot be rendered now (a secret is missing, or the render would violate the policy)';
      out.push(cfg);
      continue;
    }
    cfg.family = now.served.rendered.family.id;
    cfg.sha256 = now.served.sha256;
    cfg.body = maskDeviceSecrets(ctx.inventory, d.mac, generations, now.served.body.toString('utf8'));
    if (lastFetch) {
      cfg.lastServed = { sha256: lastFetch.sha256, ts: lastFetch.ts };
      cfg.current = lastFetch.sha256 === now.served.sha256;
      if (cfg.current) {
        cfg.diffNote = 'Identical to what the phone last fetched.';
      } else {
        const before = await ctx.snapshots?.get(lastFetch.sha256);
        if (before) {
          cfg.diff = diffLines(before.body, cfg.body);
          cfg.diffNote =
            cfg.diff.hunks.length === 0
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
