/**
 * Active proof: what the phone did when the auditor — an untrusted source, never the phone's registrar — talked to it.
 * Pure: probe results in, per-check verdicts out. A proof beats a read-back; silence proves nothing.
 */
import type { ResolvedPolicy } from '../model/config-types.js';
import { responseSequence } from '../model/ghost-call.js';
import type { CheckId } from './findings.js';
import type { HostObservations, SipProbeResult, SnmpAccess } from './observations.js';
import { DEFAULT_COMMUNITIES } from './probes/snmp-probe.js';
import type { CredentialKind, LoginResult } from './readback/readback.js';
import type { SshProbeResult } from './probes/ssh-probe.js';
import type { VendorAuditProfile } from './vendor-profiles.js';

export interface Proof {
  verdict: 'fail' | 'pass' | 'note';
  text: string;
}

export type Proofs = Map<CheckId, Proof[]>;

export interface ProofInput {
  host: HostObservations;
  profile: VendorAuditProfile;
  vendorName: string;
  policy: ResolvedPolicy;
  logins: Record<CredentialKind, LoginResult>;
  factoryNote?: string;
  /** SSH banner probes (audit --ssh-ports) */
  ssh?: readonly SshProbeResult[];
}

const ok2xx = (r: SipProbeResult): boolean => r.outcome === 'answered' && (r.status ?? 0) >= 200 && (r.status ?? 0) < 300;

export function deriveProofs(input: ProofInput): Proofs {
  const proofs: Proofs = new Map();
  const add = (check: CheckId, verdict: Proof['verdict'], text: string) => {
    const list = proofs.get(check) ?? [];
    list.push({ verdict, text });
    proofs.set(check, list);
  };
  sipOptions(input, add);
  for (const r of input.host.invites ?? []) invite(r, add);
  snmp(input, add);
  logins(input, add);
  web(input, add);
  ssh(input.ssh ?? [], add);
  return proofs;
}

type Add = (check: CheckId, verdict: Proof['verdict'], text: string) => void;

function sipOptions({ host, profile, vendorName, policy }: ProofInput, add: Add): void {
  for (const r of host.sip.filter(ok2xx)) {
    if (profile.trustedOnlyDropsOptions) {
      add(
        'sip-trusted-only',
        'fail',
        `SIP OPTIONS from the auditor (not a trusted server) was answered ${r.status} on udp/${r.port}: the phone accepts SIP from anyone`,
      );
    } else {
      add(
        'sip-trusted-only',
        'note',
        `answers OPTIONS from the auditor on udp/${r.port} (expected: ${vendorName} validates INVITE and NOTIFY, not OPTIONS)`,
      );
    }
  }
  for (const r of host.sip.filter((x) => x.outcome === 'answered' && !ok2xx(x))) {
    add('sip-trusted-only', 'note', `OPTIONS on udp/${r.port} drew ${r.status} ${r.reason ?? ''}`.trimEnd());
  }
  const silent = host.sip.filter((r) => r.outcome === 'timeout').map((r) => `udp/${r.port}`);
  if (silent.length > 0 && !host.sip.some((r) => r.outcome === 'answered')) {
    add(
      'sip-trusted-only',
      'note',
      `no SIP answer to the auditor on ${silent.join(', ')} (consistent with trusted-only, or SIP on another port; not proof)`,
    );
  }
  const port = policy['sip-port-nonstandard'];
  if (port.enabled) {
    const on5060 = host.sip.find((r) => r.port === 5060 && r.outcome === 'answered');
    const onPolicy = host.sip.find((r) => r.port === port.port && r.outcome === 'answered');
    if (on5060) add('sip-port-nonstandard', 'fail', 'SIP answers on the standard port udp/5060');
    else if (onPolicy && host.sip.some((r) => r.port === 5060))
      add('sip-port-nonstandard', 'pass', `SIP answers on udp/${port.port} and not on udp/5060`);
  }
}

function invite(r: SipProbeResult, add: Add): void {
  if (r.outcome !== 'answered') {
    add('sip-trusted-only', 'note', `INVITE probe: ${r.detail}`);
    return;
  }
  const statuses = r.responses ?? [...(r.provisional ?? []), ...(r.status !== undefined ? [r.status] : [])];
  const sequence = responseSequence(statuses);
  const to = `an INVITE from the auditor to ${r.user ?? 'the phone'} on udp/${r.port}`;
  const alerted = statuses.some((s) => s === 180 || s === 183 || (s >= 200 && s < 300));
  // the phone's own final answer; a 487 after the auditor's CANCEL is not one
  const final = statuses.find((s) => s >= 300 && !(s === 487 && r.ended === 'cancel'));
  if (alerted) {
    add('sip-trusted-only', 'fail', `${to} reached alerting (${sequence}); the auditor ended it with ${r.ended}`);
    add('no-direct-ip-calls', 'fail', `a call addressed to the phone's IP address reached alerting (${sequence})`);
    add('invite-validation', 'fail', `an INVITE for ${r.user ?? 'a user'} from an untrusted source was accepted`);
  } else if (final === 420) {
    add(
      'sip-trusted-only',
      'fail',
      `${to} drew ${sequence}: the phone processes INVITEs from untrusted sources (the probe did not ring it)`,
    );
  } else if (final !== undefined) {
    add('sip-trusted-only', 'note', `${to} was rejected: ${sequence}`);
  } else {
    add('sip-trusted-only', 'note', `${to} drew only ${sequence} (the transaction layer), no answer to the call`);
  }
  if (statuses.some((s) => s >= 200 && s < 300))
    add('no-auto-answer', 'fail', `the phone answered an unsolicited INVITE (${sequence}); the auditor hung up at once`);
  if (!alerted && (final === 401 || final === 407))
    add('invite-validation', 'pass', `the INVITE was challenged (${final}): INVITEs need digest authentication`);
}

