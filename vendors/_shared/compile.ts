/** Helpers every adapter uses to turn a rule table into a Compiled result and a rendered file. */
import type { ResolvedDevice, ResolvedPolicy, RuleSetting } from '../../src/model/config-types.js';
import { RULE_IDS, RULES, type RuleId } from '../../src/model/rules.js';
import type { Compiled, FileRef, FirmwareFamily, RenderedFile, RuleCompilation, Setting } from '../../src/model/vendor-contract.js';

export const applied = (settings: Setting[]): RuleCompilation => ({ status: 'applied', settings });
export const unsupported = (reason: string): RuleCompilation => ({ status: 'unsupported', reason });

/**
 * One entry per rule the vendor can express. Returning undefined means "nothing for this scope"
 * (e.g. a per-account rule when compiling a shared file): the rule is then left out, neither claimed nor denied.
 */
export type RuleTable = Partial<Record<RuleId, (setting: RuleSetting) => RuleCompilation | undefined>>;

export function compileRuleTable(policy: ResolvedPolicy, table: RuleTable, unsupportedReason: (rule: RuleId) => string): Map<RuleId, RuleCompilation> {
  const out = new Map<RuleId, RuleCompilation>();
  for (const rule of RULE_IDS) {
    if (RULES[rule].kind !== 'config') continue;
    const setting = policy[rule];
    if (!setting.enabled) {
      out.set(rule, { status: 'disabled' });
      continue;
    }
    const fn = table[rule];
    const result = fn ? fn(setting) : unsupported(unsupportedReason(rule));
    if (result) out.set(rule, result);
  }
  return out;
}

export function allSettings(compiled: Compiled): Setting[] {
  const out = [...compiled.base];
  for (const c of compiled.rules.values()) if (c.status === 'applied') out.push(...c.settings);
  return out;
}

/**
 * Every adapter's device-file check, before anything is compiled: a per-device file renders only for a device, and
 * only for the device whose MAC its name carries. The conformance suite holds every adapter to it.
 */
export function deviceFileOwner(file: FileRef, device: ResolvedDevice | undefined): ResolvedDevice {
  if (!device) throw new Error(`device file ${file.name} needs a device`);
  if (file.mac && file.mac !== device.mac) throw new Error(`device file ${file.name} does not belong to ${device.mac}`);
  return device;
}

/** Builds the reply from compiled settings; a file every phone can fetch must never carry a secret. */
export function renderCompiled(
  compiled: Compiled,
  file: FileRef,
  serialize: (settings: Setting[]) => string,
  contentType: string,
): RenderedFile {
  const settings = allSettings(compiled);
  if (!file.secret) {
    const leaked = settings.find((s) => s.secret);
    if (leaked) throw new Error(`secret setting ${leaked.key} in shared file ${file.name}`);
  }
  const appliedRules: RuleId[] = [];
  const unsupportedRules: { rule: RuleId; reason: string }[] = [];
  for (const [rule, c] of compiled.rules) {
    if (c.status === 'applied') appliedRules.push(rule);
    if (c.status === 'unsupported') unsupportedRules.push({ rule, reason: c.reason });
  }
  return { body: serialize(settings), contentType, family: compiled.family, applied: appliedRules, unsupported: unsupportedRules };
}

/** Firmware families are ordered oldest → newest; unknown firmware gets the newest, flagged as a guess. */
export function pickFamily<T extends string>(families: readonly T[], match: T | undefined): FirmwareFamily {
  if (match) return { id: match, guessed: false };
  return { id: families[families.length - 1]!, guessed: true };
}
