/** Compare observed settings with what the policy compiles to: the auditor's verdict and the server's pre-send guard. */
import type { Compiled, Setting } from './vendor-contract.js';
import type { RuleId } from './rules.js';

export type RuleState = 'pass' | 'fail' | 'unknown' | 'unsupported' | 'disabled';

export interface RuleCheck {
  rule: RuleId;
  state: RuleState;
  /** human-readable facts, secrets masked */
  evidence: string[];
  /** the settings that would make the rule pass (secrets masked) */
  fix: string[];
}

export const MASK = '********';

export function describeSetting(setting: Setting): string {
  return `${setting.key} = ${setting.secret ? MASK : setting.value}`;
}

export function checkRules(compiled: Compiled, observed: ReadonlyMap<string, string>): RuleCheck[] {
  const out: RuleCheck[] = [];
  for (const [rule, compilation] of compiled.rules) {
    if (compilation.status === 'disabled') {
      out.push({ rule, state: 'disabled', evidence: ['rule turned off by policy'], fix: [] });
      continue;
    }
    if (compilation.status === 'unsupported') {
      out.push({ rule, state: 'unsupported', evidence: [compilation.reason], fix: [] });
      continue;
    }
    out.push(checkSettings(rule, compilation.settings, observed));
  }
  return out;
}

function checkSettings(rule: RuleId, expected: readonly Setting[], observed: ReadonlyMap<string, string>): RuleCheck {
  const evidence: string[] = [];
  const fix = expected.map(describeSetting);
  let missing = 0;
  let wrong = 0;
  for (const setting of expected) {
    const actual = observed.get(setting.key);
    if (actual === undefined) {
      missing++;
      evidence.push(`${setting.key} not readable`);
    } else if (actual !== setting.value) {
      wrong++;
      evidence.push(
        setting.secret ? `${setting.key} differs from the provisioned value` : `${setting.key} = ${actual} (want ${setting.value})`,
      );
    } else {
      evidence.push(describeSetting(setting));
    }
  }
  const state: RuleState = wrong > 0 ? 'fail' : missing > 0 ? 'unknown' : 'pass';
  return { rule, state, evidence, fix };
}
