/** Grandstream handsets the adapter knows: account counts and firmware versions seen in the field (vendor-facts §3). */
import type { ModelInfo } from '../../src/model/vendor-contract.js';
import { CATALOGUE, type Series } from './catalogue.js';
import { GhostguardError } from '../../src/model/errors.js';

export type { Series } from './catalogue.js';

export interface GsModel extends ModelInfo {
  series: Series;
  /** the firmware line has alias-format templates (GXP21xx from 1.0.11.79, GRP261x from 1.0.9.103) */
  alias: boolean;
}

export const MODELS: readonly GsModel[] = CATALOGUE.map(([id, series, accounts, firmwares, alias]) => ({
  id,
  displayName: `Grandstream ${id}`,
  accounts,
  firmwares,
  series,
  alias,
}));

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string | undefined): GsModel | undefined {
  return id ? BY_ID.get(id.toUpperCase()) : undefined;
}

/** Lines outside the catalogue whose numbering is known, by model-name prefix; first match wins. */
const LINES: readonly (readonly [RegExp, Series])[] = [
  [/^GRP/, 'grp'],
  [/^GXP/, 'gxp'],
  [/^GXV3[34]\d\d/, 'gxv'],
  [/^WP8\d6/, 'wp8x6'],
];

/**
 * The catalogue model, or for a model outside it the settings of its line: the series from the name prefix, the account
 * count unknown (bounded by the lines configured), no alias family unless the line is GRP26xx/GXP21xx. A Grandstream name
 * of another line (DP bases other than the DP750, HT adapters, older GXV) is refused: those templates number the same settings differently.
 */
export function modelOrLine(id: string): GsModel {
  const model = findModel(id);
  if (model) return model;
  const upper = id.toUpperCase();
  if (!/^[A-Z]{2,4}\d{3,4}[A-Z]{0,2}$/.test(upper))
    throw new GhostguardError('GG_ERR_MODEL_UNKNOWN', `not a Grandstream model name: "${id}"`);
  const series = LINES.find(([prefix]) => prefix.test(upper))?.[1];
  if (!series)
    throw new GhostguardError(
      'GG_ERR_MODEL_UNKNOWN',
      `Grandstream ${upper} belongs to no line ghostguard has a parameter table for (its template numbers settings differently; ${MODELS.map((m) => m.id).join(', ')})`,
    );
  return { id: upper, displayName: `Grandstream ${upper}`, accounts: 0, firmwares: [], series, alias: /^(GRP26|GXP21)/.test(upper) };
}
