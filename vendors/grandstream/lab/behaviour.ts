/**
 * Grandstream as the lab emulates it (vendor-facts §3). The firmware stores P-values; alias items
 * (`<config version="2">`, GRP 1.0.9.103+) are translated to them on apply. After a factory reset every account
 * is active and listens on its own port (5060, 5062, …) — the ghost-call path the security manual warns about.
 * P2347 "accept incoming SIP from proxy only" is per account; P1310 is "Disable Direct IP Call".
 */
import type { PhoneBehaviour, ProfileContext, SipListener, LabProfile } from '../../../src/model/vendor-lab.js';
import { first, flag, hostOf, port, range, SECRET_KEY, type Settings } from '../../_shared/lab-settings.js';

export const GRANDSTREAM_FACTORY_ADMIN = 'admin';

/** per-account P-values, accounts 1–6 (GXP21xx template numbering; GRP26xx uses the same for accounts 1–4) */
const ACCOUNT = {
  active: ['P271', 'P401', 'P501', 'P601', 'P1701', 'P1801'],
  server: ['P47', 'P402', 'P502', 'P602', 'P1702', 'P1802'],
  proxy: ['P48', 'P403', 'P503', 'P603', 'P1703', 'P1803'],
  userId: ['P35', 'P404', 'P504', 'P604', 'P1704', 'P1804'],
  authId: ['P36', 'P405', 'P505', 'P605', 'P1705', 'P1805'],
  password: ['P34', 'P406', 'P506', 'P606', 'P1706', 'P1806'],
  localPort: ['P40', 'P413', 'P513', 'P613', 'P1713', 'P1813'],
  proxyOnly: ['P2347', 'P2447', 'P2547', 'P2647', 'P2747', 'P2847'],
  checkUserId: ['P258', 'P449', 'P549', 'P649', 'P1749', 'P1849'],
  authInvite: ['P2346', 'P2446', 'P2546', 'P2646', 'P2746', 'P2846'],
  rejectAnonymous: ['P129', 'P446', 'P546', 'P646', 'P1746', 'P1846'],
  autoAnswer: ['P90', 'P425', 'P525', 'P625', 'P1725', 'P1825'],
  callInfoAnswer: ['P298', 'P438', 'P538', 'P638', 'P1738', 'P1838'],
} as const;
type AccountField = keyof typeof ACCOUNT;

const YES_NO: Record<string, string> = { yes: '1', no: '0' };

/** alias (with N for the account) → account field, or global P-value, with its drop-down words */
const ACCOUNT_ALIASES: Record<string, { field: AccountField; words?: Record<string, string> }> = {
  'account.N.enable': { field: 'active', words: YES_NO },
  'account.N.sip.server.1.address': { field: 'server' },
  'account.N.sip.outboundProxy.1.address': { field: 'proxy' },
  'account.N.sip.userid': { field: 'userId' },
  'account.N.sip.subscriber.userid': { field: 'authId' },
  'account.N.sip.subscriber.password': { field: 'password' },
  'account.N.sip.localPort': { field: 'localPort' },
  'account.N.sip.validate.incomingServer': { field: 'proxyOnly', words: YES_NO },
  'account.N.sip.validate.userIdforInvite': { field: 'checkUserId', words: YES_NO },
  'account.N.sip.authenticateIncomingInvite': { field: 'authInvite', words: YES_NO },
  'account.N.call.rejectAnonymousCall': { field: 'rejectAnonymous', words: YES_NO },
  'account.N.call.autoAnswer': { field: 'autoAnswer', words: YES_NO },
  'account.N.intercom.allowAutoAnswer': { field: 'callInfoAnswer', words: YES_NO },
};
const GLOBAL_ALIASES: Record<string, { p: string; words?: Record<string, string> }> = {
  'call.ipcall.enable': { p: 'P1310', words: { yes: '0', no: '1' } }, // inverse of "Disable Direct IP Call"
  'users.admin.password': { p: 'P2' },
  'users.user.password': { p: 'P196' },
  'security.webAccessMode': { p: 'P1650', words: { https: '0', http: '1', disabled: '2', both: '3' } },
  'network.snmp.enable': { p: 'P21896', words: YES_NO },
  'network.snmp.community': { p: 'P21902' },
  'network.snmp.version': { p: 'P21904', words: { version1: '1', version2: '2', version3: '3' } },
  'network.snmp.port': { p: 'P21903' },
  'provisioning.config.username': { p: 'P1360' },
  'provisioning.config.password': { p: 'P1361' },
};

