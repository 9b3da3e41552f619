/**
 * The rule table: each hardening rule → Grandstream parameters, per firmware family.
 * Single source for rendering and for the auditor's comparison (via compile()).
 */
import { applied, appliedDefault, unsupported, type RuleTable } from '../_shared/compile.js';
import type { RuleCompilation, RuleTableContext, Setting } from '../../src/model/vendor-contract.js';
import type { GsFamily } from './families.js';
import type { GsModel } from './models.js';
import { settingFor } from './naming.js';
import { PARAMS, type GsParam } from './params.js';
import { GhostguardError } from '../../src/model/errors.js';

export type RuleContext = RuleTableContext<GsModel, GsFamily>;

type Pair = readonly [GsParam, string];

export const UNSUPPORTED = {
  gxpRemoteReboot: 'GXP21xx/GXP16xx templates have no "Allow SIP Reset" switch, and P4428 (NOTIFY authentication) has unverified polarity',
  gxpSnmp: 'the GXP21xx/GXP16xx P-value template documents no SNMP parameter',
  snmpRestricted: 'no verified Grandstream parameter limits SNMP to manager addresses; only mode "off" is supported',
  tr069Pvalue:
    'the GXP16xx/GXP17xx, GXP2100–GXP2124 and GRP26xx P-value templates have no TR-069 enable switch (P1409 is in the GXP21xx 1.0.5.32 template for GXP2130–GXP2170 and, as tr069.enable, in the alias templates)',
  gxpRefer: 'the GXP P-value templates have no "Allow Unsolicited REFER" setting (it appears from GXP21xx 1.0.11.79 alias firmware on)',
  gxvSsh:
    'the GXV alias templates label security.ssh "Disable SSH" with words "No, Yes" and no inversion note, where the GRP261x template marks the same item Invert_Yes_No: the polarity is unverified',
  wp820Srtp:
    'the WP820 1.0.1.16 template lists SRTP mode P183 under account 2 and P443 under account 1, the reverse of every other line, so the account a value reaches is unverified',
  noSnmp: 'the template of this line documents no SNMP parameter',
  gxp2124Web: 'the GXP2124 template (FusionPBX gxp2124) has no web access mode parameter (P1650)',
  dpAutoAnswer: 'the DP750 1.0.2.16 template has no auto-answer or Call-Info/intercom setting on its profiles or handset accounts',
  dpRemoteReboot: 'the DP750 1.0.2.16 template has no "Allow SIP Reset" or NOTIFY setting',
  dpRefer: 'the DP750 1.0.2.16 template has no "Allow Unsolicited REFER" setting',
} as const;

/** The DP750 writes SIP servers and the hardening per profile (1–4); ghostguard puts every line on profile 1. */
export const DP_PROFILES = 4;
export const isDp = (family: GsFamily): boolean => family.series === 'dp750';

/**
 * P1409 (TR-069 enable) is in the GXP21xx 1.0.5.32 P-value template (GXP2130–GXP2170) only: not in the GXP16xx/GXP17xx ones,
 * nor in FusionPBX's templates for the older GXP2100–GXP2124 (`gxp2100`, `gxp2124`), which such a phone outside the
 * catalogue is given the GXP numbering of.
 */
const TR069_PVALUE_MODELS = /^GXP21[3-7]\d/;
/** FusionPBX's `gxp2124` template has no P1650 (web access mode); its `gxp2100` one has */
const NO_WEB_MODE_MODELS = /^GXP2124$/;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function missing(ctx: RuleContext, key: string, account?: number): RuleCompilation {
  const where = account === undefined ? '' : ` for account ${account}`;
  return unsupported(`no verified ${ctx.model.id} parameter (${ctx.family.id}) for ${key}${where}`);
}

function perAccount(ctx: RuleContext, accounts: readonly number[], what: string, build: (account: number) => Pair[]): RuleCompilation {
  const settings: Setting[] = [];
  for (const account of accounts) {
    for (const [param, value] of build(account)) {
      const s = settingFor(ctx.family, param, value, account);
      if (!s) return missing(ctx, what, account);
      settings.push(s);
    }
  }
  return applied(settings);
}

/** the family writes this parameter (for account 1 when per account) */
function has(ctx: RuleContext, param: GsParam): boolean {
  return settingFor(ctx.family, param, '0', param.scope === 'account' ? 1 : undefined) !== undefined;
}

function global(ctx: RuleContext, what: string, pairs: Pair[]): RuleCompilation {
  const settings: Setting[] = [];
  for (const [param, value] of pairs) {
    const s = settingFor(ctx.family, param, value);
    if (!s) return missing(ctx, what);
    settings.push(s);
  }
  return applied(settings);
}

/** "Allow SIP Reset" is off from the factory (P26015 default 0 in every template that has it): re-asserted, not a change */
function asFactoryDefault(c: RuleCompilation): RuleCompilation {
  return c.status === 'applied' ? appliedDefault(c.settings) : c;
}

/** Accounts 2.. listen on their own ports; each gets base + 2(n-1) so no two accounts collide. */
export function accountPort(base: number, account: number): number {
  const port = base + 2 * (account - 1);
  if (!Number.isInteger(base) || base < 1 || port > 65535)
    throw new GhostguardError('GG_ERR_RENDER_INVALID', `SIP port ${base} out of range for account ${account}`);
  return port;
}

