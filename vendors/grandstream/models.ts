/** Grandstream handsets the adapter knows: account counts and firmware versions seen in the field (vendor-facts §3). */
import type { ModelInfo } from '../../src/model/vendor-contract.js';

/** GXP = GXP21xx/GXP16xx P-value numbering; GRP = GRP26xx (P-value on early firmware, alias XML from 1.0.9.103). */
export type Series = 'gxp' | 'grp';

export interface GsModel extends ModelInfo {
  series: Series;
}

export const MODELS: readonly GsModel[] = [
  // 1.0.2.25: SIP Server header capture; 1.0.7.79: last GXP16xx build before the api.values.get overflow fix (CVE-2026-2329)
  { id: 'GXP1625', displayName: 'Grandstream GXP1625', accounts: 2, firmwares: ['1.0.2.25', '1.0.7.79'], series: 'gxp' },
  // 1.0.5.32: GXP21xx template generation; 1.0.9.14: SIP User-Agent capture
  { id: 'GXP2140', displayName: 'Grandstream GXP2140', accounts: 4, firmwares: ['1.0.5.32', '1.0.9.14'], series: 'gxp' },
  // 1.0.3.6: GRP26xx P-value template; 1.0.5.15: provisioning User-Agent capture; 1.0.9.103: first alias template
  { id: 'GRP2614', displayName: 'Grandstream GRP2614', accounts: 4, firmwares: ['1.0.3.6', '1.0.5.15', '1.0.9.103'], series: 'grp' },
  // 1.0.13.59: provisioning User-Agent capture
  { id: 'GRP2616', displayName: 'Grandstream GRP2616', accounts: 6, firmwares: ['1.0.13.59'], series: 'grp' },
];

export function findModel(id: string | undefined): GsModel | undefined {
  if (!id) return undefined;
  const upper = id.toUpperCase();
  return MODELS.find((m) => m.id === upper);
}

export function requireModel(id: string): GsModel {
  const model = findModel(id);
  if (!model) throw new Error(`unknown Grandstream model ${id}`);
  return model;
}
