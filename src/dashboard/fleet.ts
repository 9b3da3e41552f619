/** The fleet at a glance: every inventory device's row, counts by state, site and vendor, and a filtered device list. */
import { DEVICE_STATES, latestAudits, rowOf, type DeviceRow, type DeviceState, type FleetContext } from './device-row.js';
import { unmanagedPhones, type UnmanagedPhone } from './unmanaged.js';

export type Counts = Record<string, Record<DeviceState, number>>;

export interface FleetOverview {
  total: number;
  byState: Record<DeviceState, number>;
  bySite: Counts;
  byVendor: Counts;
  devices: DeviceRow[];
  sites: string[];
  vendors: string[];
  /** phones the latest audits found ringing or likely ringing that the inventory does not list */
  unmanaged: UnmanagedPhone[];
}

export interface FleetFilter {
  site?: string;
  vendor?: string;
  state?: string;
  q?: string;
}

const emptyCounts = (): Record<DeviceState, number> => Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<DeviceState, number>;

export async function fleetOverview(ctx: FleetContext, filter: FleetFilter = {}, limit = 500): Promise<FleetOverview> {
  const audits = await latestAudits(ctx.auditStore, 200, new Set(ctx.inventory.devices.map((d) => d.mac)));
  const byState = emptyCounts();
  const bySite: Counts = {};
  const byVendor: Counts = {};
  const devices: DeviceRow[] = [];
  const q = filter.q?.trim().toLowerCase().replace(/[:.-]/g, '');
  let total = 0;
  const rows = await Promise.all(ctx.inventory.devices.map(async (d) => (await rowOf(ctx, d, audits)).row));
  for (const [i, d] of ctx.inventory.devices.entries()) {
    const row = rows[i]!;
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
    total,
    byState,
    bySite,
    byVendor,
    devices,
    sites: Object.keys(ctx.inventory.config.sites).sort(),
    vendors: [...new Set(ctx.inventory.devices.map((d) => d.vendor))].sort(),
    unmanaged: await unmanagedPhones(ctx),
  };
}
