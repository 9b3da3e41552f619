/**
 * `validate`'s check of `params:`: for every device ghostguard serves, the rules compiled for its model (each firmware
 * family the catalogue lists, or the newest family for a model outside it) against the params that reach its files.
 * A param that would undo a rule is a problem at the line that sets it, reported once however many devices it reaches.
 */
import type { ConfigIssue } from '../model/config-issues.js';
import type { Device, FleetConfig, ParamValue, ResolvedDevice } from '../model/config-types.js';
import { Inventory, isProvisioned, settingsModel } from '../model/inventory.js';
import { paramValues, weakeningParams } from '../model/params-guard.js';
import type { VendorAdapter } from '../model/vendor-contract.js';

/** Only the shape matters for the comparison; secrets are stand-ins (any param on a secret key is refused anyway). */
function standIn(device: Device, config: FleetConfig): ResolvedDevice | undefined {
  const site = config.sites[device.site];
  if (!site) return undefined;
  return {
    mac: device.mac,
    vendor: device.vendor,
    model: settingsModel(device),
    site,
    adminPassword: 'stand-in',
    userPassword: 'stand-in',
    lines: device.lines.map((l, i) => ({
      index: i + 1,
      extension: l.extension,
      authUser: l.authUser,
      password: 'stand-in',
      displayName: l.displayName ?? l.extension,
    })),
    provisioning: { username: 'stand-in', password: 'stand-in', url: config.server.publicUrl },
  };
}

export function paramProblems(config: FleetConfig, vendors: readonly VendorAdapter[], file: string): ConfigIssue[] {
  const inventory = new Inventory(config, { masterKey: Buffer.alloc(32), env: {} }, 0);
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  const check = (
    vendor: VendorAdapter,
    model: string,
    params: Record<string, ParamValue>,
    where: string,
    device?: ResolvedDevice,
    policy = inventory.sharedPolicy(model),
  ) => {
    if (Object.keys(params).length === 0) return;
    const firmwares = vendor.models.find((m) => m.id === model)?.firmwares ?? [undefined];
    for (const firmware of firmwares) {
      const compiled = vendor.compile({ model, firmware, policy, ...(device ? { device } : {}) });
      for (const c of weakeningParams(compiled, paramValues(params), vendor.apiSetting)) {
        const line = params[c.key]!.line;
        if (seen.has(`${line}\u0000${c.key}`)) continue;
        seen.add(`${line}\u0000${c.key}`);
        out.push({
          file,
          line,
          field: `params.${c.key}`,
          message: `would undo ${c.rule} (${where}, firmware family ${compiled.family.id}: the rule writes ${c.want}, params sets ${c.value}); a weakening parameter is never served`,
        });
      }
    }
  };
  for (const device of config.devices) {
    if (!isProvisioned(device)) continue;
    const vendor = vendors.find((v) => v.id === device.vendor);
    const resolved = standIn(device, config);
    if (!vendor || !resolved) continue;
    const model = settingsModel(device);
    check(vendor, model, inventory.paramsFor(device), `device ${device.mac}`, resolved, inventory.policyFor(device));
    check(vendor, model, inventory.sharedParams(model), `the ${model} shared file`);
  }
  return out;
}
