/**
 * The Grandstream parameters the adapter may emit, each with its P-value(s) and, where the GRP261x 1.0.9.103
 * alias template names it, its alias item and drop-down words. Account P-values are listed per account
 * because the numbering is not a fixed offset (GXP21xx accounts 5/6 jump to P17xx/P18xx).
 * Every entry is documented in firmware-notes/grandstream.md.
 */
import type { Series } from './models.js';

/** P-value number → alias word; absent means the value is written as is. */
export type Words = Readonly<Record<string, string>>;

const YES_NO: Words = { '0': 'No', '1': 'Yes' };
/** alias `call.ipcall.enable` is the inverse of P1310 "Disable Direct IP Call" */
const INVERTED_YES_NO: Words = { '0': 'Yes', '1': 'No' };

/** What differs between lines for one parameter: its alias spelling and its drop-down words (`null`: written as a number). */
interface PerSeries {
  /** series whose alias templates carry the item, when not the GXP21xx/GRP26xx alias lines */
  aliasSeries?: readonly Series[];
  seriesAlias?: Readonly<Partial<Record<Series, string>>>;
  seriesWords?: Readonly<Partial<Record<Series, Words | null>>>;
}

export interface AccountParam extends PerSeries {
  scope: 'account';
  /** P-values for accounts 1..n; only accounts a template shows are listed */
  p: Readonly<Partial<Record<Series, readonly string[]>>>;
  /** alias with `N` for the account index */
  alias?: string;
  words?: Words;
  secret?: boolean;
}

export interface GlobalParam extends PerSeries {
  scope: 'global';
  p: string;
  /** series whose templates carry the parameter */
  series: readonly Series[];
  /** series whose P-value templates carry it, when fewer than `series` (the rest know only the alias item) */
  pvalueSeries?: readonly Series[];
  alias?: string;
  words?: Words;
  secret?: boolean;
}

export type GsParam = AccountParam | GlobalParam;

const BOTH: readonly Series[] = ['gxp', 'grp'];
/** every line whose template carries the parameter under the same P-value and alias */
const ALL: readonly Series[] = ['gxp', 'grp', 'gxv', 'wp810', 'wp820', 'wp8x6', 'dp750'];
/** the GXP21xx (1.0.11.79) and GRP261x (1.0.9.103) alias templates: an account item's default lines */
const ALIAS_LINES: readonly Series[] = ['gxp', 'grp'];
/** GXV33xx/34xx (1.0.1.33, 1.0.3.21, 1.0.1.09) and WP8x6 (1.0.1.44) alias templates */
const ANDROID_ALIAS: readonly Series[] = ['gxv', 'wp8x6'];
/** the WP810 1.0.9.17 and WP820 1.0.1.16 P-value templates number accounts 1–2 as GXP21xx does */
const WP_PVALUE: readonly Series[] = ['wp810', 'wp820'];

/** GXP column: GXP21xx 1.0.5.32 template (accounts 1–6). GRP column: GRP26xx 1.0.3.6 template, accounts 1–4 only (see notes). */
const acct = (gxp: string, grp: readonly string[] | 'same', alias?: string, words?: Words, secret?: boolean): AccountParam => {
  const gxpList = gxp.split(' ');
  return { scope: 'account', p: { gxp: gxpList, grp: grp === 'same' ? gxpList.slice(0, 4) : grp }, alias, words, secret };
};

/** The same account parameter on more lines: `pvalueLines` take the GXP numbers of accounts 1–2, `aliasLines` the alias item. */
function onLines(param: AccountParam, pvalueLines: readonly Series[], aliasLines: readonly Series[], extra: PerSeries = {}): AccountParam {
  const p = { ...param.p };
  for (const line of pvalueLines) p[line] = param.p.gxp!.slice(0, 2);
  return { ...param, ...extra, p, aliasSeries: [...ALIAS_LINES, ...aliasLines] };
}

const everywhere = (param: AccountParam, extra?: PerSeries) => onLines(param, WP_PVALUE, ANDROID_ALIAS, extra);

/** DP750 1.0.2.16 template: a per-profile parameter's P-values for profiles 1–4 (its own numbering, see firmware-notes) */
const onProfiles = (param: AccountParam, profiles: string): AccountParam => ({ ...param, p: { ...param.p, dp750: profiles.split(' ') } });
/** DP750 handset accounts 1–10: consecutive P-values from the first */
const handset = (first: number, secret?: boolean): AccountParam => ({
  scope: 'account',
  p: { dp750: Array.from({ length: 10 }, (_, i) => `P${first + i}`) },
  ...(secret ? { secret } : {}),
});

