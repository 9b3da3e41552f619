/** Firmware families: which file format and which parameter set a phone understands. Depends on model series and firmware. */
import { pickFamily } from '../_shared/compile.js';
import type { FirmwareFamily } from '../../src/model/vendor-contract.js';
import type { GsFormat } from '../_shared/gs-provision-xml.js';
import type { GsModel, Series } from './models.js';
import { compareVersions, parseVersion } from '../../src/model/firmware-version.js';

/** oldest → newest */
export const FAMILY_IDS = ['gxp-pvalue', 'grp-pvalue', 'grp-alias'] as const;
export type FamilyId = (typeof FAMILY_IDS)[number];

const SERIES_FAMILIES: Record<Series, readonly FamilyId[]> = {
  gxp: ['gxp-pvalue'],
  grp: ['grp-pvalue', 'grp-alias'],
};

/** First GRP26xx firmware whose template uses `<config version="2">` alias items. */
const GRP_ALIAS_SINCE = [1, 0, 9, 103];

export interface GsFamily extends FirmwareFamily {
  id: FamilyId;
  series: Series;
  format: GsFormat;
}

function matchFamily(series: Series, version: number[] | undefined): FamilyId | undefined {
  if (!version) return undefined;
  if (series === 'gxp') return 'gxp-pvalue';
  return compareVersions(version, GRP_ALIAS_SINCE) >= 0 ? 'grp-alias' : 'grp-pvalue';
}

export function familyFor(model: GsModel, firmware: string | undefined): GsFamily {
  const picked = pickFamily(SERIES_FAMILIES[model.series], matchFamily(model.series, parseVersion(firmware)));
  const id = picked.id as FamilyId;
  return { id, guessed: picked.guessed, series: model.series, format: id === 'grp-alias' ? 'alias' : 'pvalue' };
}
