/**
 * Yealink models the adapter knows. `code` is the number in the common file name y0000000000<code>.cfg
 * (FusionPBX template directories / common boot file); `accounts` from the per-model account ranges in
 * Yealink's V8x MAC template header and Wazo's account table; firmwares are versions Wazo's plugins
 * ship or quote from captured User-Agents (firmware-notes/yealink.md lists the sources).
 */
import type { ModelInfo } from '../../src/model/vendor-contract.js';

export interface YealinkModel extends ModelInfo {
  code: number;
}

const model = (id: string, code: number, accounts: number, firmwares: string[]): YealinkModel =>
  ({ id, displayName: `Yealink SIP-${id.replace('_', ' ')}`, code, accounts, firmwares });

export const MODELS: readonly YealinkModel[] = [
  model('T19P_E2', 53, 1, ['53.80.0.3', '53.81.0.110', '53.84.0.125']),
  model('T21P_E2', 52, 2, ['52.80.0.3', '52.83.0.35', '52.84.0.125']),
  model('T41P', 36, 6, ['36.72.0.1', '36.80.0.95', '36.81.0.110']),
  model('T42S', 67, 12, ['66.81.0.110', '66.84.0.125']),
  model('T46G', 28, 16, ['28.72.0.1', '28.80.0.95', '28.81.0.110']),
  model('T48G', 35, 16, ['35.72.0.6', '35.80.0.95', '35.81.0.110']),
  model('T46U', 108, 16, ['108.86.0.45']),
  model('T54W', 96, 16, ['96.84.0.125', '96.85.0.5', '96.86.0.45']),
];

export function findModel(id: string | undefined): YealinkModel | undefined {
  if (!id) return undefined;
  const wanted = id.toUpperCase();
  return MODELS.find((m) => m.id.toUpperCase() === wanted);
}

export function modelByCode(code: number): YealinkModel | undefined {
  return MODELS.find((m) => m.code === code);
}