const isGrp = (model: string): boolean => /^GRP/i.test(model);
/** P1650 web access mode: 0 HTTPS, 1 HTTP (factory), 2 disabled, 3 both */
const webAccess = (mode = '1'): PhoneBehaviour['web'] => ({ http: mode === '1' || mode === '3', https: mode === '0' || mode === '3' });
const accountsOf = (ctx: ProfileContext): number[] => range(Math.min(ctx.accounts, 6));
const pv = (field: AccountField, n: number): string => ACCOUNT[field][n - 1]!;

function factoryDefaults(ctx: ProfileContext): Map<string, string> {
  const d = new Map<string, string>([
    ['P1310', '0'],
    ['P2', ctx.factoryAdminPassword ?? GRANDSTREAM_FACTORY_ADMIN],
    ['P196', '123'],
    ['P1650', '1'],
    ['P21896', '0'],
    ['P21902', 'public'],
    ['P21904', '3'],
    ['P21903', '161'],
  ]);
  for (const n of accountsOf(ctx)) {
    d.set(pv('active', n), '1');
    d.set(pv('localPort', n), String(5060 + 2 * (n - 1)));
    for (const f of ['proxyOnly', 'checkUserId', 'authInvite', 'rejectAnonymous', 'autoAnswer'] as const) d.set(pv(f, n), '0');
    // "Allow Auto Answer by Call-Info": default 1 per the GRP26xx template, 0 per GXP21xx
    d.set(pv('callInfoAnswer', n), isGrp(ctx.model) ? '1' : '0');
    for (const f of ['server', 'proxy', 'userId', 'authId', 'password'] as const) d.set(pv(f, n), '');
  }
  return d;
}

function normalize(key: string, value: string): [string, string] | undefined {
  const translate = (words: Record<string, string> | undefined): string => words?.[value.trim().toLowerCase()] ?? value;
  const global = GLOBAL_ALIASES[key];
  if (global) return [global.p, translate(global.words)];
  const m = /^account\.(\d+)\.(.+)$/.exec(key);
  const alias = m ? ACCOUNT_ALIASES[`account.N.${m[2]}`] : undefined;
  if (m && alias) {
    const n = Number(m[1]);
    if (n < 1 || n > 6) return undefined;
    return [pv(alias.field, n), translate(alias.words)];
  }
  return [key, value];
}

