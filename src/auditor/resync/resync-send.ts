/**
 * Sends a planned resync or reboot to each ready phone through its vendor's management capability, a few phones at
 * a time, with the admin login ghostguard provisioned. Every outcome is a result (sent, refused, failed), never a throw.
 */
import type { HttpClient } from '../../model/http-exchange.js';
import { FIRST_GENERATIONS, type Inventory } from '../../model/inventory.js';
import type { VendorAdapter } from '../../model/vendor-contract.js';
import type { ManageOutcome, PhoneAction } from '../../model/vendor-manage.js';
import type { ResyncTarget } from './resync-plan.js';

export type ReadyTarget = Extract<ResyncTarget, { ready: true }>;

export interface ResyncResult {
  target: ReadyTarget;
  outcome: ManageOutcome;
}

export interface ResyncSendDeps {
  vendors: readonly VendorAdapter[];
  inventory: Inventory;
  client: HttpClient;
  signal?: AbortSignal;
  /** phones contacted at once */
  concurrency?: number;
  /** each result as it comes (the CLI prints it, the caller records the event) */
  onResult?: (result: ResyncResult) => void | Promise<void>;
}

async function sendOne(action: PhoneAction, target: ReadyTarget, deps: ResyncSendDeps): Promise<ManageOutcome> {
  const device = deps.inventory.device(target.mac);
  const vendor = deps.vendors.find((v) => v.id === device?.vendor);
  // the admin password is derived without the credential generations (they move the provisioning and SIP passwords only)
  const password = deps.inventory.resolve(target.mac, FIRST_GENERATIONS)?.adminPassword;
  if (!vendor?.manage || !password) return { result: 'failed', detail: 'no management method or admin password for this device' };
  const username = vendor.audit?.adminUser ?? 'admin';
  return vendor.manage.send(action, {
    client: deps.client,
    origin: target.origin,
    credentials: { username, password },
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

export async function sendResync(action: PhoneAction, targets: readonly ReadyTarget[], deps: ResyncSendDeps): Promise<ResyncResult[]> {
  const results: ResyncResult[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      const outcome = deps.signal?.aborted
        ? { result: 'failed' as const, detail: 'stopped before sending' }
        : await sendOne(action, target, deps).catch((err: Error) => ({ result: 'failed' as const, detail: err.message }));
      results[i] = { target, outcome };
      await deps.onResult?.(results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, targets.length) }, worker));
  return results;
}
