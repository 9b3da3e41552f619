/** Turns a logical parameter + P-value-style value into the Setting a family writes (P-value or alias item). */
import type { GsFormat } from '../_shared/gs-provision-xml.js';
import type { Setting } from '../../src/model/vendor-contract.js';
import type { Series } from './models.js';
import type { GsParam } from './params.js';
import { GhostguardError } from '../../src/model/errors.js';

export interface Target {
  format: GsFormat;
  series: Series;
}

/** undefined when no verified name exists for this series/format/account */
export function nameOf(target: Target, param: GsParam, account?: number): string | undefined {
  if (param.scope === 'global') {
    if (!param.series.includes(target.series)) return undefined;
    if (target.format === 'alias') return param.alias;
    return (param.pvalueSeries ?? param.series).includes(target.series) ? param.p : undefined;
  }
  if (account === undefined || account < 1) throw new GhostguardError('GG_ERR_INTERNAL', 'account parameter needs an account index');
  if (target.format === 'alias') return param.alias?.replace('.N.', `.${account}.`);
  return param.p[target.series][account - 1];
}

/** `value` is always given in P-value terms ('1', '0', a port, a host); alias families translate drop-downs to words. */
export function settingFor(target: Target, param: GsParam, value: string, account?: number): Setting | undefined {
  const key = nameOf(target, param, account);
  if (!key) return undefined;
  let out = value;
  if (target.format === 'alias' && param.words) {
    const word = param.words[value];
    if (word === undefined) throw new GhostguardError('GG_ERR_INTERNAL', `no alias word for ${key} = ${value}`);
    out = word;
  }
  return param.secret ? { key, value: out, secret: true } : { key, value: out };
}
