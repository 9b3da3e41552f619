/** The rule catalogue: the one vocabulary shared by the provisioning server, the auditor and the reports. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The --fail-on threshold of every command that has one (audit, trace): exit 1 on a finding at least this severe. */
export const DEFAULT_FAIL_ON: Severity = 'high';

export interface RuleDefinition {
  readonly id: RuleId;
  readonly title: string;
  readonly severity: Severity;
  readonly rationale: string;
  /** config rules are rendered into phone settings; audit rules are only checked on live phones. */
  readonly kind: 'config' | 'audit';
  /** optional rules are off unless the policy turns them on. */
  readonly optional: boolean;
}

export const RULE_IDS = [
  'sip-trusted-only',
  'no-direct-ip-calls',
  'invite-validation',
  'no-auto-answer',
  'reject-anonymous',
  'no-remote-reboot',
  'unused-accounts-off',
  'sip-port-nonstandard',
  'sip-tls-srtp',
  'admin-password-set',
  'web-https-only',
  'snmp-locked',
  'provisioning-pinned',
  'user-password-set',
  'tr069-off',
  'ssh-off',
  'refer-validation',
  'firmware-current',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

const def = (
  id: RuleId,
  title: string,
  severity: Severity,
  rationale: string,
  kind: 'config' | 'audit' = 'config',
  optional = false,
): RuleDefinition => ({ id, title, severity, rationale, kind, optional });

export const RULES: Readonly<Record<RuleId, RuleDefinition>> = {
  'sip-trusted-only': def(
    'sip-trusted-only',
    'Accept SIP only from trusted servers',
    'critical',
    'Scanners reach the phone directly; only the registrar and proxy should be able to make it ring.',
  ),
  'no-direct-ip-calls': def(
    'no-direct-ip-calls',
    'No direct IP calls',
    'high',
    "Calls addressed to the phone's IP bypass the PBX and its fraud controls.",
  ),
  'invite-validation': def(
    'invite-validation',
    'Validate incoming INVITEs',
    'high',
    "An INVITE not addressed to the phone's own user, or not from or authenticated by the server, is a ghost call.",
  ),
  'no-auto-answer': def(
    'no-auto-answer',
    'No auto-answer from unknown parties',
    'high',
    'Auto-answer turns a spoofed INVITE into an open microphone.',
  ),
  'reject-anonymous': def('reject-anonymous', 'Reject anonymous calls', 'medium', 'Scanner calls often carry no caller identity.'),
  'no-remote-reboot': def(
    'no-remote-reboot',
    'No unauthenticated remote reboot',
    'medium',
    'A check-sync NOTIFY from anyone must not reboot or reconfigure the phone.',
  ),
  'unused-accounts-off': def(
    'unused-accounts-off',
    'Unused accounts disabled',
    'high',
    'An account without a line still listens on its own SIP port and accepts direct calls.',
  ),
  'sip-port-nonstandard': def(
    'sip-port-nonstandard',
    'Local SIP port off 5060',
    'low',
    'Mass scanners mostly probe 5060; a different port removes the phone from casual sweeps.',
    'config',
    true,
  ),
  'sip-tls-srtp': def(
    'sip-tls-srtp',
    'SIP over TLS and SRTP',
    'medium',
    "Encrypted signalling and media, where the site's server supports them.",
    'config',
    true,
  ),
  'admin-password-set': def(
    'admin-password-set',
    'Per-device admin password',
    'critical',
    'Factory admin passwords let anyone on the LAN undo every other setting.',
  ),
  'web-https-only': def(
    'web-https-only',
    'Web UI over HTTPS only',
    'medium',
    'Admin credentials must not cross the network in clear text.',
  ),
  'snmp-locked': def(
    'snmp-locked',
    'SNMP off or locked down',
    'medium',
    "SNMP with a default community leaks the phone's identity and settings.",
  ),
  'provisioning-pinned': def(
    'provisioning-pinned',
    'Provisioning stays on ghostguard',
    'high',
    'A DHCP option 66/43 or plug-and-play answer from anyone on the LAN must not point the phone at another provisioning server.',
  ),
  'user-password-set': def(
    'user-password-set',
    'Per-device user password',
    'high',
    "The factory end-user login (Grandstream's user/123) opens the phone's web interface to anyone on the LAN.",
  ),
  'tr069-off': def(
    'tr069-off',
    'TR-069 off',
    'medium',
    "A TR-069 ACS (by default the vendor's cloud) can reconfigure the phone outside ghostguard.",
  ),
  'ssh-off': def('ssh-off', 'SSH off', 'medium', 'SSH is on by default on some phones and offers another login to guess.'),
  'refer-validation': def(
    'refer-validation',
    'Refuse REFERs from strangers',
    'medium',
    'A REFER makes the phone place a call wherever the sender says: from a stranger it is toll fraud or a callback attack.',
  ),
  'firmware-current': def(
    'firmware-current',
    'Firmware outside known-vulnerable ranges',
    'high',
    'Known firmware vulnerabilities bypass configuration hardening.',
    'audit',
  ),
};

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

/** A check's severity: the catalogue's for a rule, the caller's own table for its extra checks (auditor, trace). */
export function checkSeverity<Extra extends string>(check: RuleId | Extra, extra: Readonly<Record<Extra, Severity>>): Severity {
  return isRuleId(check) ? RULES[check].severity : extra[check as Extra];
}

export function severityAtLeast(actual: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(actual) >= SEVERITY_ORDER.indexOf(threshold);
}