export const PARAMS = {
  /** on the DP750 "Profile Active" of profiles 1–4 (the same numbers) */
  accountActive: onProfiles(everywhere(acct('P271 P401 P501 P601 P1701 P1801', 'same', 'account.N.enable', YES_NO)), 'P271 P401 P501 P601'),
  accountName: everywhere(acct('P270 P417 P517 P617 P1717 P1817', 'same', 'account.N.name')),
  sipServer: onProfiles(everywhere(acct('P47 P402 P502 P602 P1702 P1802', 'same', 'account.N.sip.server.1.address')), 'P47 P747 P547 P602'),
  outboundProxy: onProfiles(
    everywhere(acct('P48 P403 P503 P603 P1703 P1803', 'same', 'account.N.sip.outboundProxy.1.address')),
    'P48 P748 P548 P603',
  ),
  sipUserId: everywhere(acct('P35 P404 P504 P604 P1704 P1804', 'same', 'account.N.sip.userid')),
  /** the GXV templates spell the item `subscriber.userId` */
  authId: everywhere(acct('P36 P405 P505 P605 P1705 P1805', 'same', 'account.N.sip.subscriber.userid'), {
    seriesAlias: { gxv: 'account.N.sip.subscriber.userId' },
  }),
  authPassword: everywhere(acct('P34 P406 P506 P606 P1706 P1806', 'same', 'account.N.sip.subscriber.password', undefined, true)),
  displayName: everywhere(acct('P3 P407 P507 P607 P1707 P1807', 'same', 'account.N.sip.subscriber.name')),
  localSipPort: onProfiles(everywhere(acct('P40 P413 P513 P613 P1713 P1813', 'same', 'account.N.sip.localPort')), 'P40 P740 P640 P613'),
  /** the WP8x6 template writes and lists the TLS word with spaces */
  sipTransport: onProfiles(
    everywhere(acct('P130 P448 P548 P648 P1748 P1848', 'same', 'account.N.sip.transport', { '0': 'UDP', '1': 'TCP', '2': 'TlsOrTcp' }), {
      seriesWords: { wp8x6: { '0': 'UDP', '1': 'TCP', '2': 'Tls Or Tcp' } },
    }),
    'P130 P830 P530 P4648',
  ),
  /** not WP820: its template puts P183 under account 2 and P443 under account 1, the other way round from every other line */
  srtpMode: onProfiles(
    onLines(
      acct('P183 P443 P543 P643 P1743 P1843', 'same', 'account.N.audio.srtpMode', {
        '0': 'Disabled',
        '1': 'EnabledButNotForced',
        '2': 'EnabledAndForced',
        '3': 'Optional',
      }),
      ['wp810'],
      ANDROID_ALIAS,
    ),
    'P183 P443 P543 P643',
  ),
  /** DP750: "Allow Incoming SIP Messages from SIP Proxy Only" P243/P743/P4043/P4044 */
  acceptProxyOnly: onProfiles(
    everywhere(acct('P2347 P2447 P2547 P2647 P2747 P2847', 'same', 'account.N.sip.validate.incomingServer', YES_NO)),
    'P243 P743 P4043 P4044',
  ),
  checkUserId: onProfiles(
    everywhere(acct('P258 P449 P549 P649 P1749 P1849', 'same', 'account.N.sip.validate.userIdforInvite', YES_NO)),
    'P258 P449 P549 P649',
  ),
  authIncomingInvite: onProfiles(
    everywhere(acct('P2346 P2446 P2546 P2646 P2746 P2846', 'same', 'account.N.sip.authenticateIncomingInvite', YES_NO)),
    'P2346 P2446 P2546 P2646',
  ),
  rejectAnonymous: onProfiles(
    everywhere(acct('P129 P446 P546 P646 P1746 P1846', 'same', 'account.N.call.rejectAnonymousCall', YES_NO)),
    'P129 P446 P546 P646',
  ),
  /** DP750 handset accounts: SIP user ID, authenticate ID, password, SIP name, and the profile each uses (0 = profile 1) */
  handsetUserId: handset(4060),
  handsetAuthId: handset(4090),
  handsetPassword: handset(4120, true),
  handsetName: handset(4180),
  handsetProfile: handset(4150),
  /** GXV and WP820 fold intercom/paging into this drop-down ("No, Yes, EnableIntercom/Paging"); they have no Call-Info switch */
  autoAnswer: everywhere(acct('P90 P425 P525 P625 P1725 P1825', 'same', 'account.N.call.autoAnswer', YES_NO)),
  /** the WP8x6 template gives this item numbers ("Number: 0, 1"), not words */
  callInfoAutoAnswer: onLines(
    acct('P298 P438 P538 P638 P1738 P1838', 'same', 'account.N.intercom.allowAutoAnswer', YES_NO),
    ['wp810'],
    ['wp8x6'],
    {
      seriesWords: { wp8x6: null },
    },
  ),
  /** GXP21xx templates have no such setting */
  /** "Allow Unsolicited REFER": GRP26xx 1.0.3.6 and WP820 1.0.1.16 among the P-value templates */
  allowUnsolicitedRefer: {
    scope: 'account',
    p: { gxp: [], grp: ['P26023', 'P26123', 'P26223', 'P26323'], wp820: ['P26023', 'P26123'] },
    alias: 'account.N.sip.allowUnsolicitedRefer',
    aliasSeries: [...ALIAS_LINES, ...ANDROID_ALIAS],
    words: { '0': 'Disabled', '1': 'Enabled', '2': 'EnabledOrForceAuth' },
  },
  allowSipReset: {
    scope: 'account',
    p: { gxp: [], grp: ['P26015', 'P26115', 'P26215', 'P26315'], wp810: ['P26015', 'P26115'], wp820: ['P26015', 'P26115'] },
    alias: 'account.N.sip.allowSipReset',
    aliasSeries: [...ALIAS_LINES, ...ANDROID_ALIAS],
    words: YES_NO,
  },

  adminPassword: { scope: 'global', p: 'P2', series: ALL, alias: 'users.admin.password', secret: true },
  configServerPath: { scope: 'global', p: 'P237', series: ALL, alias: 'provisioning.config.serverPath' },
  upgradeVia: {
    scope: 'global',
    p: 'P212',
    series: ALL,
    alias: 'provisioning.config.protocol',
    words: { '0': 'TFTP', '1': 'HTTP', '2': 'HTTPS' },
  },
  provUsername: { scope: 'global', p: 'P1360', series: ALL, alias: 'provisioning.config.username' },
  provPassword: { scope: 'global', p: 'P1361', series: ALL, alias: 'provisioning.config.password', secret: true },
  /** WP8x6's alias is labelled "Enable Direct IP Call", the inverse, like GRP's */
  disableDirectIpCall: {
    scope: 'global',
    p: 'P1310',
    series: [...BOTH, 'wp810', 'wp8x6'],
    alias: 'call.ipcall.enable',
    words: INVERTED_YES_NO,
  },
  /** the DP750 template numbers "Disable Direct IP Call" P277 */
  disableDirectIpCallDp: { scope: 'global', p: 'P277', series: ['dp750'] },
  webAccessMode: {
    scope: 'global',
    p: 'P1650',
    series: [...BOTH, 'wp810', 'wp8x6', 'dp750'],
    alias: 'security.webAccessMode',
    words: { '0': 'HTTPS', '1': 'HTTP', '2': 'Disabled', '3': 'Both' },
  },
  /** the Android lines number the same setting the other way: WP820 "Access Mode. 0 - HTTP, 1 - HTTPS"; GXV words "HTTP, HTTPS" */
  webAccessModeHttpFirst: {
    scope: 'global',
    p: 'P1650',
    series: ['wp820', 'gxv'],
    alias: 'security.webAccessMode',
    words: { '0': 'HTTP', '1': 'HTTPS' },
  },
  userPassword: { scope: 'global', p: 'P196', series: [...BOTH, 'gxv', 'dp750'], alias: 'users.user.password', secret: true },
  dhcpOverridesServer: {
    scope: 'global',
    p: 'P145',
    series: ALL,
    alias: 'provisioning.override.dhcp.allowCommonOptions',
    words: { '0': 'No', '1': 'Yes' },
  },
  /** DP750: "Allow DHCP Option 43 and Option 66 to override server" P20719, beside P145 (option 66 only there) */
  dhcp43OverridesServer: { scope: 'global', p: 'P20719', series: ['dp750'] },
  /** P-value only in the GXP21xx 1.0.5.32 and WP810/WP820 templates (keys.ts limits gxp-pvalue to GXP21xx); the alias item on every alias line */
  tr069Enable: {
    scope: 'global',
    p: 'P1409',
    series: ALL,
    pvalueSeries: ['gxp', ...WP_PVALUE, 'dp750'],
    alias: 'tr069.enable',
    words: YES_NO,
  },
  /** P276 "Disable SSH"; its alias `security.ssh` is the inverse. Not GXV: see UNSUPPORTED.gxvSsh in keys.ts */
  disableSsh: {
    scope: 'global',
    p: 'P276',
    series: [...BOTH, ...WP_PVALUE, 'wp8x6', 'dp750'],
    alias: 'security.ssh',
    words: INVERTED_YES_NO,
  },
  snmpEnable: { scope: 'global', p: 'P21896', series: ['grp'], alias: 'network.snmp.enable', words: YES_NO },
} as const satisfies Record<string, GsParam>;