const ACCESS_TEXT: Readonly<Record<SnmpAccess, string>> = {
  'read-write': 'read-write: it can change the device',
  'read-only': 'read-only',
  untested: 'write access untested (active probes not allowed)',
  unknown: 'write access unknown',
};

/** Every answering community is named (configured ones masked), each with what it may do. */
function snmp({ host, policy }: ProofInput, add: Add): void {
  const setting = policy['snmp-locked'];
  for (const r of host.snmp.filter((x) => x.outcome === 'answered')) {
    const descr = r.sysDescr ? `, sysDescr "${r.sysDescr}"` : '';
    const access = ACCESS_TEXT[r.access ?? 'untested'];
    if (r.community && (DEFAULT_COMMUNITIES as readonly string[]).includes(r.community)) {
      add(
        'snmp-locked',
        'fail',
        `SNMP answers the default community "${r.community}" from the auditor on udp/${r.port} (${access})${descr}`,
      );
    } else if (setting.mode !== 'restricted') {
      add('snmp-locked', 'fail', `SNMP is on (answers a configured community on udp/${r.port}, ${access}) but the policy says off`);
    } else if (r.access === 'read-write') {
      add('snmp-locked', 'fail', `SNMP answers a configured community on udp/${r.port} that can write (${access})`);
    } else {
      add('snmp-locked', 'note', `SNMP answers a configured community on udp/${r.port} (${access})`);
    }
  }
  const silent = host.snmp.filter((r) => r.outcome === 'timeout').length;
  if (silent > 0 && !host.snmp.some((r) => r.outcome === 'answered'))
    add('snmp-locked', 'note', `no SNMP answer to ${silent} communities tried`);
  const refused = host.snmp.find((r) => r.outcome === 'closed');
  if (refused) add('snmp-locked', 'note', `udp/${refused.port} is closed (port unreachable): no SNMP agent listens there`);
}

function logins({ logins: l, factoryNote }: ProofInput, add: Add): void {
  if (l.factory === 'accepted')
    add('admin-password-set', 'fail', `the factory default login was accepted${factoryNote ? ` (${factoryNote})` : ''}`);
  if (l.factory === 'refused') add('admin-password-set', 'note', 'the factory default login was refused');
  if (l.provisioned === 'accepted') add('admin-password-set', 'pass', "ghostguard's per-device admin password is accepted");
  if (l.provisioned === 'refused')
    add(
      'admin-password-set',
      'note',
      "ghostguard's per-device admin password was refused: the phone has not applied it, or it was changed on the phone",
    );
}

function web({ host }: ProofInput, add: Add): void {
  for (const r of host.http.filter((x) => x.scheme === 'http' && x.outcome === 'answered')) {
    const status = r.status ?? 0;
    const redirect = status >= 300 && status < 400;
    if (redirect && /^https:/i.test(r.location ?? '')) add('web-https-only', 'note', `plain HTTP on tcp/${r.port} redirects to HTTPS`);
    else if ((status >= 200 && status < 300) || status === 401 || redirect) {
      const what = redirect
        ? `redirects to ${r.location ? `"${r.location.slice(0, 80)}"` : 'a page'} over plain HTTP`
        : `answers over plain HTTP`;
      add(
        'web-https-only',
        'fail',
        `the web interface ${what} on tcp/${r.port} (HTTP ${status}): admin logins cross the network in clear text`,
      );
    }
  }
  // only a refused connection proves plain HTTP is off; silence may be a firewall between auditor and phone
  const plain = host.http.filter((x) => x.scheme === 'http');
  const secure = host.http.filter((x) => x.scheme === 'https' && x.outcome === 'answered');
  if (secure.length > 0 && plain.length > 0 && plain.every((r) => r.outcome === 'closed')) {
    const ports = (rs: typeof plain) => rs.map((r) => `tcp/${r.port}`).join(', ');
    add(
      'web-https-only',
      'pass',
      `the web interface answers over HTTPS on ${ports(secure)}; plain HTTP on ${ports(plain)} refuses connections`,
    );
  }
}

/** An SSH banner proves SSH is on; a refused port only says nothing listens there (SSH may use another port). */
function ssh(results: readonly SshProbeResult[], add: Add): void {
  for (const r of results) {
    if (r.outcome === 'banner') add('ssh-off', 'fail', `tcp/${r.port} answers with an SSH banner ("${r.banner}"): SSH is on`);
    else if (r.outcome === 'closed')
      add('ssh-off', 'note', `tcp/${r.port} refuses connections: no SSH there (another port is not ruled out)`);
    else if (r.outcome === 'open') add('ssh-off', 'note', `tcp/${r.port} accepts connections but sends no SSH banner`);
  }
}
