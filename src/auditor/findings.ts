/** Audit results: one finding per phone and check, with severity, evidence and the fix in plain words. */
import type { GhostCall, GhostCallVerdict } from '../model/ghost-call.js';
import { checkSeverity, RULES, type RuleId, type Severity } from '../model/rules.js';

/** The rule catalogue plus the auditor's own checks. */
export type CheckId = RuleId | 'device-identity' | 'device-inventory' | 'config-drift';

export type FindingState = 'pass' | 'fail' | 'unknown' | 'unsupported' | 'disabled';

export interface Finding {
  check: CheckId;
  state: FindingState;
  severity: Severity;
  /** why the state is unknown or unsupported */
  reason?: string;
  /** facts, secrets masked, sanitized */
  evidence: string[];
  /** what to do, in plain words and exact settings (secrets masked) */
  fix: string[];
}

export interface HostReport {
  host: string;
  label?: string;
  mac?: string;
  macSource?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  /** none | weak | vendor | model | exact */
  identity: string;
  /** will it ring for a scanner: the one verdict every surface shows */
  ghostCall: GhostCall;
  /** the Request-URI users the INVITE probe addressed (absent: not sent) */
  invitedUsers?: string[];
  /** the run was cut off (time limit, abort) while this host was being probed: its results are partial */
  incomplete?: boolean;
  /** one line per probe */
  probes: string[];
  findings: Finding[];
}

export interface AuditSummary {
  hostsPlanned: number;
  hostsScanned: number;
  hostsResponsive: number;
  phones: number;
  findings: Record<FindingState, number>;
  /** failing findings per severity */
  failures: Record<Severity, number>;
  /** hosts per ghost-call verdict */
  ghostCalls: Record<GhostCallVerdict, number>;
}

export interface AuditReport {
  format: 'ghostguard-audit';
  version: 1;
  runId?: number;
  startedAt: string;
  finishedAt: string;
  targets: string[];
  exclude: string[];
  /** set when the run stopped early (deadline, abort) */
  incomplete?: string;
  /** hosts cut off while being probed, and hosts never started, when the run stopped early */
  incompleteHosts?: { host: string; reason: string }[];
  options: Record<string, string | number | boolean | string[] | number[]>;
  summary: AuditSummary;
  /** against the previous stored run over the same targets */
  comparison?: {
    previousRunId: number;
    newFailures: number;
    resolved: number;
    /** hosts whose ghost-call verdict differs from the previous run's (absent in one of them: undefined) */
    ghostCallChanges?: { host: string; mac?: string; before?: GhostCallVerdict; after?: GhostCallVerdict }[];
  };
  hosts: HostReport[];
}

export const CHECK_TITLES: Readonly<Record<CheckId, string>> = {
  ...(Object.fromEntries(Object.values(RULES).map((r) => [r.id, r.title])) as Record<RuleId, string>),
  'device-identity': 'Device identified',
  'device-inventory': 'Device in the inventory',
  'config-drift': 'Running config matches what ghostguard served',
};

const CHECK_SEVERITY: Readonly<Record<Exclude<CheckId, RuleId>, Severity>> = {
  'device-identity': 'low',
  'device-inventory': 'high',
  'config-drift': 'medium',
};

export function severityOf(check: CheckId): Severity {
  return checkSeverity(check, CHECK_SEVERITY);
}

/** Report order: auditor checks first, then the rule catalogue order. */
export const CHECK_ORDER: readonly CheckId[] = ['device-identity', 'device-inventory', 'config-drift', ...(Object.keys(RULES) as RuleId[])];

export function finding(check: CheckId, state: FindingState, evidence: string[], fix: string[] = [], reason?: string): Finding {
  const f: Finding = { check, state, severity: severityOf(check), evidence, fix };
  if (reason !== undefined) f.reason = reason;
  return f;
}
