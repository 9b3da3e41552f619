/** Helpers every adapter uses to turn a rule table into a Compiled result and a rendered file. */
import type { ResolvedDevice, ResolvedPolicy, RuleSetting } from '../../src/model/config-types.js';
import { RULE_IDS, RULES, type RuleId } from '../../src/model/rules.js';
import type { Compiled, FileRef, FirmwareFamily, RenderedFile, RuleCompilation, Setting } from '../../src/model/vendor-contract.js';
import { GhostguardError } from '../../src/model/errors.js';

export const applied = (settings: Setting[]): RuleCompilation => ({ status: 'applied', settings });
/** the settings equal the vendor's documented factory default: written so a changed phone is put back, no change otherwise */
export const appliedDefault = (settings: Setting[]): RuleCompilation => ({ status: 'applied', settings, factoryDefault: true });
export const unsupported = (reason: string): RuleCompilation => ({ status: 'unsupported', reason });

/**
 * One entry per rule the vendor can express. Returning undefined means "nothing for this scope"
 * (e.g. a per-account rule when compiling a shared file): the rule is then left out, neither claimed nor denied.
 */
export type RuleTable = Partial<Record<RuleId, (setting: RuleSetting) => RuleCompilation | undefined>>;

export function compileRuleTable(
  policy: ResolvedPolicy,
  table: RuleTable,
  unsupportedReason: (rule: RuleId) => string,
): Map<RuleId, RuleCompilation> {
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
  if (!device) throw new GhostguardError('GG_ERR_INTERNAL', `device file ${file.name} needs a device`);
  if (file.mac && file.mac !== device.mac)
    throw new GhostguardError('GG_ERR_INTERNAL', `device file ${file.name} does not belong to ${device.mac}`);
  return device;
}

/** `params:` → settings, in the order written (the caller passes them through after the rules). */
export function paramSettings(params: Readonly<Record<string, string>> | undefined): Setting[] {
  return Object.entries(params ?? {}).map(([key, value]) => ({ key, value }));
}

/**
 * Base and rule settings, then the `params:` ones: a param on a base key (registration, provisioning) replaces it, one on a
 * rule's key must agree with the rule (the server refuses weakening params before rendering; this is the last line).
 */
function withParams(compiled: Compiled): { settings: Setting[]; fromParams: string[] } {
  const settings = allSettings(compiled);
  const ruleKeys = new Map<string, Setting>();
  for (const c of compiled.rules.values()) if (c.status === 'applied') for (const s of c.settings) ruleKeys.set(s.key, s);
  const fromParams: string[] = [];
  for (const p of compiled.params ?? []) {
    const rule = ruleKeys.get(p.key);
    if (rule) {
      if (rule.secret || rule.value !== p.value)
        throw new GhostguardError('GG_ERR_PARAMS_WEAKENING', `params: ${p.key} would undo a hardening rule`);
      continue;
    }
    const at = settings.findIndex((s) => s.key === p.key);
    if (at >= 0) settings[at] = { ...p, ...(settings[at]!.secret ? { secret: true } : {}) };
    else settings.push(p);
    fromParams.push(p.key);
  }
  return { settings, fromParams };
}

/** Builds the reply from compiled settings; a file every phone can fetch must never carry a secret. */
export function renderCompiled(
  compiled: Compiled,
  file: FileRef,
  serialize: (settings: Setting[]) => string,
  contentType: string,
): RenderedFile {
  const { settings, fromParams } = withParams(compiled);
  if (!file.secret) {
    const leaked = settings.find((s) => s.secret);
    if (leaked) throw new GhostguardError('GG_ERR_RENDER_VIOLATION', `secret setting ${leaked.key} in shared file ${file.name}`);
  }
  const appliedRules: RuleId[] = [];
  const asDefault: RuleId[] = [];
  const unsupportedRules: { rule: RuleId; reason: string }[] = [];
  for (const [rule, c] of compiled.rules) {
    if (c.status === 'applied') appliedRules.push(rule);
    if (c.status === 'applied' && c.factoryDefault) asDefault.push(rule);
    if (c.status === 'unsupported') unsupportedRules.push({ rule, reason: c.reason });
  }
  return {
    body: serialize(settings),
    contentType,
    family: compiled.family,
    applied: appliedRules,
    unsupported: unsupportedRules,
    ...(fromParams.length > 0 ? { fromParams } : {}),
    ...(asDefault.length > 0 ? { asDefault } : {}),
  };
}

/** Firmware families are ordered oldest → newest; unknown firmware gets the newest, flagged as a guess. */
export function pickFamily<T extends string>(families: readonly T[], match: T | undefined): FirmwareFamily {
  if (match) return { id: match, guessed: false };
  return { id: families[families.length - 1]!, guessed: true };
}