function behaviour(s: Settings, ctx: ProfileContext): PhoneBehaviour {
  const active = accountsOf(ctx).filter((n) => flag(s, pv('active', n), false));
  const on = (field: AccountField, n: number): boolean => flag(s, pv(field, n), false);
  const listeners: SipListener[] = [];
  for (const n of active) {
    const p = port(s, [pv('localPort', n)], 5060 + 2 * (n - 1));
    if (!listeners.some((l) => l.port === p)) listeners.push({ account: n, port: p, trustedOnly: on('proxyOnly', n) });
  }
  const trustedSources: string[] = [];
  for (const n of active) {
    for (const f of ['server', 'proxy'] as const) {
      const host = hostOf(s.get(pv(f, n)) ?? '');
      if (host && !trustedSources.includes(host)) trustedSources.push(host);
    }
  }
  const factoryAdmin = ctx.factoryAdminPassword ?? GRANDSTREAM_FACTORY_ADMIN;
  const adminPassword = s.get('P2') || factoryAdmin;
  const first1 = listeners[0];
  const provUser = first(s, ['P1360']);
  const provPass = first(s, ['P1361']);
  return {
    trustedOnly: first1?.trustedOnly ?? false,
    trustedSources,
    directIpCalls: !flag(s, 'P1310', false),
    requestValidation: {},
    autoAnswer: active.some((n) => on('autoAnswer', n)),
    intercomAutoAnswer: active.some((n) => on('callInfoAnswer', n)),
    rejectAnonymous: active.length > 0 && on('rejectAnonymous', first1?.account ?? 1),
    checkUserId: active.length > 0 && on('checkUserId', first1?.account ?? 1),
    inviteDigest: active.length > 0 && on('authInvite', first1?.account ?? 1),
    sipRealm: 'grandstream',
    sipCredentials: active
      .map((n) => ({ username: first(s, [pv('authId', n), pv('userId', n)]) ?? '', password: s.get(pv('password', n)) ?? '' }))
      .filter((c) => c.username !== ''),
    accountUsers: active.map((n) => s.get(pv('userId', n)) ?? '').filter(Boolean),
    adminUser: 'admin',
    adminPassword,
    defaultAdminPassword: adminPassword === factoryAdmin,
    web: webAccess(s.get('P1650')),
    // the agent answers a community only as SNMPv1/v2c (P21904 1 or 2); the factory SNMPv3 answers none
    snmpEnabled: isGrp(ctx.model) && flag(s, 'P21896', false) && ['1', '2'].includes(s.get('P21904') ?? '3'),
    snmpCommunity: s.get('P21902') || 'public',
    snmpManagers: [],
    snmpPort: port(s, ['P21903'], 161),
    sipPort: first1?.port ?? 5060,
    sipListeners: listeners,
    accountsActive: active.length,
    ...(provUser && provPass ? { provisioningCredentials: { username: provUser, password: provPass } } : {}),
  };
}

const ALIAS_SINCE = [1, 0, 9, 103];

/** GRP26xx understands `<config version="2">` alias files from 1.0.9.103; GXP firmware only P-values. */
export function supportsAliasFormat(model: string, firmware: string): boolean {
  if (!isGrp(model)) return false;
  const v = firmware.split('.').map(Number);
  for (let i = 0; i < ALIAS_SINCE.length; i++) {
    const d = (v[i] ?? 0) - ALIAS_SINCE[i]!;
    if (d !== 0) return d > 0;
  }
  return true;
}

/** The phone rejects a file whose `<mac>` is not its own, and alias files its firmware cannot read. */
function checkFile(body: string, ctx: ProfileContext, mac: string): string | undefined {
  const named = /<mac>\s*([^<]*?)\s*<\/mac>/i.exec(body)?.[1];
  if (named !== undefined && named !== '' && named.replace(/[:-]/g, '').toLowerCase() !== mac)
    return `<mac>${named}</mac> is not this phone`;
  if (/<config\s+version\s*=\s*["']2["']/i.test(body) && !supportsAliasFormat(ctx.model, ctx.firmware)) {
    return `alias-format file not supported by ${ctx.model} firmware ${ctx.firmware}`;
  }
  return undefined;
}

export const grandstreamProfile: LabProfile = {
  factoryDefaults,
  normalize,
  behaviour,
  checkFile,
  // GXP16xx answer with `Server:` (vendor-facts 3.7), the others with `User-Agent:`
  sipAgent: (ctx) => ({ header: /^GXP16/i.test(ctx.model) ? 'Server' : 'User-Agent', value: `Grandstream ${ctx.model} ${ctx.firmware}` }),
  isSecretKey: (key) => SECRET_KEY.test(key) || ['P2', 'P196', 'P1361', 'P21902', ...ACCOUNT.password].includes(key),
};
