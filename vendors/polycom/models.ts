/** Poly models the adapter knows, with firmware strings taken from captured User-Agents (vendor-facts 2.1 / 2.7). */
import type { ModelInfo } from '../../src/model/vendor-contract.js';

export interface PolycomModel extends ModelInfo {
  /** the product token before the model in `FileTransport Polycom<product>-<model>-UA/<ver>` */
  readonly product: string;
  /** whether the provisioning User-Agent carries a ` Type/Application` suffix (UCS) or not (SoundPoint SIP 3.x) */
  readonly typeSuffix: boolean;
  /** Trio inserts ` (SN:<serial>)` after the version */
  readonly serialInAgent?: boolean;
}

/** IEEE OUIs: 00:04:F2 and 64:16:7F (Polycom), 48:25:67 (Poly) — nmap-mac-prefixes 2022-08-29 */
export const OUIS: readonly string[] = ['0004f2', '64167f', '482567'];

export const MODELS: readonly PolycomModel[] = [
  {
    id: 'SPIP_335', displayName: 'SoundPoint IP 335', accounts: 2,
    firmwares: ['3.2.1.0078'], product: 'SoundPointIP', typeSuffix: false,
  },
  {
    id: 'VVX_400', displayName: 'VVX 400', accounts: 12,
    firmwares: ['4.1.4.7430'], product: 'VVX', typeSuffix: true,
  },
  {
    id: 'VVX_150', displayName: 'VVX 150', accounts: 2,
    firmwares: ['6.4.1.2280'], product: 'VVX', typeSuffix: true,
  },
  {
    // Two registrations are documented (hybrid line registration); the maximum is not sourced here.
    id: 'Trio_8800', displayName: 'Trio 8800', accounts: 2,
    firmwares: ['7.2.2.1094'], product: 'RealPresenceTrio', typeSuffix: true, serialInAgent: true,
  },
];

export function findModel(id: string | undefined): PolycomModel | undefined {
  if (!id) return undefined;
  return MODELS.find((m) => m.id === id);
}

/** REST `ModelNumber` spellings vary ("VVX 400", "VVX_400", "VVX400"): compare letters and digits only. */
export function findModelLoose(name: string): PolycomModel | undefined {
  const squash = (s: string): string => s.replace(/[^0-9a-z]/gi, '').toLowerCase();
  const wanted = squash(name);
  return MODELS.find((m) => squash(m.id) === wanted);
}
