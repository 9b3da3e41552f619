/** Turns a logical parameter + P-value-style value into the Setting a family writes (P-value or alias item). */
import type { GsFormat } from '../_shared/gs-provision-xml.js';
import type { Setting } from '../../src/model/vendor-contract.js';
import type { Series } from './models.js';
import type { GsParam, Words } from './params.js';
import { GhostguardError } from '../../src/model/errors.js';

export interface Target {
  format: GsFormat;
  series: Series;
}

/** undefined when no verified name exists for this series/format/account */
export function nameOf(target: Target, param: GsParam, account?: number): string | undefined {
  const alias = param.seriesAlias?.[target.series] ?? param.alias;
  if (param.scope === 'global') {
    if (!param.series.includes(target.series)) return undefined;
    if (target.format === 'alias') return (param.aliasSeries ?? param.series).includes(target.series) ? alias : undefined;
    return (param.pvalueSeries ?? param.series).includes(target.series) ? param.p : undefined;
  }
  if (account === undefined || account < 1) throw new GhostguardError('GG_ERR_INTERNAL', 'account parameter needs an account index');
  if (target.format === 'alias')
    return (param.aliasSeries ?? ALIAS_LINES).includes(target.series) ? alias?.replace('.N.', `.${account}.`) : undefined;
  return param.p[target.series]?.[account - 1];
}

/** account items without a list of their own are carried by the GXP21xx and GRP26xx alias templates */
const ALIAS_LINES: readonly Series[] = ['gxp', 'grp'];

/** the drop-down words a line writes for this parameter; undefined: the value is written as is */
export function wordsFor(target: Target, param: GsParam): Words | undefined {
  const own = param.seriesWords?.[target.series];
  return own === null ? undefined : (own ?? param.words);
}

/** `value` is always given in P-value terms ('1', '0', a port, a host); alias families translate drop-downs to words. */
export function settingFor(target: Target, param: GsParam, value: string, account?: number): Setting | undefined {
  const key = nameOf(target, param, account);
  if (!key) return undefined;
  let out = value;
  const words = wordsFor(target, param);
  if (target.format === 'alias' && words) {
    const word = words[value];
    if (word === undefined) throw new GhostguardError('GG_ERR_INTERNAL', `no alias word for ${key} = ${value}`);
    out = word;
  }
  return param.secret ? { key, value: out, secret: true } : { key, value: out };
}
