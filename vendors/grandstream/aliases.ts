/**
 * P-value ↔ alias translation for the parameters this adapter uses. The auditor reads live phones through
 * /cgi-bin/api.values.get, which speaks P-values; alias-family expectations are translated with these functions.
 * Account P-values follow the GRP26xx numbering (accounts 1–4); other accounts have no verified P-value.
 */
import type { Setting } from '../../src/model/vendor-contract.js';
import type { Series } from './models.js';
import { nameOf, wordsFor } from './naming.js';
import { PARAMS, type GsParam, type Words } from './params.js';

interface Pair {
  pvalue: string;
  alias: string;
  param: GsParam;
  words: Words | undefined;
}

function buildPairs(): Pair[] {
  const pairs: Pair[] = [];
  for (const param of Object.values(PARAMS) as GsParam[]) {
    if (!param.alias) continue;
    if (param.scope === 'global') {
      if (param.series.includes('grp')) pairs.push({ pvalue: param.p, alias: param.alias, param, words: param.words });
      continue;
    }
    (param.p.grp ?? []).forEach((pvalue, i) => {
      pairs.push({ pvalue, alias: param.alias!.replace('.N.', `.${i + 1}.`), param, words: param.words });
    });
  }
  return pairs;
}

/**
 * The pairs of one of the Android/Wi-Fi lines, in its own names and words (GXV: HTTPS is `P1650 = 1`). Account items of
 * the alias-only lines pair with the GXP numbers: those are never written to such a phone, but a `params:` P-value on one
 * of them is then compared with the rule's item and refused when it would undo it, never slipped past the guard.
 */
function linePairs(series: Series): Pair[] {
  const target = { series, format: 'alias' as const };
  const pairs: Pair[] = [];
  for (const param of Object.values(PARAMS) as GsParam[]) {
    const words = wordsFor(target, param);
    if (param.scope === 'global') {
      const alias = nameOf(target, param);
      if (alias && param.series.includes(series)) pairs.push({ pvalue: param.p, alias, param, words });
      continue;
    }
    (param.p[series] ?? param.p.gxp ?? []).forEach((pvalue, i) => {
      const alias = nameOf(target, param, i + 1);
      if (alias) pairs.push({ pvalue, alias, param, words });
    });
  }
  return pairs;
}

const PAIRS = buildPairs();
const BY_ALIAS = new Map(PAIRS.map((p) => [p.alias, p]));
const BY_PVALUE = new Map(PAIRS.map((p) => [p.pvalue, p]));
/** the lines that name or number some settings their own way; the GXP/GRP lines share the pairs above */
const OWN_LINES: readonly Series[] = ['gxv', 'wp810', 'wp820', 'wp8x6'];
const LINE_BY_ALIAS = new Map(OWN_LINES.map((line) => [line, new Map(linePairs(line).map((p) => [p.alias, p]))]));

/** the series a family id names (`gxv-alias` → gxv); undefined for an unknown id */
function seriesOf(family: string | undefined): Series | undefined {
  const series = family?.split('-')[0];
  return OWN_LINES.find((line) => line === series);
}

function invert(words: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(words).map(([k, v]) => [v, k]));
}

/**
 * Alias setting (e.g. `call.ipcall.enable = No`) → P-value setting (`P1310 = 1`); undefined when unmapped. `family`: the
 * firmware family whose names and words apply (absent: the GXP21xx/GRP26xx ones).
 */
export function aliasToPvalue(setting: Setting, family?: string): Setting | undefined {
  const line = seriesOf(family);
  const pair = (line ? LINE_BY_ALIAS.get(line) : BY_ALIAS)?.get(setting.key);
  if (!pair) return undefined;
  const value = pair.words ? invert(pair.words)[setting.value] : setting.value;
  if (value === undefined) return undefined;
  return { ...setting, key: pair.pvalue, value };
}

/** P-value setting (`P2347 = 1`) → alias setting (`account.1.sip.validate.incomingServer = Yes`); undefined when unmapped. */
export function pvalueToAlias(setting: Setting): Setting | undefined {
  const pair = BY_PVALUE.get(setting.key);
  if (!pair) return undefined;
  const value = pair.words ? pair.words[setting.value] : setting.value;
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
