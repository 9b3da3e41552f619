/**
 * Observations + the compiled policy (+ proofs) → one finding per rule. Pure.
 * Read-back values are compared with checkRules in the phone API's terms; active proofs then override:
 * a proven failure wins over anything read back, a proven pass fills an unknown.
 */
import type { Site } from '../model/config-types.js';
import { checkRules, describeSetting } from '../model/rule-check.js';
import { RULE_IDS, RULES, type RuleId } from '../model/rules.js';
import type { Compiled, RuleCompilation, Setting } from '../model/vendor-contract.js';
import { finding, type Finding, type FindingState } from './findings.js';
import type { Proofs } from './proofs.js';
import type { FirmwareVerdict } from './vulnerable-firmware.js';

export interface CompareInput {
  vendorName: string;
  /** absent when the policy could not be compiled for this phone; `compileProblem` says why */
  compiled?: Compiled;
  compileProblem?: string;
  /** compiled setting → the name/value the read-back API uses; undefined when it has none */
  toApi: (setting: Setting) => Setting | undefined;
  /** read-back values (API terms); undefined when nothing could be read */
  values?: ReadonlyMap<string, string>;
  noReadReason?: string;
  proofs: Proofs;
  firmware: FirmwareVerdict;
  /** for firewall advice */
  site?: Site;
  /** per-device rules are left out of a shared compile: say why they are unknown */
  deviceKnown: boolean;
}

const NETWORK_FIX: Partial<Record<RuleId, (site?: Site) => string>> = {
  'sip-trusted-only': (site) =>
    `until fixed, allow SIP to this phone only from ${trustedList(site)} at the firewall or VLAN ACL, and drop the rest`,
  'no-direct-ip-calls': (site) => `until fixed, allow SIP to this phone only from ${trustedList(site)} at the firewall or VLAN ACL`,
  'invite-validation': (site) => `allow SIP to this phone only from ${trustedList(site)} at the firewall or VLAN ACL`,
  'web-https-only': () => 'block plain HTTP (tcp/80) to the phone at the firewall; manage it over HTTPS only',
  'snmp-locked': () => 'block SNMP (udp/161) to the phone except from your management hosts',
  'provisioning-pinned': () =>
    'let only your DHCP server answer on the phone VLAN (DHCP snooping), so no other host can hand out a provisioning server',
  'ssh-off': () => 'block SSH (tcp/22) to the phone except from your management hosts',
  'tr069-off': () => "block the phone's outbound TR-069 (HTTP/HTTPS to the vendor's ACS) at the firewall",
  'refer-validation': (site) => `allow SIP to this phone only from ${trustedList(site)} at the firewall or VLAN ACL`,
};

function trustedList(site?: Site): string {
  const servers = site ? [site.registrar, site.outboundProxy, ...site.trustedServers].filter((s): s is string => !!s) : [];
  return servers.length ? servers.join(', ') : 'the registrar and outbound proxy';
}

export function compareRules(input: CompareInput): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULE_IDS) {
    if (rule === 'firmware-current') {
      out.push(firmwareFinding(input.firmware));
      continue;
    }
    const compilation = input.compiled?.rules.get(rule);
    out.push(applyProofs(baseFinding(rule, compilation, input), input));
  }
  return out;
}

function baseFinding(rule: RuleId, c: RuleCompilation | undefined, input: CompareInput): Finding {
  if (!input.compiled) return finding(rule, 'unknown', [], [], input.compileProblem ?? 'the policy could not be compiled for this phone');
  if (!c) {
    const why = input.deviceKnown
      ? `${input.vendorName} compiles no settings for this rule here`
      : 'a per-device rule: the phone is not matched to an inventory device, so its expected settings are unknown';
    return finding(rule, 'unknown', [], [], why);
  }
  if (c.status === 'disabled') return finding(rule, 'disabled', ['rule turned off by policy'], []);
  if (c.status === 'unsupported') {
    const fix = NETWORK_FIX[rule]?.(input.site);
    return finding(rule, 'unsupported', [], fix ? [fix] : [], c.reason);
  }
  return readBackFinding(rule, c.settings, input);
}

