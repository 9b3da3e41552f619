/** The models each adapter knows, by vendor id: what the config parser checks `vendor:` and `model:` against. */
import type { ModelCatalogue } from './config-parse.js';
import type { VendorAdapter } from './vendor-contract.js';

export function catalogueOf(vendors: readonly VendorAdapter[]): ModelCatalogue {
  return Object.fromEntries(vendors.map((v) => [v.id, v.models.map((m) => m.id)]));
}
