/**
 * The SIP accounts ghostguard provisions, in the forms a PBX takes them — after `rotate --sip` the PBX needs the new
 * passwords. Pure: accounts in, text out.
 *   csv:        one row per line account (RFC 4180 quoting)
 *   pjsip:      Asterisk res_pjsip sections per account, laid out as the "endpoint with a single SIP phone with inbound
 *               registration" example (docs.asterisk.org → Configuring res_pjsip → res_pjsip Configuration Examples):
 *               [N] type=endpoint auth=authN aors=N (plus callerid="Name" <N>), [authN] type=auth auth_type=userpass
 *               password username, [N] type=aor max_contacts=1; context and codecs are the admin's dialplan
 *   freeswitch: one directory <user id="…"> per account with a "password" param and the caller-ID name variable,
 *               as in FreeSWITCH's conf/directory/default/1000.xml
 */
import { GhostguardError } from '../model/errors.js';
export interface SipAccount {
  mac: string;
  site: string;
  registrar: string;
  extension: string;
  authUser: string;
  password: string;
  displayName: string;
}

export const SIP_EXPORT_FORMATS = ['csv', 'pjsip', 'freeswitch'] as const;
export type SipExportFormat = (typeof SIP_EXPORT_FORMATS)[number];

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const xmlAttr = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** pjsip.conf values end at a newline and ';' starts a comment */
const confValue = (v: string) => {
  if (/[\r\n;]/.test(v))
    throw new GhostguardError(
      'GG_ERR_EXPORT_INVALID',
      `a value with a newline or ';' cannot go into pjsip.conf: ${JSON.stringify(v.slice(0, 20))}`,
    );
  return v;
};

export function sipAccountsCsv(accounts: readonly SipAccount[]): string {
  const head = 'mac,site,registrar,extension,authUser,password,displayName';
  return (
    [
      head,
      ...accounts.map((a) => [a.mac, a.site, a.registrar, a.extension, a.authUser, a.password, a.displayName].map(csvCell).join(',')),
    ].join('\r\n') + '\r\n'
  );
}

export function sipAccountsPjsip(accounts: readonly SipAccount[]): string {
  const out = ['; SIP accounts provisioned by ghostguard (set context= and codecs to your dialplan on each endpoint)'];
  for (const a of accounts) {
    const id = confValue(a.authUser);
    out.push(
      '',
      `; ${a.mac} site ${a.site}, extension ${a.extension}`,
      `[${id}]`,
      'type=endpoint',
      `auth=auth${id}`,
      `aors=${id}`,
      `callerid="${confValue(a.displayName).replace(/"/g, '')}" <${confValue(a.extension)}>`,
      '',
      `[auth${id}]`,
      'type=auth',
      'auth_type=userpass',
      `password=${confValue(a.password)}`,
      `username=${id}`,
      '',
      `[${id}]`,
      'type=aor',
      'max_contacts=1',
    );
  }
  return out.join('\n') + '\n';
}

export function sipAccountsFreeswitch(accounts: readonly SipAccount[]): string {
  const out = ['<include>', '  <!-- SIP accounts provisioned by ghostguard -->'];
  for (const a of accounts) {
    out.push(
      `  <user id="${xmlAttr(a.authUser)}">`,
      '    <params>',
      `      <param name="password" value="${xmlAttr(a.password)}"/>`,
      '    </params>',
      '    <variables>',
      `      <variable name="effective_caller_id_name" value="${xmlAttr(a.displayName)}"/>`,
      `      <variable name="effective_caller_id_number" value="${xmlAttr(a.extension)}"/>`,
      '    </variables>',
      '  </user>',
    );
  }
  out.push('</include>');
  return out.join('\n') + '\n';
}

export function sipAccountsText(format: SipExportFormat, accounts: readonly SipAccount[]): string {
  if (format === 'pjsip') return sipAccountsPjsip(accounts);
  if (format === 'freeswitch') return sipAccountsFreeswitch(accounts);
  return sipAccountsCsv(accounts);
}
