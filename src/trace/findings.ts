/**
 * Trace findings: the auditor's Finding shape (check, state, severity, evidence, fix — src/auditor/findings.ts) with two
 * differences, hence a sibling type rather than the auditor's own: the check ids include trace-only checks
 * (scanner-traffic, unsolicited-invite, sip-reachable) besides catalogue rules, and every finding carries the packet
 * numbers it rests on. Hosts mirror HostReport, with what a capture can tell (role, User-Agents) instead of probes.
 */
import type { Finding, FindingState } from '../auditor/findings.js';
import { checkSeverity, RULES, type RuleId, type Severity } from '../model/rules.js';

export type TraceCheckId =
  | Extract<RuleId, 'sip-trusted-only' | 'no-direct-ip-calls'>
  | 'scanner-traffic'
  | 'unsolicited-invite'
  | 'sip-reachable';

export interface TraceFinding extends Omit<Finding, 'check'> {
  check: TraceCheckId;
  /** frame numbers (1-based, as Wireshark shows them) or, for text logs, message ordinals; at most MAX_PACKETS */
  packets: number[];
}

/** scanner: a source showing scanner signatures or sweeping; phone: registered or rang for a stranger; endpoint: any other target */
export type HostRole = 'scanner' | 'phone' | 'endpoint';

export interface TraceHostReport {
  host: string;
  role: HostRole;
  /** User-Agent / Server values seen from this host (at most 5) */
  userAgents: string[];
  findings: TraceFinding[];
}

export const TRACE_CHECK_TITLES: Readonly<Record<TraceCheckId, string>> = {
  'sip-trusted-only': RULES['sip-trusted-only'].title,
  'no-direct-ip-calls': RULES['no-direct-ip-calls'].title,
  'scanner-traffic': 'SIP scanner traffic',
  'unsolicited-invite': 'Unsolicited INVITEs from untrusted sources',
  'sip-reachable': 'Answers SIP OPTIONS from scanners',
};

const TRACE_SEVERITY: Readonly<Record<Exclude<TraceCheckId, RuleId>, Severity>> = {
  'scanner-traffic': 'medium',
  'unsolicited-invite': 'medium',
  'sip-reachable': 'low',
};

export function traceSeverity(check: TraceCheckId): Severity {
  return checkSeverity(check, TRACE_SEVERITY);
}

/** Report order within a host. */
export const TRACE_CHECK_ORDER: readonly TraceCheckId[] = [
  'scanner-traffic',
  'sip-trusted-only',
  'no-direct-ip-calls',
  'unsolicited-invite',
  'sip-reachable',
];

export const MAX_PACKETS = 50;

export function traceFinding(
  check: TraceCheckId,
  evidence: string[],
  packets: number[],
  fix: string[],
  state: FindingState = 'fail',
): TraceFinding {
  const sorted = [...new Set(packets)].sort((a, b) => a - b).slice(0, MAX_PACKETS);
  return { check, state, severity: traceSeverity(check), evidence, fix, packets: sorted };
}
