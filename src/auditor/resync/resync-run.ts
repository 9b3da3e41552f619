/**
 * One resync or reboot run, for the CLI and the dashboard alike: read each device's last fetch from the store, plan,
 * and (unless it is a dry run) send to the ready phones, recording a `phone-resync` event per phone contacted.
 */
import type { HttpClient } from '../../model/http-exchange.js';
import type { Inventory } from '../../model/inventory.js';
import type { Mac } from '../../model/mac.js';
import type { VendorAdapter } from '../../model/vendor-contract.js';
import type { PhoneAction } from '../../model/vendor-manage.js';
import type { FetchRecord, SecurityEvent, SecurityReason } from '../../store/store.js';
import { planResync, type LastFetch, type ResyncScope, type ResyncTarget, type ResyncWeb } from './resync-plan.js';
import { sendResync, type ReadyTarget, type ResyncResult } from './resync-send.js';

/** fetches read per phone: the newest gives its address, the first that names one its firmware */
const RECENT_FETCHES = 8;

export interface ResyncRunDeps {
  vendors: readonly VendorAdapter[];
  inventory: Inventory;
  /** the fetch history (sync or async store) */
  fetchHistory: (mac: Mac, limit: number) => FetchRecord[] | Promise<FetchRecord[]>;
  client: HttpClient;
  /** records the event of each phone contacted */
  event: (input: Omit<SecurityEvent, 'ts' | 'severity'> & { reason: SecurityReason }) => void | Promise<void>;
  /** who asked, for the event: "cli" or the operator's address */
  requestedBy: string;
  signal?: AbortSignal;
  onResult?: (result: ResyncResult) => void;
}

export interface ResyncRunOptions {
  action: PhoneAction;
  scope: ResyncScope;
  web: ResyncWeb;
  /** server.auditAllow */
  allowed?: readonly string[];
}

export async function planResyncRun(options: ResyncRunOptions, deps: ResyncRunDeps): Promise<ResyncTarget[]> {
  const last = new Map<Mac, LastFetch>();
  const macs =
    'mac' in options.scope
      ? [options.scope.mac]
      : deps.inventory.devices.filter((d) => !('site' in options.scope) || d.site === options.scope.site).map((d) => d.mac);
  for (const mac of macs) {
    const recent = deps.inventory.device(mac) ? await deps.fetchHistory(mac, RECENT_FETCHES) : [];
    if (recent[0]) last.set(mac, { source: recent[0].source, recent: recent.map((f) => ({ file: f.file, userAgent: f.userAgent })) });
  }
  return planResync({
    ...options,
    vendors: deps.vendors,
    inventory: deps.inventory,
    lastFetch: (mac) => last.get(mac),
    ...(options.allowed ? { allowed: options.allowed } : {}),
  });
}

export async function sendResyncRun(action: PhoneAction, targets: readonly ResyncTarget[], deps: ResyncRunDeps): Promise<ResyncResult[]> {
  const ready = targets.filter((t): t is ReadyTarget => t.ready);
  return sendResync(action, ready, {
    vendors: deps.vendors,
    inventory: deps.inventory,
    client: deps.client,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onResult: async (r) => {
      await deps.event({
        reason: 'phone-resync',
        source: deps.requestedBy,
        mac: r.target.mac,
        detail: `${action} of ${r.target.address} via ${r.target.interface}, requested by ${deps.requestedBy}: ${r.outcome.result} — ${r.outcome.detail}`,
      });
      deps.onResult?.(r);
    },
  });
}