export function ruleTable(ctx: RuleContext): RuleTable {
  const { device, model, family } = ctx;
  // the slots the server and the hardening live on: accounts, or on the DP750 its profiles (lines all use profile 1)
  const all = isDp(family) ? range(DP_PROFILES) : range(model.accounts);
  const used = !device ? [] : isDp(family) ? (device.lines.length > 0 ? [1] : []) : device.lines.map((l) => l.index);
  const deviceOnly = (fn: () => RuleCompilation) => () => (device ? fn() : undefined);
  const P = PARAMS;
  return {
    'sip-trusted-only': deviceOnly(() => perAccount(ctx, all, 'accept SIP from proxy only', () => [[P.acceptProxyOnly, '1']])),
    'no-direct-ip-calls': () =>
      global(ctx, 'disable direct IP calls', [[isDp(family) ? P.disableDirectIpCallDp : P.disableDirectIpCall, '1']]),
    'invite-validation': (s) =>
      device
        ? perAccount(ctx, all, 'INVITE validation', () => [
            [P.checkUserId, '1'],
            ...(s.method === 'digest' || s.method === 'both' ? [[P.authIncomingInvite, '1'] as const] : []),
          ])
        : undefined,
    // GXV and WP820 have no Call-Info switch: their auto-answer drop-down holds "Enable Intercom/Paging" as a value
    'no-auto-answer': deviceOnly(() =>
      isDp(family)
        ? unsupported(UNSUPPORTED.dpAutoAnswer)
        : perAccount(ctx, all, 'auto answer', () => [
            [P.autoAnswer, '0'],
            ...(has(ctx, P.callInfoAutoAnswer) ? [[P.callInfoAutoAnswer, '0'] as const] : []),
          ]),
    ),
    'reject-anonymous': deviceOnly(() => perAccount(ctx, all, 'anonymous call rejection', () => [[P.rejectAnonymous, '1']])),
    'no-remote-reboot': () =>
      family.id === 'gxp-pvalue' || isDp(family)
        ? unsupported(isDp(family) ? UNSUPPORTED.dpRemoteReboot : UNSUPPORTED.gxpRemoteReboot)
        : device
          ? asFactoryDefault(perAccount(ctx, all, 'allow SIP reset', () => [[P.allowSipReset, '0']]))
          : undefined,
    'unused-accounts-off': deviceOnly(() =>
      !ctx.catalogued
        ? unsupported(`model ${model.id} is not in the Grandstream catalogue: its account count is unknown`)
        : perAccount(
            ctx,
            all.filter((a) => !used.includes(a)),
            'account active',
            () => [[P.accountActive, '0']],
          ),
    ),
    'sip-port-nonstandard': (s) =>
      device ? perAccount(ctx, all, 'local SIP port', (a) => [[P.localSipPort, String(accountPort(s.port ?? 5062, a))]]) : undefined,
    'sip-tls-srtp': deviceOnly(() =>
      family.id === 'wp820-pvalue'
        ? unsupported(UNSUPPORTED.wp820Srtp)
        : perAccount(ctx, used, 'TLS transport and SRTP', () => [
            [P.sipTransport, '2'],
            [P.srtpMode, '2'],
          ]),
    ),
    'admin-password-set': deviceOnly(() => {
      if (!device!.adminPassword) throw new GhostguardError('GG_ERR_RENDER_INVALID', `device ${device!.mac} has no admin password`);
      return global(ctx, 'admin password', [[P.adminPassword, device!.adminPassword]]);
    }),
    'web-https-only': () =>
      NO_WEB_MODE_MODELS.test(model.id)
        ? unsupported(UNSUPPORTED.gxp2124Web)
        : has(ctx, P.webAccessMode)
          ? global(ctx, 'web access mode', [[P.webAccessMode, '0']])
          : global(ctx, 'web access mode', [[P.webAccessModeHttpFirst, '1']]),
    // only beside P237 (the device file): a phone that found ghostguard through DHCP and read P145 = 0 from a shared file
    // without ghostguard's server path would be stranded on its old one
    'provisioning-pinned': deviceOnly(() =>
      global(ctx, 'DHCP option 43/66 server override', [
        [P.dhcpOverridesServer, '0'],
        ...(isDp(family) ? [[P.dhcp43OverridesServer, '0'] as const] : []),
      ]),
    ),
    'user-password-set': deviceOnly(() => global(ctx, 'end-user password', [[P.userPassword, device!.userPassword]])),
    'tr069-off': () =>
      family.id === 'grp-pvalue' || (family.id === 'gxp-pvalue' && !TR069_PVALUE_MODELS.test(model.id))
        ? unsupported(UNSUPPORTED.tr069Pvalue)
        : global(ctx, 'TR-069 enable', [[P.tr069Enable, '0']]),
    'ssh-off': () => (family.series === 'gxv' ? unsupported(UNSUPPORTED.gxvSsh) : global(ctx, 'disable SSH', [[P.disableSsh, '1']])),
    'refer-validation': deviceOnly(() =>
      family.id === 'gxp-pvalue' || isDp(family)
        ? unsupported(isDp(family) ? UNSUPPORTED.dpRefer : UNSUPPORTED.gxpRefer)
        : perAccount(ctx, all, 'allow unsolicited REFER', () => [[P.allowUnsolicitedRefer, '0']]),
    ),
    'snmp-locked': (s) => {
      if (family.series === 'gxp') return unsupported(UNSUPPORTED.gxpSnmp);
      if (!has(ctx, P.snmpEnable)) return unsupported(UNSUPPORTED.noSnmp);
      if (s.mode === 'restricted') return unsupported(UNSUPPORTED.snmpRestricted);
      return global(ctx, 'SNMP enable', [[P.snmpEnable, '0']]);
    },
  };
}
