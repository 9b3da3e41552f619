/**
 * Poly (Polycom) as the lab emulates it (vendor-facts §2). Inbound calls are guarded only by request validation
 * (`voIpProt.SIP.requestValidation.x.request` + `.method`); there is no verified direct-IP-call switch, so a phone
 * without validation rings for anyone. `device.*` parameters take effect only with their `.set="1"` companion and
 * `device.set="1"`. Factory admin password 456 (REST user `Polycom`). No verified SNMP parameters: SNMP stays off.
 */
import type { PhoneBehaviour, ProfileContext, RequestValidationMode, LabProfile } from '../../../src/model/vendor-lab.js';
import { first, flag, hostsMatching, port, range, SECRET_KEY, type Settings } from '../../_shared/lab-settings.js';

export const POLYCOM_FACTORY_ADMIN = '456';
export const POLYCOM_REST_USER = 'Polycom';

function version(firmware: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(firmware);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** REST API: UCS 5.4 and later (Posh-UCS), Trio 5.8+ */
export function hasRestApi(firmware: string): boolean {
  const [maj, min] = version(firmware);
  return maj > 5 || (maj === 5 && min >= 4);
}

/** `Polycom<product>-<model>-UA/<version>`: the product token follows the model prefix */
export function polycomProduct(model: string): string {
  if (/^SPIP_/i.test(model)) return 'SoundPointIP';
  if (/^SSIP_/i.test(model)) return 'SoundStationIP';
  if (/^Trio_/i.test(model)) return 'RealPresenceTrio';
  return 'VVX';
}

function factoryDefaults(ctx: ProfileContext): Map<string, string> {
  const d = new Map<string, string>([
    ['voIpProt.SIP.local.port', '5060'],
    ['voIpProt.SIP.requestValidation.digest.realm', 'PolycomSPIP'],
    ['voIpProt.SIP.specialEvent.checkSync.alwaysReboot', '0'],
    ['call.autoAnswer.SIP', '0'],
    ['call.autoAnswer.micMute', '1'],
    ['feature.urlDialing.enabled', '1'],
    ['httpd.enabled', '1'],
    ['httpd.cfg.enabled', '1'],
    ['httpd.cfg.port', '80'],
    ['httpd.cfg.secureTunnelRequired', '0'],
    // lab assumption: REST on where the firmware has it, so the auditor's read-back path exists
    ['apps.restapi.enabled', hasRestApi(ctx.firmware) ? '1' : '0'],
  ]);
  for (const n of range(ctx.accounts)) d.set(`reg.${n}.address`, '');
  return d;
}

function normalize(key: string, value: string): [string, string] | undefined {
  return [key, value];
}

function deviceParam(s: Settings, key: string): string | undefined {
  if (!flag(s, 'device.set', false) || !flag(s, `${key}.set`, false)) return undefined;
  const v = s.get(key);
  return v === undefined || v === '' ? undefined : v;
}

function validation(s: Settings): Record<string, RequestValidationMode> {
  const out: Record<string, RequestValidationMode> = {};
  for (const [key, request] of s) {
    const m = /^voIpProt\.SIP\.requestValidation\.(\d+)\.request$/.exec(key);
    if (!m || !request.trim()) continue;
    const raw = (s.get(`voIpProt.SIP.requestValidation.${m[1]}.method`) ?? '').trim().toLowerCase();
    const mode: RequestValidationMode | undefined =
      raw === 'source' ? 'source' : raw === 'digest' ? 'digest' : raw === 'both' || raw === 'all' ? 'both' : undefined;
    if (!mode) continue;
    for (const method of request.split(/[\s,]+/)) if (method) out[method.toUpperCase()] = mode;
  }
  return out;
}

const userOf = (address: string): string => address.replace(/^sips?:/i, '').replace(/@.*$/, '');

function behaviour(s: Settings, ctx: ProfileContext): PhoneBehaviour {
  const regs = range(ctx.accounts).filter((n) => (s.get(`reg.${n}.address`) ?? '').trim() !== '');
  const requestValidation = validation(s);
  const factoryAdmin = ctx.factoryAdminPassword ?? POLYCOM_FACTORY_ADMIN;
  const adminPassword = deviceParam(s, 'device.auth.localAdminPassword') ?? factoryAdmin;
  const provUser = deviceParam(s, 'device.prov.user');
  const provPass = deviceParam(s, 'device.prov.password');
  const sipPort = port(s, ['voIpProt.SIP.local.port', 'voIpProt.local.port'], 5060);
  const alertClasses = [...s].filter(([k, v]) => /^voIpProt\.SIP\.alertInfo\.\d+\.class$/.test(k) && /autoanswer/i.test(v));
  return {
    trustedOnly: false,
    trustedSources: hostsMatching(
      s,
      /^(reg\.\d+\.server\.\d+\.address|reg\.\d+\.outboundProxy\.address|voIpProt\.server\.\d+\.address|voIpProt\.SIP\.outboundProxy\.address)$/,
    ),
    directIpCalls: true,
    ...(requestValidation.INVITE ? { inviteRequestValidation: requestValidation.INVITE } : {}),
    requestValidation,
    autoAnswer: flag(s, 'call.autoAnswer.SIP', false),
    intercomAutoAnswer: alertClasses.length > 0,
    rejectAnonymous: false,
    checkUserId: false,
    inviteDigest: false,
    sipRealm: s.get('voIpProt.SIP.requestValidation.digest.realm') || 'PolycomSPIP',
    sipCredentials: regs.map((n) => ({
      username: first(s, [`reg.${n}.auth.userId`]) ?? userOf(s.get(`reg.${n}.address`)!),
      password: s.get(`reg.${n}.auth.password`) ?? '',
    })),
    accountUsers: regs.map((n) => userOf(s.get(`reg.${n}.address`)!)),
    adminUser: POLYCOM_REST_USER,
    adminPassword,
    defaultAdminPassword: adminPassword === factoryAdmin,
    web: flag(s, 'httpd.cfg.secureTunnelRequired', false) ? { http: false, https: true } : { http: true, https: false },
    snmpEnabled: false,
    snmpCommunity: 'public',
    snmpManagers: [],
    sipPort,
    sipListeners: [{ account: 1, port: sipPort, trustedOnly: false }],
    accountsActive: regs.length,
    ...(provUser && provPass ? { provisioningCredentials: { username: provUser, password: provPass } } : {}),
    restApi: hasRestApi(ctx.firmware) && flag(s, 'apps.restapi.enabled', false),
  };
}

export const polycomProfile: LabProfile = {
  factoryDefaults,
  normalize,
  behaviour,
  sipAgent: (ctx) => ({ header: 'User-Agent', value: `Polycom${polycomProduct(ctx.model)}-${ctx.model}-UA/${ctx.firmware}` }),
  isSecretKey: (key) => SECRET_KEY.test(key) && !key.endsWith('.set'),
};
