/** Policy layering: fleet → site → model → device, each layer overriding only the fields it names. */
import type { PolicyLayer, ResolvedPolicy, RuleSetting } from './config-types.js';
import { RULE_IDS, RULES } from './rules.js';

export const DEFAULT_SETTINGS: Readonly<ResolvedPolicy> = Object.fromEntries(
  RULE_IDS.map((id) => [id, defaultSetting(id)]),
) as ResolvedPolicy;

function defaultSetting(id: (typeof RULE_IDS)[number]): RuleSetting {
  const base: RuleSetting = { enabled: !RULES[id].optional };
  if (id === 'invite-validation') base.method = 'source';
  if (id === 'snmp-locked') base.mode = 'off';
  if (id === 'sip-port-nonstandard') base.port = 5062;
  return base;
}

export function resolvePolicy(layers: readonly (PolicyLayer | undefined)[]): ResolvedPolicy {
  const out = {} as ResolvedPolicy;
  for (const id of RULE_IDS) {
    let setting: RuleSetting = { ...DEFAULT_SETTINGS[id] };
    for (const layer of layers) {
      const override = layer?.[id];
      if (override) setting = { ...setting, ...override };
    }
    out[id] = setting;
  }
  return out;
}
