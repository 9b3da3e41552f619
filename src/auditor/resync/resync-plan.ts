/**
 * Which phones a resync or reboot reaches and how: each device of the scope (one MAC, a site, the fleet) with the
 * address it last fetched its files from, its vendor's management method for its model and firmware, or why
 * nothing will be sent (no verified method, never fetched, outside server.auditAllow, audit-only or disabled).
 * Pure: the store and the inventory come in as functions and data.
 */
import { addressWithin } from '../../model/address-ranges.js';
import { GhostguardError } from '../../model/errors.js';
import type { Inventory } from '../../model/inventory.js';
import type { Mac } from '../../model/mac.js';
import type { VendorAdapter } from '../../model/vendor-contract.js';
import type { ManageStep, PhoneAction } from '../../model/vendor-manage.js';

export type ResyncScope = { mac: Mac } | { site: string } | { all: true };

/** The phone's recent fetches, newest first: the address it last fetched from, and each file with its User-Agent. */
export interface LastFetch {
  source: string;
  recent: readonly { file: string; userAgent: string }[];
}

export interface ResyncWeb {
  /** the phones' web port (HTTPS unless plainHttp) */
  port: number;
  /** http:// instead of https://: the admin password then crosses the network in clear */
  plainHttp: boolean;
}

interface TargetBase {
  mac: Mac;
  site: string;
  vendor: string;
  model: string;
  address?: string;
}

export type ResyncTarget =
  | (TargetBase & { ready: true; address: string; origin: string; interface: string; steps: ManageStep[]; caveat?: string })
  | (TargetBase & { ready: false; reason: string; outOfScope?: true });

export interface ResyncPlanInput {
  action: PhoneAction;
  scope: ResyncScope;
  vendors: readonly VendorAdapter[];
  inventory: Inventory;
  lastFetch: (mac: Mac) => LastFetch | undefined;
  web: ResyncWeb;
  /** server.auditAllow: addresses outside it are not contacted */
  allowed?: readonly string[];
}

function scoped(inventory: Inventory, scope: ResyncScope) {
  if ('mac' in scope) {
    const d = inventory.device(scope.mac);
    if (!d) throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${scope.mac} in the inventory`);
    return [d];
  }
  if ('site' in scope) {
    const devices = inventory.devices.filter((d) => d.site === scope.site);
    if (!devices.length) throw new GhostguardError('GG_ERR_USAGE', `site "${scope.site}" has no devices in the inventory`);
    return devices;
  }
  return [...inventory.devices];
}

const originOf = (address: string, web: ResyncWeb): string =>
  `${web.plainHttp ? 'http' : 'https'}://${address.includes(':') ? `[${address}]` : address}:${web.port}`;

export function planResync(input: ResyncPlanInput): ResyncTarget[] {
  return scoped(input.inventory, input.scope).map((d): ResyncTarget => {
    const vendor = input.vendors.find((v) => v.id === d.vendor);
    const base: TargetBase = { mac: d.mac, site: d.site, vendor: vendor?.displayName ?? d.vendor, model: d.model };
    if (d.disabled) return { ...base, ready: false, reason: 'disabled in the inventory' };
    if (d.provision === false)
      return { ...base, ready: false, reason: 'audit only (provision: false): ghostguard does not serve its files' };
    if (!vendor?.manage) return { ...base, ready: false, reason: `${base.vendor} phones have no verified management method` };
    const last = input.lastFetch(d.mac);
    // the newest fetch that names the firmware (an upload, e.g. a log file, may not)
    const firmware = last?.recent
      .map((f) => vendor.identifyRequest({ fileName: f.file, method: 'GET', userAgent: f.userAgent }).firmware)
      .find((fw) => fw !== undefined);
    const plan = vendor.manage.plan(input.action, d.model, firmware);
    if (!plan.supported) return { ...base, ready: false, reason: plan.reason };
    if (!last) return { ...base, ready: false, reason: 'has never fetched its files: its address is unknown' };
    const at = { ...base, address: last.source };
    if (input.allowed && !addressWithin(last.source, input.allowed))
      return { ...at, ready: false, outOfScope: true, reason: `${last.source} is outside server.auditAllow (${input.allowed.join(', ')})` };
    return {
      ...at,
      ready: true,
      origin: originOf(last.source, input.web),
      interface: plan.interface,
      steps: plan.steps,
      ...(plan.caveat ? { caveat: plan.caveat } : {}),
    };
  });
}
