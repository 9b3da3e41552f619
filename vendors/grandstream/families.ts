/** Firmware families: which file format and which parameter set a phone understands. Depends on model series and firmware. */
import { pickFamily } from '../_shared/compile.js';
import type { FirmwareFamily } from '../../src/model/vendor-contract.js';
import type { GsFormat } from '../_shared/gs-provision-xml.js';
import type { GsModel, Series } from './models.js';
import { compareVersions, parseVersion } from '../../src/model/firmware-version.js';

/** oldest → newest */
export const FAMILY_IDS = [
  'gxp-pvalue',
  'gxp-alias',
  'grp-pvalue',
  'grp-alias',
  'gxv-alias',
  'wp810-pvalue',
  'wp820-pvalue',
  'wp8x6-alias',
  'dp750-pvalue',
] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

/** oldest → newest per series; lines without an alias template stop at their P-value family */
const SERIES_FAMILIES: Record<Series, readonly FamilyId[]> = {
  gxp: ['gxp-pvalue', 'gxp-alias'],
  grp: ['grp-pvalue', 'grp-alias'],
  // one template each, whatever the firmware
  gxv: ['gxv-alias'],
  wp810: ['wp810-pvalue'],
  wp820: ['wp820-pvalue'],
  wp8x6: ['wp8x6-alias'],
  dp750: ['dp750-pvalue'],
};

/** First firmware whose template uses `<config version="2">` alias items: GRP261x 1.0.9.103, GXP21xx 1.0.11.79. */
const ALIAS_SINCE: Partial<Record<Series, number[]>> = { grp: [1, 0, 9, 103], gxp: [1, 0, 11, 79] };

export interface GsFamily extends FirmwareFamily {
  id: FamilyId;
  series: Series;
  format: GsFormat;
}

function matchFamily(model: GsModel, version: number[] | undefined): FamilyId | undefined {
  const since = ALIAS_SINCE[model.series];
  if (!since) return SERIES_FAMILIES[model.series][0];
  if (!version) return undefined;
  const alias = model.alias && compareVersions(version, since) >= 0;
  return `${model.series}-${alias ? 'alias' : 'pvalue'}` as FamilyId;
}

export function familyFor(model: GsModel, firmware: string | undefined): GsFamily {
  const families = model.alias ? SERIES_FAMILIES[model.series] : SERIES_FAMILIES[model.series].slice(0, 1);
  const picked = pickFamily(families, matchFamily(model, parseVersion(firmware)));
  const id = picked.id as FamilyId;
  return { id, guessed: picked.guessed, series: model.series, format: id.endsWith('-alias') ? 'alias' : 'pvalue' };
}
