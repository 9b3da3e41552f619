/**
 * Yealink as the lab emulates it (vendor-facts §1). Key names depend on the firmware: V7x uses per-account
 * `account.N.sip_trust_ctrl`, V80+ the global `sip.trust_ctrl`; V81+ moved security/web/provisioning keys under
 * `static.` (the un-prefixed name is still read as a fallback there — unverified on real firmware).
 * `features.direct_ip_call_enable` governs dialling by IP; an inbound IP call is refused only by trust control
 * ("If you enable this feature, the phone cannot accept an IP address call").
 */
import type { PhoneBehaviour, ProfileContext, SipListener, LabProfile } from '../../../src/model/vendor-lab.js';
import { first, flag, flagOf, hostsMatching, list, port, range, SECRET_KEY, type Settings } from '../../_shared/lab-settings.js';

export const YEALINK_FACTORY_ADMIN = 'admin';

function major(firmware: string): number {
  const m = /^\d+\.(\d+)\./.exec(firmware);
  return m ? Number(m[1]) : 86;
}

const isStatic = (ctx: ProfileContext): boolean => major(ctx.firmware) >= 81;
const legacyTrust = (ctx: ProfileContext): boolean => major(ctx.firmware) < 80;

/** keys the firmware reads for a `static.`-family parameter, most specific first */
function names(ctx: ProfileContext, key: string): string[] {
  return isStatic(ctx) ? [`static.${key}`, key] : [key];
}

function factoryDefaults(ctx: ProfileContext): Map<string, string> {
  // static.-family keys (web, security, provisioning) are left out: their fallback is in behaviour(), so that either
  // spelling applied later takes effect
  const d = new Map<string, string>([
    ['features.direct_ip_call_enable', '1'],
    ['features.intercom.allow', '1'],
    ['features.ip_call.auto_answer.enable', '0'],
    ['sip.notify_reboot_enable', '1'],
    ['network.snmp.enable', '0'],
    ['network.snmp.port', '161'],
    ['network.snmp.trust_ip', ''],
  ]);
  if (legacyTrust(ctx)) {
    for (const n of range(ctx.accounts)) d.set(`account.${n}.sip_trust_ctrl`, '0');
  } else {
    d.set('sip.trust_ctrl', '0');
    d.set('sip.listen_port', '5060');
  }
  for (const n of range(ctx.accounts)) {
    d.set(`account.${n}.enable`, '0');
    d.set(`account.${n}.auto_answer`, '0');
    d.set(`account.${n}.reject_anonymous_call`, '0');
    if (legacyTrust(ctx)) d.set(`account.${n}.sip_listen_port`, '5060');
  }
  return d;
}

/** `security.user_password = admin:pw` is repeated once per user: the firmware keeps one password per user. */
function normalize(key: string, value: string): [string, string | null] | undefined {
  if (value === '') return undefined; // an empty value leaves the setting as it is
  if (value === '%NULL%') return [key, null]; // Wazo's way to clear a value
  if (/^(static\.)?security\.user_password$/.test(key)) {
    const colon = value.indexOf(':');
    if (colon <= 0) return undefined;
    return [`${key}:${value.slice(0, colon)}`, value.slice(colon + 1)];
  }
  return [key, value];
}

function behaviour(s: Settings, ctx: ProfileContext): PhoneBehaviour {
  const accounts = range(ctx.accounts);
  const enabled = accounts.filter((n) => flag(s, `account.${n}.enable`, false));
  const trustedOnly = legacyTrust(ctx)
    ? flag(s, 'account.1.sip_trust_ctrl', false) && enabled.every((n) => flag(s, `account.${n}.sip_trust_ctrl`, false))
    : flag(s, 'sip.trust_ctrl', false);
  const sipPort = legacyTrust(ctx) ? port(s, ['account.1.sip_listen_port'], 5060) : port(s, ['sip.listen_port'], 5060);
  const adminUser = first(s, names(ctx, 'security.user_name.admin')) ?? 'admin';
  const factoryAdmin = ctx.factoryAdminPassword ?? YEALINK_FACTORY_ADMIN;
  const adminPassword = first(s, names(ctx, 'security.user_password:admin')) ?? factoryAdmin;
  const directDial = flag(s, 'features.direct_ip_call_enable', true);
  const credentials = enabled
    .map((n) => ({
      username: first(s, [`account.${n}.auth_name`, `account.${n}.user_name`]) ?? '',
      password: s.get(`account.${n}.password`) ?? '',
    }))
    .filter((c) => c.username !== '');
  const provUser = first(s, names(ctx, 'auto_provision.server.username'));
  const provPass = first(s, names(ctx, 'auto_provision.server.password'));
  const snmpKey = (k: string) => [`static.network.snmp.${k}`, `network.snmp.${k}`];
  const limit = s.get('features.action_uri_limit_ip');
  const listeners: SipListener[] = [{ account: 1, port: sipPort, trustedOnly }];
  return {
    trustedOnly,
    trustedSources: hostsMatching(
      s,
      /^account\.\d+\.(sip_server\.\d+\.address|sip_server_host|outbound_proxy\.\d+\.address|outbound_host)$/,
    ),
    directIpCalls: true,
    requestValidation: {},
    autoAnswer:
      enabled.some((n) => flag(s, `account.${n}.auto_answer`, false)) ||
      (directDial && flag(s, 'features.ip_call.auto_answer.enable', false)),
    intercomAutoAnswer: flag(s, 'features.intercom.allow', true),
    rejectAnonymous: enabled.length > 0 && enabled.every((n) => flag(s, `account.${n}.reject_anonymous_call`, false)),
    checkUserId: false,
    inviteDigest: false,
    sipRealm: 'Yealink',
    sipCredentials: credentials,
    accountUsers: enabled.map((n) => s.get(`account.${n}.user_name`) ?? '').filter(Boolean),
    adminUser,
    adminPassword,
    defaultAdminPassword: adminPassword === factoryAdmin,
    web: { http: flagOf(s, names(ctx, 'wui.http_enable'), true), https: flagOf(s, names(ctx, 'wui.https_enable'), true) },
    snmpEnabled: flagOf(s, snmpKey('enable'), false),
    // no community parameter exists in the templates: the agent answers the factory community
    snmpCommunity: 'public',
    snmpManagers: list(first(s, snmpKey('trust_ip'))),
    snmpPort: port(s, snmpKey('port'), 161),
    sipPort,
    sipListeners: listeners,
    accountsActive: enabled.length,
    ...(provUser && provPass ? { provisioningCredentials: { username: provUser, password: provPass } } : {}),
    ...(limit !== undefined ? { actionUriAllow: list(limit) } : {}),
  };
}

export const yealinkProfile: LabProfile = {
  factoryDefaults,
  normalize,
  behaviour,
  sipAgent: (ctx) => ({ header: 'User-Agent', value: `Yealink SIP-${ctx.model} ${ctx.firmware}` }),
  isSecretKey: (key) => SECRET_KEY.test(key) || /user_password/.test(key),
};
