/**
 * One answer a help-desk technician can read out, from one host's audit entry: the ghost-call verdict (the one
 * definition in src/model/ghost-call.ts) in words, its evidence, how to tell when it is not decided, and the other
 * failing rules as secondary reasons. Pure.
 */
import type { CheckId, Finding, HostReport } from '../auditor/findings.js';
import { CHECK_TITLES } from '../auditor/findings.js';
import type { GhostCall, GhostCallVerdict } from '../model/ghost-call.js';
import { isGhostCallRule, VERDICT_HEADLINES } from '../model/ghost-call-words.js';
import { SEVERITY_ORDER } from '../model/rules.js';

export type VerdictStatus = GhostCallVerdict | 'unreachable' | 'no-address';

export interface Verdict {
  status: VerdictStatus;
  /** one sentence: "Rings for scanners: it will ring for a stranger's call." */
  headline: string;
  /** supporting sentences, most important first */
  reasons: string[];
  /** the probe or credential that would decide an unknown or likely-rings verdict */
  howToTell?: string;
  ghostCall?: GhostCall;
}

/** What a failing check means, in words for someone on the phone with the user. */
export const FAILURE_PHRASES: Readonly<Record<CheckId, string>> = {
  'sip-trusted-only': 'it accepts SIP from anyone, not only from its own phone system',
  'no-direct-ip-calls': 'it accepts calls addressed straight to its IP address',
  'invite-validation': 'it does not check that incoming calls come from (or are authenticated by) its phone system',
  'no-auto-answer': 'it auto-answers calls from unknown parties',
  'reject-anonymous': 'it accepts anonymous calls',
  'unused-accounts-off': 'an unused account is still switched on and listening for calls',
  'no-remote-reboot': 'anyone on the network can reboot or reconfigure it with a SIP message',
  'sip-port-nonstandard': 'it listens for SIP on the standard port 5060 that scanners sweep',
  'sip-tls-srtp': 'its calls are not encrypted (SIP over TLS and SRTP are off)',
  'admin-password-set': 'its web admin password is not the per-device one ghostguard set (it may be the factory default)',
  'web-https-only': 'its web interface answers over plain HTTP, so admin logins cross the network readable',
  'snmp-locked': 'it answers SNMP with a default community',
  'provisioning-pinned': 'a DHCP or plug-and-play answer from the network can point it at another provisioning server',
  'user-password-set': 'its web user password is not the per-device one ghostguard set (it may be the factory default)',
  'tr069-off': 'TR-069 is on, so a management server outside ghostguard can reconfigure it',
  'ssh-off': 'SSH is on, another login to guess',
  'refer-validation': 'a stranger can make it place calls with a SIP REFER',
  'firmware-current': 'its firmware is in a known-vulnerable range',
  'device-identity': 'it could not be identified',
  'device-inventory': "it is not in ghostguard's inventory (or does not match it), so nothing hardens it",
  'config-drift': 'it does not run the configuration ghostguard serves now',
};

const rank = (f: Finding): number => -SEVERITY_ORDER.indexOf(f.severity);

const sentence = (s: string): string => (/[.!?…]$/.test(s) ? s : `${s}.`);

function detail(f: Finding): string {
  const first = f.evidence[0] ?? f.reason;
  return first ? `${CHECK_TITLES[f.check]}: ${first}` : CHECK_TITLES[f.check];
}

export function verdictFor(host: string, report: HostReport | undefined): Verdict {
  if (!report) {
    return {
      status: 'unreachable',
      headline: `No answer: nothing answered at ${host} (SIP, web or SNMP).`,
      reasons: ["Is the phone powered on and plugged in? Is this its current address? Check the address on the phone's status screen."],
    };
  }
  const g = report.ghostCall;
  const others = report.findings.filter((f) => f.state === 'fail' && !isGhostCallRule(f.check)).sort((a, b) => rank(a) - rank(b));
  const also = others.length
    ? ` Also ${others.length} other failing rule${others.length === 1 ? '' : 's'}: ${FAILURE_PHRASES[others[0]!.check]}${others.length > 1 ? ', …' : ''}.`
    : '';
  const identity = report.findings.find((f) => f.check === 'device-identity');
  const unrecognised = report.vendor ? [] : [sentence(`Not recognised as a phone${identity?.reason ? ` (${identity.reason})` : ''}`)];
  const verdict: Verdict = {
    status: g.verdict,
    headline: `${VERDICT_HEADLINES[g.verdict]}${also}`,
    ghostCall: g,
    reasons: [...unrecognised, ...g.evidence.map(sentence), ...others.map((f) => sentence(`${FAILURE_PHRASES[f.check]} — ${detail(f)}`))],
  };
  if (g.howToTell) verdict.howToTell = g.howToTell;
  return verdict;
}

export function noAddressVerdict(target: string, inInventory: boolean): Verdict {
  return {
    status: 'no-address',
    headline: sentence(`Can't check ${target}: ghostguard has never seen it fetch its configuration, so its address is unknown`),
    reasons: [
      inInventory ? 'It is in the inventory but has never fetched from ghostguard.' : 'It is not in the inventory either.',
      "Ask the user for the phone's IP address (shown on the phone's status screen) and check that address instead.",
    ],
  };
}

/** Whether a verdict should make a script fail: 0 when the phone refuses or ignores strangers' calls, else 1. */
export function verdictExit(v: Verdict): 0 | 1 {
  return v.status === 'refuses' || v.status === 'ignores' ? 0 : 1;
}