function readBackFinding(rule: RuleId, settings: Setting[], input: CompareInput): Finding {
  const fix = settings.map(describeSetting);
  const secrets = settings.filter((s) => s.secret);
  const visible = settings.filter((s) => !s.secret);
  if (!input.values) return finding(rule, 'unknown', [], fix, input.noReadReason ?? 'settings could not be read back');
  const api: Setting[] = [];
  const unmapped: string[] = [];
  for (const s of visible) {
    const mapped = input.toApi(s);
    if (mapped) api.push(mapped);
    else unmapped.push(s.key);
  }
  const check = checkRules(
    { family: { id: 'audit', guessed: false }, base: [], rules: new Map([[rule, { status: 'applied', settings: api }]]) },
    input.values,
  )[0]!;
  const evidence = [...check.evidence, ...unmapped.map((k) => `${k}: no read-back name for this setting`)];
  let state: FindingState = check.state === 'disabled' ? 'unknown' : check.state;
  let reason: string | undefined;
  if (state === 'pass' && unmapped.length > 0) {
    state = 'unknown';
    reason = 'some settings have no read-back name';
  }
  if (state === 'pass' && secrets.length > 0) {
    state = 'unknown';
    reason = 'the secret part of this rule cannot be read back';
    evidence.push(...secrets.map((s) => `${s.key}: secret, not read back`));
  }
  if (state === 'unknown' && !reason) reason = 'not every setting could be read back';
  const advice =
    state === 'fail'
      ? [`re-provision the phone from ghostguard (resync or reboot); it must run: ${fix.join('; ')}`]
      : state === 'pass'
        ? []
        : fix;
  return finding(rule, state, evidence, advice, reason);
}

function applyProofs(f: Finding, input: CompareInput): Finding {
  const proofs = input.proofs.get(f.check) ?? [];
  if (proofs.length === 0) return f;
  const out: Finding = { ...f, evidence: [...f.evidence, ...proofs.map((p) => p.text)] };
  const failed = proofs.some((p) => p.verdict === 'fail');
  const passed = proofs.some((p) => p.verdict === 'pass');
  if (failed && f.state !== 'disabled') {
    const wasUnsupported = f.state === 'unsupported';
    out.state = 'fail';
    delete out.reason;
    const network = NETWORK_FIX[f.check as RuleId]?.(input.site);
    const expected = expectedSettings(f.check as RuleId, input);
    const provision = wasUnsupported
      ? [`${input.vendorName} cannot enforce this rule on this model/firmware (${f.reason ?? 'unsupported'})`]
      : f.state === 'fail'
        ? f.fix
        : expected.length
          ? [`re-provision the phone from ghostguard (resync or reboot); it must run: ${expected.join('; ')}`]
          : [];
    out.fix = [...provision, ...(network ? [network] : [])];
  } else if (passed && f.state === 'unknown') {
    out.state = 'pass';
    delete out.reason;
    out.fix = [];
  }
  return out;
}

function expectedSettings(rule: RuleId, input: CompareInput): string[] {
  const c = input.compiled?.rules.get(rule);
  return c?.status === 'applied' ? c.settings.map(describeSetting) : [];
}

function firmwareFinding(v: FirmwareVerdict): Finding {
  if (v.affected.length > 0) {
    const f = finding(
      'firmware-current',
      'fail',
      v.affected.map((r) => `firmware ${v.firmware} is in ${r.id} (≤ ${r.lastAffected}): ${r.summary}`),
      v.affected.map((r) => `upgrade the firmware to ${r.fixedIn} or later`),
    );
    f.severity = v.affected.some((r) => r.severity === 'critical') ? 'critical' : v.affected[0]!.severity;
    return f;
  }
  if (!v.firmware || v.possible.length > 0) {
    const possible = v.possible.map((r) => `${r.id} (≤ ${r.lastAffected}, fixed in ${r.fixedIn})`);
    return finding(
      'firmware-current',
      'unknown',
      possible.length ? [`this vendor/model is affected by ${possible.join(', ')} in some versions`] : [],
      [],
      v.firmware ? 'the model could not be determined' : 'the firmware version could not be determined',
    );
  }
  return finding('firmware-current', 'pass', [
    `firmware ${v.firmware}: outside every known-vulnerable range (${RULES['firmware-current'].title})`,
  ]);
}
