/**
 * The Yealink rule table: rule → parameters, per firmware family. The single source for rendering and for
 * the auditor's comparison. Per-account parameters only come out when a device is known (the MAC file);
 * global ones come out in the shared common file too.
 */
import type { ResolvedDevice, RuleSetting } from '../../src/model/config-types.js';
import type { RuleId } from '../../src/model/rules.js';
import type { RuleCompilation, RuleTableContext, Setting } from '../../src/model/vendor-contract.js';
import { applied, appliedDefault, unsupported, type RuleTable } from '../_shared/compile.js';
import type { FamilyId } from './families.js';
import type { YealinkModel } from './models.js';
import { loginKey } from './logins.js';

/** model: undefined when the model is not in the table (its account count is unknown) */
export type KeyContext = RuleTableContext<YealinkModel | undefined, FamilyId>;

/** the model's admin guide documents `sip.notify_reboot_enable = 2` (T5 series and CP9xx guide) */
const notifyIgnoreDocumented = (model: YealinkModel | undefined): boolean => model !== undefined && /^(T5\d|CP9)/.test(model.id);

/** DECT bases: their templates have no intercom or auto-answer parameters, nor features.direct_ip_call_enable (W80) */
const isDect = (model: YealinkModel | undefined): boolean => model?.kind === 'dect';

export const setting = (key: string, value: string): Setting => ({ key, value });
export const secretSetting = (key: string, value: string): Setting => ({ key, value, secret: true });

/** V81 moved provisioning, security and web-UI parameters under `static.`. */
export const staticPrefix = (family: FamilyId): string => (family === 'v81+' ? 'static.' : '');

export const transportKey = (family: FamilyId, account: number): string =>
  family === 'v81+' ? `account.${account}.sip_server.1.transport_type` : `account.${account}.transport`;

export const TRANSPORT_VALUES = { udp: '0', tcp: '1', tls: '2' } as const;

const REASONS: Partial<Record<RuleId, string>> = {
  'no-auto-answer': 'the W-series DECT templates have no intercom or auto-answer parameter',
  'invite-validation':
    'sip.request_validation.* exists in V8x templates but its value syntax is unverified; no verified Yealink INVITE validation',
  'provisioning-pinned':
    'the W-series DECT templates have the plug-and-play switch but no DHCP option switch, so DHCP could still redirect provisioning',
  'refer-validation': 'no verified Yealink parameter refuses REFERs from strangers (sip.request_validation.* syntax is unverified)',
};

export function unsupportedReason(rule: RuleId): string {
  return REASONS[rule] ?? `no verified Yealink parameter for ${rule}`;
}

export function ruleTable(ctx: KeyContext): RuleTable {
  const { family, device } = ctx;
  const p = staticPrefix(family);
  const accounts = allAccounts(ctx);
  /** one setting per account of the model, or undefined in a shared file */
  const perAccount = (make: (n: number) => Setting): Setting[] | undefined => accounts?.map(make);
  const trust = family === 'legacy' ? perAccount((n) => setting(`account.${n}.sip_trust_ctrl`, '1')) : [setting('sip.trust_ctrl', '1')];

  return {
    'sip-trusted-only': () => (trust ? applied(trust) : undefined),
    // direct_ip_call_enable stops dialling by IP; only trust control refuses IP calls coming in
    'no-direct-ip-calls': () =>
      isDect(ctx.model)
        ? trust
          ? applied(trust)
          : undefined
        : applied([setting('features.direct_ip_call_enable', '0'), ...(trust ?? [])]),
    'invite-validation': () => unsupported(unsupportedReason('invite-validation')),
    'no-auto-answer': () =>
      isDect(ctx.model)
        ? unsupported(REASONS['no-auto-answer']!)
        : applied([setting('features.intercom.allow', '0'), ...(perAccount((n) => setting(`account.${n}.auto_answer`, '0')) ?? [])]),
    'reject-anonymous': () => optionalApplied(perAccount((n) => setting(`account.${n}.reject_anonymous_call`, '1'))),
    // 2 = ignore check-sync NOTIFY, documented in the T5/CP969 admin guide (V8x) only; elsewhere 0 = reboot only when the
    // NOTIFY says reboot=true (the one value every template knows)
    'no-remote-reboot': () =>
      applied([setting('sip.notify_reboot_enable', family === 'v81+' && notifyIgnoreDocumented(ctx.model) ? '2' : '0')]),
    'unused-accounts-off': () => unusedAccounts(ctx),
    'sip-port-nonstandard': (s) => listenPort(ctx, s, accounts),
    'sip-tls-srtp': () =>
      device &&
      applied(
        device.lines.flatMap((line) => [
          setting(transportKey(family, line.index), TRANSPORT_VALUES.tls),
          setting(`account.${line.index}.srtp_encryption`, '1'),
        ]),
      ),
    'admin-password-set': () => adminPassword(p, device),
    'web-https-only': () => applied([setting(`${p}wui.http_enable`, '0'), setting(`${p}wui.https_enable`, '1')]),
    'snmp-locked': (s) => snmp(family, s),
    // PnP and DHCP options both outrank the server URL ghostguard wrote (custom option > 66 > 43 > phone flash); written
    // in the MAC file beside that URL, so the shared common file carries no auto_provision key
    'provisioning-pinned': () =>
      isDect(ctx.model)
        ? unsupported(REASONS['provisioning-pinned']!)
        : device && applied([setting(`${p}auto_provision.pnp_enable`, '0'), setting(`${p}auto_provision.dhcp_option.enable`, '0')]),
    // the `user` login: a second security.user_password line (logins.ts)
    'user-password-set': () => device && applied([secretSetting(loginKey(p, 'user'), `user:${device.userPassword}`)]),
    // the factory default, re-asserted so a phone switched to an ACS is put back
    'tr069-off': () => appliedDefault([setting(`${p}managementserver.enable`, '0')]),
    'refer-validation': () => unsupported(REASONS['refer-validation']!),
  };
}

