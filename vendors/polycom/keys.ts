/**
 * The rule table: rule → Poly parameters, per firmware family. Render and audit both read it, so a rule the server can
 * write is a rule the auditor can check. Parameters and sources: firmware-notes/polycom.md.
 */
import type { InviteValidationMethod, ResolvedDevice, ResolvedPolicy } from '../../src/model/config-types.js';
import type { RuleTableContext, Setting } from '../../src/model/vendor-contract.js';
import { applied, unsupported, type RuleTable } from '../_shared/compile.js';
import type { FamilyId } from './families.js';
import type { PolycomModel } from './models.js';

const VALIDATION = 'voIpProt.SIP.requestValidation';

/** One request-validation slot: which SIP method is checked and how (source address, digest challenge, or both). */
function requestValidation(slot: number, request: 'INVITE' | 'NOTIFY' | 'REFER', method: InviteValidationMethod): Setting[] {
  return [
    { key: `${VALIDATION}.${slot}.request`, value: request },
    { key: `${VALIDATION}.${slot}.method`, value: method },
  ];
}

/** All validation slots share the method the policy chose for invite-validation (its default when that rule is off). */
export function validationMethod(policy: ResolvedPolicy): InviteValidationMethod {
  return policy['invite-validation'].method ?? 'source';
}

export function tlsSrtpSettings(device: ResolvedDevice): Setting[] {
  const out: Setting[] = [];
  for (const line of device.lines) {
    out.push({ key: `reg.${line.index}.server.1.transport`, value: 'TLS' });
    if (device.site.outboundProxy) out.push({ key: `reg.${line.index}.outboundProxy.transport`, value: 'TLS' });
  }
  out.push({ key: 'sec.srtp.enable', value: '1' }, { key: 'sec.srtp.offer', value: '1' }, { key: 'sec.srtp.require', value: '1' });
  return out;
}

function adminPassword(device: ResolvedDevice): Setting[] {
  return [
    { key: 'device.set', value: '1' },
    { key: 'device.auth.localAdminPassword.set', value: '1' },
    { key: 'device.auth.localAdminPassword', value: device.adminPassword, secret: true },
  ];
}

function userPassword(device: ResolvedDevice): Setting[] {
  return [
    { key: 'device.set', value: '1' },
    { key: 'device.auth.localUserPassword.set', value: '1' },
    { key: 'device.auth.localUserPassword', value: device.userPassword, secret: true },
  ];
}

export const REASONS = {
  digestOnly: 'policy chose digest request validation; Poly has no separate source filter',
  anonymous: 'no verified Poly parameter rejects anonymous calls',
  directIp: 'no verified Poly switch disables direct IP calls; inbound IP calls are covered by request validation',
  unusedAccounts: 'no verified Poly per-line disable switch; lines without reg.N.address are simply not registered',
  ucsPort: 'UCS spelling of the local SIP port parameter is unverified (voIpProt.SIP.local.port vs voIpProt.local.port)',
  https: 'no verified Poly parameter makes the web UI HTTPS-only',
  snmp: 'no verified Poly SNMP parameters',
  bootServer: 'the UCS names of the DHCP boot-server settings (option 66 / custom option / static) are unverified',
  sip3UserPassword: 'device.auth.localUserPassword is sourced for UC Software (4.0 and later) only',
} as const;

/** Per-device rules return undefined without a device: they have nothing to say about a file shared by all phones. */
export function ruleTable({ family, policy, device }: RuleTableContext<PolycomModel | undefined, FamilyId>): RuleTable {
  const method = validationMethod(policy);
  return {
    'sip-trusted-only': () => (method === 'digest' ? unsupported(REASONS.digestOnly) : applied(requestValidation(1, 'INVITE', method))),
    'invite-validation': (s) => applied(requestValidation(1, 'INVITE', s.method ?? 'source')),
    // NOTIFY is in the documented request list; checkSync.alwaysReboot is not used, its semantics are unverified.
    'no-remote-reboot': () => applied(requestValidation(2, 'NOTIFY', method)),
    'no-auto-answer': () => applied([{ key: 'call.autoAnswer.SIP', value: '0' }]),
    'reject-anonymous': () => unsupported(REASONS.anonymous),
    'no-direct-ip-calls': () => unsupported(REASONS.directIp),
    'unused-accounts-off': () => unsupported(REASONS.unusedAccounts),
    'sip-port-nonstandard': (s) =>
      family === 'sip3' ? applied([{ key: 'voIpProt.SIP.local.port', value: String(s.port ?? 5062) }]) : unsupported(REASONS.ucsPort),
    'sip-tls-srtp': () => (device ? applied(tlsSrtpSettings(device)) : undefined),
    'admin-password-set': () => (device ? applied(adminPassword(device)) : undefined),
    'web-https-only': () => unsupported(REASONS.https),
    'snmp-locked': () => unsupported(REASONS.snmp),
    'provisioning-pinned': () => unsupported(REASONS.bootServer),
    'user-password-set': () =>
      family === 'sip3' ? unsupported(REASONS.sip3UserPassword) : device ? applied(userPassword(device)) : undefined,
    // REFER is in the documented request list; slot 3 validates it like INVITEs (an unsolicited REFER places a call)
    'refer-validation': () => applied(requestValidation(3, 'REFER', method)),
  };
}
