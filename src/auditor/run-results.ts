/**
 * What a run makes of its host reports: findings in check order, hosts cut off by the run, the summary, the options
 * echoed in the report, the ghost-call changes since the previous run, and the rows it stores.
 */
import type { GhostCallVerdict } from '../model/ghost-call.js';
import { countVerdicts } from '../model/ghost-call-words.js';
import { SEVERITY_ORDER, type Severity } from '../model/rules.js';
import { ghostCallOfRow, ghostCallRow } from '../store/audit-store.js';
import type { StoredFinding } from '../store/store.js';
import { CHECK_ORDER, type AuditReport, type AuditSummary, type FindingState, type HostReport } from './findings.js';
import type { AuditSettings } from './audit-context.js';
import { AUDIT_DEFAULTS } from './audit-defaults.js';

/** Numeric order for IPv4 addresses, text order otherwise. */
export function compareAddresses(a: string, b: string): number {
  const na = a.split('.').map(Number);
  const nb = b.split('.').map(Number);
  if (na.length === 4 && nb.length === 4) for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return na[i]! - nb[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A host the run cut off: answers it gave still prove what they prove, but its silence proves nothing. */
export function cutOffReport(r: HostReport): HostReport {
  const g = r.ghostCall;
  const ghostCall =
    g.verdict === 'ignores' || g.verdict === 'unknown'
      ? {
          verdict: 'unknown' as const,
          evidence: ['the run was cut off while this host was being probed: its silence proves nothing', ...g.evidence],
          howToTell: 'audit this host again with enough time (--max-duration)',
        }
      : g;
  return { ...r, incomplete: true, ghostCall };
}

export function sortFindings(r: HostReport): HostReport {
  return { ...r, findings: [...r.findings].sort((a, b) => CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check)) };
}

export function optionSummary(s: AuditSettings, o: { rate?: number; concurrency?: number }): AuditReport['options'] {
  return {
    sipPorts: s.sipPorts,
    httpPorts: s.httpPorts,
    httpsPorts: s.httpsPorts,
    snmpPort: s.snmpPort,
    communities: s.communities.length,
    intrusive: s.intrusive,
    defaultLogin: s.defaultLogin,
    plainHttpLogin: s.plainHttpLogin,
    timeoutMs: s.timeoutMs,
    retries: s.retries,
    rate: o.rate ?? AUDIT_DEFAULTS.rate,
    concurrency: o.concurrency ?? AUDIT_DEFAULTS.concurrency,
  };
}

export function summarize(planned: number, scanned: number, hosts: readonly HostReport[]): AuditSummary {
  const findings: Record<FindingState, number> = { pass: 0, fail: 0, unknown: 0, unsupported: 0, disabled: 0 };
  const failures = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const h of hosts) {
    for (const f of h.findings) {
      findings[f.state]++;
      if (f.state === 'fail') failures[f.severity]++;
    }
  }
  return {
    hostsPlanned: planned,
    hostsScanned: scanned,
    hostsResponsive: hosts.length,
    phones: hosts.filter((h) => h.vendor).length,
    findings,
    failures,
    ghostCalls: countVerdicts(hosts.map((h) => h.ghostCall.verdict)),
  };
}

/** Hosts (same MAC, else same address) whose ghost-call verdict moved since the previous run. */
export function ghostCallChanges(
  before: readonly StoredFinding[],
  hosts: readonly HostReport[],
): NonNullable<AuditReport['comparison']>['ghostCallChanges'] {
  const was = new Map<string, { host: string; mac?: string; verdict: GhostCallVerdict }>();
  for (const f of before) {
    const g = ghostCallOfRow(f);
    if (g) was.set(f.mac ?? f.host, { host: f.host, ...(f.mac ? { mac: f.mac } : {}), verdict: g.verdict });
  }
  const out: NonNullable<NonNullable<AuditReport['comparison']>['ghostCallChanges']> = [];
  for (const h of hosts) {
    const key = h.mac && was.has(h.mac) ? h.mac : h.host;
    const p = was.get(key);
    was.delete(key);
    if (p?.verdict !== h.ghostCall.verdict)
      out.push({ host: h.host, ...(h.mac ? { mac: h.mac } : {}), ...(p ? { before: p.verdict } : {}), after: h.ghostCall.verdict });
  }
  for (const p of was.values()) out.push({ host: p.host, ...(p.mac ? { mac: p.mac } : {}), before: p.verdict });
  return out.slice(0, 500);
}

/** Every finding, and each host's ghost-call verdict as its own row, so the dashboard and schedules read it back. */
export function storedFindings(hosts: readonly HostReport[]): StoredFinding[] {
  return hosts.flatMap((h) => {
    const who = (s: StoredFinding): StoredFinding => {
      if (h.mac) s.mac = h.mac;
      if (h.vendor) s.vendor = h.vendor;
      if (h.model) s.model = h.model;
      return s;
    };
    return [
      who(ghostCallRow(h.host, h.ghostCall)),
      ...h.findings.map((f) =>
        who({
          host: h.host,
          rule: f.check,
          state: f.state,
          severity: f.severity,
          evidence: f.reason ? [f.reason, ...f.evidence] : f.evidence,
          fix: f.fix,
        }),
      ),
    ];
  });
}
