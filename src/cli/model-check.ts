/**
 * `validate`'s and `import`'s check that every device ghostguard serves has settings: a model outside the catalogue gets
 * its firmware family's (a warning), but one of a line the vendor has no parameter table for is refused by the adapter
 * (GG_ERR_MODEL_UNKNOWN) and must be an error at its line here, not a warning the server then contradicts.
 */
import type { ConfigIssue } from '../model/config-issues.js';
import type { FleetConfig } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';
import { isProvisioned, settingsModel } from '../model/inventory.js';
import { resolvePolicy } from '../model/policy.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import { YamlReader } from '../model/yaml-reader.js';

export function unservableModels(config: FleetConfig, vendors: readonly VendorAdapter[], file: string, text: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  let reader: YamlReader | undefined;
  const policy = resolvePolicy([]);
  for (const device of config.devices) {
    const vendor = vendors.find((v) => v.id === device.vendor);
    if (!vendor || !isProvisioned(device)) continue;
    try {
      vendor.compile({ model: settingsModel(device), policy });
    } catch (e) {
      if (!(e instanceof GhostguardError) || e.code !== 'GG_ERR_MODEL_UNKNOWN') throw e;
      reader ??= new YamlReader(text, file);
      out.push({
        file,
        line: reader.lineOf(['devices', device.index, 'model']),
        field: `devices[${device.index}].model`,
        message: `${e.message}; add like: <catalogue model> only if that model's settings really fit it, or provision: false to audit it only`,
      });
    }
  }
  return out;
}

/** the "unknown model" warnings of the devices refused above: the error replaces them */
export function withoutRefused(warnings: readonly ConfigIssue[], refused: readonly ConfigIssue[]): ConfigIssue[] {
  const fields = new Set(refused.map((r) => r.field));
  return warnings.filter((w) => !fields.has(w.field));
}
