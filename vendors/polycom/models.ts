/** Poly models the adapter knows, with firmware strings taken from captured User-Agents (vendor-facts 2.1 / 2.7). */
import type { ModelInfo } from '../../src/model/vendor-contract.js';
import { CATALOGUE } from './catalogue.js';

export interface PolycomModel extends ModelInfo {
  /** the product token before the model in `FileTransport Polycom<product>-<model>-UA/<ver>` */
  readonly product: string;
  /** Trio inserts ` (SN:<serial>)` after the version */
  readonly serialInAgent?: boolean;
}

/** Trio puts ` (SN:<serial>)` in its User-Agent. */
export const MODELS: readonly PolycomModel[] = CATALOGUE.map(([id, product, accounts, firmwares]) => ({
  id,
  displayName: id.replace('SPIP_', 'SoundPoint IP ').replace('SSIP_', 'SoundStation IP ').replace('_', ' '),
  accounts,
  firmwares,
  product,
  ...(product === 'RealPresenceTrio' ? { serialInAgent: true } : {}),
}));

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string | undefined): PolycomModel | undefined {
  return id ? BY_ID.get(id) : undefined;
}

/** REST `ModelNumber` spellings vary ("VVX 400", "VVX_400", "VVX400"): compare letters and digits only. */
export function findModelLoose(name: string): PolycomModel | undefined {
  const squash = (s: string): string => s.replace(/[^0-9a-z]/gi, '').toLowerCase();
  const wanted = squash(name);
  return MODELS.find((m) => squash(m.id) === wanted);
}

/** The product token for a model outside the catalogue, from its prefix (SPIP_, SSIP_, VVX_, Trio_). */
export function productOf(modelId: string): string {
  if (/^SPIP/i.test(modelId)) return 'SoundPointIP';
  if (/^SSIP/i.test(modelId)) return 'SoundStationIP';
  if (/^Trio/i.test(modelId)) return 'RealPresenceTrio';
  return 'VVX';
}
