/**
 * Phones the audits found ringing (or likely ringing) for scanners that the inventory does not list: the Fleet page's
 * "Unmanaged phones" section and the adopt form's prefill. From the stored ghost-call verdicts of recent runs; a host's
 * latest verdict counts. The site is guessed from inventory phones audited in the same /24 (or is the only site).
 */
import type { GhostCall } from '../model/ghost-call.js';
import { isExposed } from '../model/ghost-call-words.js';
import type { Mac } from '../model/mac.js';
import { GHOST_CALL_ROW, ghostCallOfRow } from '../store/audit-store.js';
import type { FleetContext } from './device-row.js';

export interface UnmanagedPhone {
  host: string;
  mac?: string;
  vendor?: string;
  model?: string;
  /** a site of inventory phones audited in the same /24, when there is one */
  site?: string;
  ghostCall: GhostCall;
  runId: number;
  at: string;
}

const subnet24 = (host: string): string | undefined => /^(\d+\.\d+\.\d+)\.\d+$/.exec(host)?.[1];

/** Newest first; at most `limit`. */
export async function unmanagedPhones(
  ctx: Pick<FleetContext, 'inventory' | 'auditStore'>,
  runs = 50,
  limit = 200,
): Promise<UnmanagedPhone[]> {
  const seen = new Set<string>();
  const siteBySubnet = new Map<string, string>();
  const found: UnmanagedPhone[] = [];
  for (const run of await ctx.auditStore.runs(runs)) {
    if (!run.finishedAt) continue;
    for (const f of await ctx.auditStore.findings(run.id)) {
      const device = f.mac ? ctx.inventory.device(f.mac as Mac) : undefined;
      const net = subnet24(f.host);
      if (device && net && !siteBySubnet.has(net)) siteBySubnet.set(net, device.site);
      if (f.rule !== GHOST_CALL_ROW) continue;
      const key = f.mac ?? f.host;
      if (seen.has(key)) continue;
      seen.add(key);
      const ghostCall = ghostCallOfRow(f);
      if (!ghostCall || !isExposed(ghostCall.verdict) || device || (f.mac && ctx.inventory.isCanary(f.mac as Mac))) continue;
      const phone: UnmanagedPhone = { host: f.host, ghostCall, runId: run.id, at: run.finishedAt };
      if (f.mac) phone.mac = f.mac;
      if (f.vendor) phone.vendor = f.vendor;
      if (f.model) phone.model = f.model;
      found.push(phone);
    }
  }
  const sites = Object.keys(ctx.inventory.config.sites);
  for (const p of found) {
    const site = siteBySubnet.get(subnet24(p.host) ?? '') ?? (sites.length === 1 ? sites[0] : undefined);
    if (site) p.site = site;
  }
  return found.slice(0, limit);
}
