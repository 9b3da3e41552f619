/** Yealink models the adapter knows: the catalogue (catalogue.ts) as ModelInfo records, and lookups. */
import type { ModelInfo } from '../../src/model/vendor-contract.js';
import { CATALOGUE, type YealinkKind } from './catalogue.js';

export interface YealinkModel extends ModelInfo {
  /** y0000000000<code>.cfg; undefined where no source names the model's common file */
  code?: number;
  kind: YealinkKind;
}

/** DECT bases and conference phones announce themselves without the `SIP-` prefix (`Yealink W70B …`, `Yealink CP860 …`). */
export const agentPrefix = (model: YealinkModel | undefined, id: string): string =>
  (model ? model.kind !== 'desk' : /^(W\d|CP)/.test(id)) ? '' : 'SIP-';

export const MODELS: readonly YealinkModel[] = CATALOGUE.map(([id, code, accounts, firmwares, kind]) => ({
  id,
  displayName: `Yealink ${kind === 'desk' ? 'SIP-' : ''}${id.replace('_', ' ')}`,
  accounts,
  firmwares,
  kind,
  ...(code === null ? {} : { code }),
}));

// every request is identified against these: a map each, not a scan of the catalogue
const BY_UPPER_ID = new Map(MODELS.map((m) => [m.id.toUpperCase(), m]));
/** the first model per code (several models may share one, e.g. T23P/T23G) */
const BY_CODE = new Map<number, YealinkModel>();
for (const m of MODELS) if (m.code !== undefined && !BY_CODE.has(m.code)) BY_CODE.set(m.code, m);

export function findModel(id: string | undefined): YealinkModel | undefined {
  return id ? BY_UPPER_ID.get(id.toUpperCase()) : undefined;
}

/** The first model whose common file has this code (several models may share one, e.g. T23P/T23G). */
export function modelByCode(code: number): YealinkModel | undefined {
  return BY_CODE.get(code);
}
