/** Builds an Inventory from YAML text, as the CLI would from ghostguard.yaml. */
import { parseConfig } from '../../../src/model/config-parse.js';
import { Inventory } from '../../../src/model/inventory.js';
import type { VendorAdapter } from '../../../src/model/vendor-contract.js';

export function inventoryFrom(yaml: string, vendors: readonly VendorAdapter[]): Inventory {
  const catalogue = Object.fromEntries(vendors.map((v) => [v.id, v.models.map((m) => m.id)]));
  const { config, issues } = parseConfig(yaml, 'test.yaml', catalogue);
  if (!config) throw new Error(issues.map((i) => `${i.line}: ${i.field}: ${i.message}`).join('\n'));
  return new Inventory(config, { masterKey: Buffer.alloc(32, 7), env: {} }, 1);
}
