/** Audit results: one finding per phone and check, with severity, evidence and the fix in plain words. */
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
  options: Record<string, string | number | boolean | string[] | number[]>;
  summary: AuditSummary;
  /** against the previous stored run over the same targets */
  comparison?: { previousRunId: number; newFailures: number; resolved: number };
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
