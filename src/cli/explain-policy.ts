/** `render --explain`: each config rule's policy knobs as resolved for this phone, and what became of the rule in the file. */
import type { ResolvedPolicy } from '../model/config-types.js';
import { MASK } from '../model/rule-check.js';
import { RULE_IDS, RULES, type RuleId } from '../model/rules.js';

export interface RuleOutcomes {
  applied: readonly RuleId[];
  asDefault?: readonly RuleId[];
  unsupported: readonly { rule: RuleId }[];
}

export function policyLines(policy: ResolvedPolicy, rendered: RuleOutcomes): string[] {
  return RULE_IDS.filter((id) => RULES[id].kind === 'config').map((id) => {
    const setting = policy[id];
    const knobs = Object.entries(setting)
      .filter(([key, value]) => key !== 'enabled' && value !== undefined)
      .map(([key, value]) => `${key}=${key === 'community' ? MASK : Array.isArray(value) ? value.join(' ') : String(value)}`);
    const outcome = !setting.enabled
      ? 'turned off by policy'
      : rendered.asDefault?.includes(id)
        ? 'applied (the factory default, re-asserted: no change on a factory-fresh phone)'
        : rendered.applied.includes(id)
          ? 'applied'
          : rendered.unsupported.some((u) => u.rule === id)
            ? 'unsupported'
            : 'not in this file';
    return `# policy ${id}: ${setting.enabled ? 'on' : 'off'}${knobs.length > 0 ? ` (${knobs.join(', ')})` : ''} → ${outcome}`;
  });
}
