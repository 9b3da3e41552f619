/**
 * P-value ↔ alias translation for the parameters this adapter uses. The auditor reads live phones through
 * /cgi-bin/api.values.get, which speaks P-values; alias-family expectations are translated with these functions.
 * Account P-values follow the GRP26xx numbering (accounts 1–4); other accounts have no verified P-value.
 */
import type { Setting } from '../../src/model/vendor-contract.js';
import { PARAMS, type GsParam } from './params.js';

interface Pair {
  pvalue: string;
  alias: string;
  param: GsParam;
}

function buildPairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const param of Object.values(PARAMS) as GsParam[]) {
    if (!param.alias) continue;
    if (param.scope === 'global') {
      if (param.series.includes('grp')) pairs.push({ pvalue: param.p, alias: param.alias, param });
      continue;
    }
    (param.p.grp ?? []).forEach((pvalue, i) => {
      pairs.push({ pvalue, alias: param.alias!.replace('.N.', `.${i + 1}.`), param });
    });
  }
  return pairs;
}

const PAIRS = buildPairs();
const BY_ALIAS = new Map(PAIRS.map((p) => [p.alias, p]));
const BY_PVALUE = new Map(PAIRS.map((p) => [p.pvalue, p]));

function invert(words: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(words).map(([k, v]) => [v, k]));
}

/** Alias setting (e.g. `call.ipcall.enable = No`) → P-value setting (`P1310 = 1`); undefined when unmapped. */
export function aliasToPvalue(setting: Setting): Setting | undefined {
  const pair = BY_ALIAS.get(setting.key);
  if (!pair) return undefined;
  const value = pair.param.words ? invert(pair.param.words)[setting.value] : setting.value;
  if (value === undefined) return undefined;
  return { ...setting, key: pair.pvalue, value };
}

/** P-value setting (`P2347 = 1`) → alias setting (`account.1.sip.validate.incomingServer = Yes`); undefined when unmapped. */
export function pvalueToAlias(setting: Setting): Setting | undefined {
  const pair = BY_PVALUE.get(setting.key);
  if (!pair) return undefined;
  const value = pair.param.words ? pair.param.words[setting.value] : setting.value;
  if (value === undefined) return undefined;
  return { ...setting, key: pair.alias, value };
}

/** Name-only lookups, for building an api.values.get request list. */
export function pvalueForAlias(alias: string): string | undefined {
  return BY_ALIAS.get(alias)?.pvalue;
}

export function aliasForPvalue(pvalue: string): string | undefined {
  return BY_PVALUE.get(pvalue)?.alias;
}