function allAccounts(ctx: KeyContext): number[] | undefined {
  if (!ctx.device) return undefined;
  const count = ctx.model?.accounts ?? Math.max(0, ...ctx.device.lines.map((l) => l.index));
  return Array.from({ length: count }, (_, i) => i + 1);
}

const optionalApplied = (settings: Setting[] | undefined): RuleCompilation | undefined => settings && applied(settings);

function unusedAccounts(ctx: KeyContext): RuleCompilation | undefined {
  if (!ctx.device) return undefined;
  if (ctx.model === undefined) return unsupported(`model ${ctx.device.model} is not in the Yealink table: its account count is unknown`);
  const used = new Set(ctx.device.lines.map((l) => l.index));
  const unused: Setting[] = [];
  for (let n = 1; n <= ctx.model.accounts; n++) if (!used.has(n)) unused.push(setting(`account.${n}.enable`, '0'));
  return applied(unused);
}

function listenPort(ctx: KeyContext, s: RuleSetting, accounts: number[] | undefined): RuleCompilation | undefined {
  const port = s.port;
  if (port === undefined || !Number.isInteger(port) || port < 1024 || port > 65535 || port === 5060) {
    return unsupported(`local SIP port ${String(port)} is not a non-standard port in 1024-65535`);
  }
  if (ctx.family !== 'legacy') return applied([setting('sip.listen_port', String(port))]);
  return optionalApplied(accounts?.map((n) => setting(`account.${n}.sip_listen_port`, String(port))));
}

function adminPassword(prefix: string, device: ResolvedDevice | undefined): RuleCompilation | undefined {
  if (!device) return undefined;
  if (!device.adminPassword) return unsupported('no admin password resolved for this device');
  return applied([secretSetting(`${prefix}security.user_password`, `admin:${device.adminPassword}`)]);
}

const MANAGER = /^[0-9A-Za-z.:-]{1,253}$/;

function snmp(family: FamilyId, s: RuleSetting): RuleCompilation {
  if (family === 'v81+') return unsupported('SNMP parameter names for V81+ firmware are unverified (absent from the V8x templates)');
  if (s.mode !== 'restricted') return applied([setting('network.snmp.enable', '0')]);
  if (s.community) return unsupported('no verified Yealink parameter sets an SNMP community; only a trusted-manager list exists');
  const managers = s.managers ?? [];
  if (managers.length === 0 || !managers.every((m) => MANAGER.test(m))) {
    return unsupported('restricted SNMP needs one or more manager addresses');
  }
  return applied([setting('network.snmp.enable', '1'), setting('network.snmp.trust_ip', managers.join(' '))]);
}
