/**
 * The guard on `params:`: a raw vendor parameter that sets a hardening rule's key to another value would undo the rule.
 * One check for `validate` (file and line) and for the server before it renders (the `weakening-override` event).
 */
import type { ParamLayer, ParamValue } from './config-types.js';
import type { RuleId } from './rules.js';
import type { Compiled, Setting } from './vendor-contract.js';

export interface ParamConflict {
  key: string;
  value: string;
  rule: RuleId;
  /** what the rule writes there; masked when it is a secret */
  want: string;
}

/** A param or rule setting in the terms both can be compared in (Grandstream: alias item → P-value). */
export type SettingNames = (setting: Setting, family?: string) => Setting | undefined;

export function weakeningParams(compiled: Compiled, params: Readonly<Record<string, string>>, apiName?: SettingNames): ParamConflict[] {
  const out: ParamConflict[] = [];
  const entries = Object.entries(params);
  if (entries.length === 0) return out;
  for (const [rule, c] of compiled.rules) {
    if (c.status !== 'applied') continue;
    for (const s of c.settings) {
      const sApi = apiName?.(s, compiled.family.id);
      for (const [key, value] of entries) {
        const p = { key, value };
        const pApi = apiName?.(p, compiled.family.id);
        const same =
          key === s.key
            ? [value, s.value]
            : sApi && key === sApi.key
              ? [value, sApi.value]
              : pApi && (pApi.key === s.key || pApi.key === sApi?.key)
                ? [pApi.value, pApi.key === s.key ? s.value : sApi!.value]
                : undefined;
        if (!same) continue;
        // a per-device secret (admin password) is never replaced by a value written in a shared config layer
        if (s.secret || same[0] !== same[1])
          out.push({ key, value: s.secret ? '********' : value, rule, want: s.secret ? 'the per-device secret' : s.value });
      }
    }
  }
  return out;
}

/** The layers' params merged (fleet → site → model → device, later layers win), each with where it was written. */
export function mergeParams(layers: readonly (ParamLayer | undefined)[]): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const layer of layers) if (layer) Object.assign(out, layer);
  return out;
}

export const paramValues = (merged: Readonly<Record<string, ParamValue>>): Record<string, string> =>
  Object.fromEntries(Object.entries(merged).map(([k, v]) => [k, v.value]));
