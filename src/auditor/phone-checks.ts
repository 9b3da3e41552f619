/** The auditor's own per-phone checks: identity, inventory membership, and drift from what ghostguard served. */
import { createHash } from 'node:crypto';
import type { Inventory } from '../model/inventory.js';
import { IDENTIFY_LEVELS, type VendorAdapter } from '../model/vendor-contract.js';
import type { FetchRecord } from '../store/store.js';
import { driftFinding } from './drift.js';
import { finding, type Finding } from './findings.js';
import { LEVEL_NAMES, type Identity } from './fingerprint.js';
import type { HostAuditContext, Matched } from './audit-context.js';
import type { HostObservations } from './observations.js';

export function identityFinding(identity: Identity): Finding {
  const what = [identity.vendor!.displayName, identity.model, identity.firmware && `firmware ${identity.firmware}`]
    .filter(Boolean)
    .join(' ');
  return finding('device-identity', 'pass', [
    `${what} (${LEVEL_NAMES[identity.level]} level) from ${identity.sources.join(', ') || 'probes'}`,
  ]);
}

export function inventoryFinding(inventory: Inventory, m: Matched, vendor: VendorAdapter, identity: Identity): Finding {
  if (!m.mac) {
    return finding(
      'device-inventory',
      'unknown',
      [],
      [],
      'the MAC address is not known (not on the same LAN, none in the User-Agent or management API, no fetch from this address)',
    );
  }
  if (inventory.isCanary(m.mac)) {
    return finding(
      'device-inventory',
      'fail',
      [`${m.mac} is a canary (decoy) MAC, yet a device answers with it`],
      ['find and remove this device: it impersonates a decoy'],
    );
  }
  if (!m.device) {
    return finding(
      'device-inventory',
      'fail',
      [`MAC ${m.mac} is not in the inventory`],
      ['add it to the inventory (devices:) so ghostguard provisions and hardens it, or remove it from the network'],
    );
  }
  const d = m.device;
  const evidence = [`inventory device ${d.mac}: ${d.vendor} ${d.model}, site ${d.site}${d.disabled ? ' (disabled)' : ''}`];
  if (d.vendor !== vendor.id) {
    return finding(
      'device-inventory',
      'fail',
      [...evidence, `but the device answering is a ${vendor.displayName}`],
      ['correct the inventory entry, or check what is plugged in'],
    );
  }
  if (identity.model && identity.model.toUpperCase() !== d.model.toUpperCase()) evidence.push(`the phone reports model ${identity.model}`);
  return finding('device-inventory', 'pass', evidence);
}

export async function driftCheck(
  ctx: HostAuditContext,
  obs: HostObservations,
  vendor: VendorAdapter,
  m: Matched,
  rules: Finding[],
  readBack: boolean,
): Promise<Finding | undefined> {
  if (!ctx.history || !m.device || !m.resolved || !ctx.inventory) return undefined;
  const inventory = ctx.inventory;
  const device = m.device;
  const resolved = m.resolved;
  const currentSha = (rec: FetchRecord): string | undefined => {
    try {
      const id = vendor.identifyRequest({ fileName: rec.file, method: 'GET', userAgent: rec.userAgent });
      if (id.level === IDENTIFY_LEVELS.none || id.file.upload) return undefined;
      const secret = id.file.secret;
      const model = secret ? device.model : (id.file.model ?? id.model ?? '');
      const policy = secret ? inventory.policyFor(device) : inventory.sharedPolicy(model);
      const rendered = vendor.render({ model, firmware: id.firmware, policy, device: secret ? resolved : undefined, file: id.file });
      return createHash('sha256').update(Buffer.from(rendered.body, 'utf8')).digest('hex');
    } catch {
      return undefined;
    }
  };
  const failures = readBack
    ? rules.filter((f) => f.state === 'fail' && f.evidence.some((e) => / \(want /.test(e))).map((f) => f.check)
    : [];
  return driftFinding({
    host: obs.host,
    history: await ctx.history.fetchHistory(device.mac, 50),
    now: ctx.clock.date(),
    staleDays: ctx.settings.staleDays,
    currentSha,
    readbackFailures: failures,
  });
}
