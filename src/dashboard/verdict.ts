/** One answer a help-desk technician can read out: Safe, or Exposed and why, from one phone's audit findings. Pure. */
import type { CheckId, Finding, HostReport } from '../auditor/findings.js';
import { CHECK_TITLES } from '../auditor/findings.js';
import { SEVERITY_ORDER } from '../model/rules.js';

export type VerdictStatus = 'safe' | 'probably-safe' | 'exposed' | 'unidentified' | 'unreachable' | 'no-address';

export interface Verdict {
  status: VerdictStatus;
  /** one sentence: "Safe", "Exposed: it will ring for scanner calls because …" */
  headline: string;
  /** supporting sentences, most important first */
  reasons: string[];
}

/** Rules whose failure lets a scanner's INVITE ring the phone. */
export const RING_CHECKS: readonly CheckId[] = [
  'sip-trusted-only', 'no-direct-ip-calls', 'invite-validation', 'no-auto-answer', 'reject-anonymous', 'unused-accounts-off',
];

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
  'firmware-current': 'its firmware is in a known-vulnerable range',
  'device-identity': 'it could not be identified',
  'device-inventory': 'it is not in ghostguard\'s inventory (or does not match it), so nothing hardens it',
  'config-drift': 'it does not run the configuration ghostguard serves now',
};

const rank = (f: Finding): number => -SEVERITY_ORDER.indexOf(f.severity);

function failing(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.state === 'fail').sort((a, b) => rank(a) - rank(b));
}

function detail(f: Finding): string {
  const first = f.evidence[0] ?? f.reason;
  return first ? `${CHECK_TITLES[f.check]}: ${first}` : CHECK_TITLES[f.check];
}

const sentence = (s: string): string => (/[.!?…]$/.test(s) ? s : `${s}.`);

export function verdictFor(host: string, report: HostReport | undefined): Verdict {
  if (!report) {
    return {
      status: 'unreachable',
      headline: `No answer: nothing answered at ${host} (SIP, web or SNMP).`,
      reasons: ['Is the phone powered on and plugged in? Is this its current address? Check the address on the phone\'s status screen.'],
    };
  }
  const fails = failing(report.findings);
  if (!report.vendor) {
    const identity = report.findings.find((f) => f.check === 'device-identity');
    return {
      status: 'unidentified',
      headline: sentence(`Not recognised as a phone: something answers at ${host}, but no supported vendor recognised it${identity?.reason ? ` (${identity.reason})` : ''}`),
      reasons: fails.map((f) => sentence(`${FAILURE_PHRASES[f.check]} — ${detail(f)}`)),
    };
  }
  const ring = fails.filter((f) => RING_CHECKS.includes(f.check));
  const ringProof = report.findings.some((f) => (f.check === 'sip-trusted-only' || f.check === 'invite-validation') && f.state === 'pass');
  const reasons = fails.map((f) => sentence(detail(f)));
  if (ring.length > 0) {
    const because = ring.map((f) => FAILURE_PHRASES[f.check]).join(', and ');
    return { status: 'exposed', headline: sentence(`Exposed: it will ring for scanner calls because ${because}`), reasons };
  }
  if (fails.length > 0) {
    const what = FAILURE_PHRASES[fails[0]!.check];
    const more = fails.length > 1 ? ` (and ${fails.length - 1} more failing rule${fails.length > 2 ? 's' : ''})` : '';
    const ringNote = ringProof ? 'It does not ring for scanner calls.' : 'Nothing found shows it ringing for scanner calls.';
    return { status: 'exposed', headline: sentence(`Exposed: ${what}${more}`), reasons: [ringNote, ...reasons] };
  }
  if (ringProof) {
    return { status: 'safe', headline: 'Safe', reasons: ['Every rule that could be checked passes, and the phone accepts calls only from its own phone system.'] };
  }
  const unknown = report.findings.filter((f) => f.state === 'unknown');
  const why = [...new Set(unknown.map((f) => f.reason).filter((r): r is string => Boolean(r)))];
  return {
    status: 'probably-safe',
    headline: sentence(`Probably safe: no rule fails, but ${unknown.length} rule${unknown.length === 1 ? '' : 's'} could not be checked from the network`),
    reasons: why.slice(0, 4).map(sentence),
  };
}

export function noAddressVerdict(target: string, inInventory: boolean): Verdict {
  return {
    status: 'no-address',
    headline: sentence(`Can't check ${target}: ghostguard has never seen it fetch its configuration, so its address is unknown`),
    reasons: [
      inInventory ? 'It is in the inventory but has never fetched from ghostguard.' : 'It is not in the inventory either.',
      'Ask the user for the phone\'s IP address (shown on the phone\'s status screen) and check that address instead.',
    ],
  };
}

/** Whether a verdict should make a script fail: 0 safe, 1 anything that is not shown safe. */
export function verdictExit(v: Verdict): 0 | 1 {
  return v.status === 'safe' || v.status === 'probably-safe' ? 0 : 1;
}
