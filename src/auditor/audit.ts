/** runAudit: targets → scheduler → per-host audit → report (and the run stored, when a store is given). */
import { lookup } from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import type { GhostCallVerdict } from '../model/ghost-call.js';
import { countVerdicts } from '../model/ghost-call-words.js';
import type { Inventory } from '../model/inventory.js';
import { SEVERITY_ORDER, type Severity } from '../model/rules.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import { ghostCallOfRow, ghostCallRow } from '../store/audit-store.js';
import type { AuditRunStore, StoredFinding } from '../store/store.js';
import type { Store } from '../store/store.js';
import type { CredentialEntry } from './credentials.js';
import { CHECK_ORDER, type AuditReport, type AuditSummary, type FindingState, type HostReport } from './findings.js';
import type { AuditSettings, HostAuditContext } from './audit-context.js';
import { auditHost } from './host-audit.js';
import { neighbourTable, type NeighbourLookup } from './neighbours.js';
import { createAuditDispatcher, DEFAULT_HTTP_LIMITS, undiciHttpClient, type HttpClient, type HttpLimits } from './probes/http-client.js';
import { connectedSnmpSessionFactory, DEFAULT_COMMUNITIES, type SnmpSessionFactory } from './probes/snmp-probe.js';
import { createUdpSocket, type UdpSocketFactory } from './probes/udp-channel.js';
import { runPool, systemClock, TokenBucket, type Clock } from './scheduler.js';
import { resolveTargets } from './targets.js';

export interface AuditOptions {
  targets: string[];
  exclude?: string[];
  maxHosts?: number;
  /** when given, every target must lie inside these CIDRs */
  allowed?: string[];
  sipPorts?: number[];
  httpPorts?: number[];
  httpsPorts?: number[];
  snmpPort?: number;
  communities?: string[];
  /** hosts in flight */
  concurrency?: number;
  /** global packets per second */
  rate?: number;
  /** minimum gap between packets to one host */
  hostGapMs?: number;
  /** per-probe wait (UDP attempt, SNMP attempt) */
  timeoutMs?: number;
  retries?: number;
  http?: Partial<HttpLimits>;
  /** whole run; hosts not started by then are reported as not scanned */
  maxDurationMs?: number;
  /** send the non-ringing INVITE probe */
  intrusive?: boolean;
  /** when not intrusive: why the INVITE probe is not sent, in the caller's words (shown in the ghost-call evidence) */
  inviteNotSent?: string;
  defaultLogin?: boolean;
  staleDays?: number;
  credentials?: CredentialEntry[];
  /** also send provisioned / credentials-file admin passwords over plain HTTP (default: HTTPS only) */
  plainHttpLogin?: boolean;
  /** TCP ports where an identified phone is checked for an SSH banner (ssh-off); default none */
  sshPorts?: number[];
}

export interface AuditDeps {
  vendors: readonly VendorAdapter[];
  inventory?: Inventory;
  /** fetch history, for drift and MAC-by-source; credential generations for the inventory's secrets */
  store?: Pick<Store, 'fetchHistory' | 'lastFetchBySource' | 'credentials'>;
  auditStore?: AuditRunStore;
  dispatcher?: Dispatcher;
  /** replaces the undici client entirely (tests) */
  http?: HttpClient;
  udp?: UdpSocketFactory;
  snmp?: SnmpSessionFactory;
  neighbours?: NeighbourLookup;
  clock?: Clock;
  readFile?: (path: string) => string;
  resolveHost?: (name: string) => Promise<string[]>;
  onProgress?: (progress: { done: number; total: number; phones: number }) => void;
  signal?: AbortSignal;
}

export const AUDIT_DEFAULTS = {
  httpPorts: [80],
  httpsPorts: [443],
  snmpPort: 161,
  concurrency: 32,
  rate: 200,
  hostGapMs: 20,
  timeoutMs: 1000,
  retries: 1,
  maxDurationMs: 60 * 60_000,
  staleDays: 14,
} as const;

/** 5060 plus every port the inventory's policy layers ask for (sip-port-nonstandard), at most 8. */
export function policySipPorts(inventory?: Inventory): number[] {
  const ports = new Set<number>([5060]);
  const c = inventory?.config;
  const layers = c
    ? [c.fleetPolicy, ...Object.values(c.sites).map((s) => s.policy), ...Object.values(c.modelPolicy), ...c.devices.map((d) => d.policy)]
    : [];
  for (const layer of layers) {
    const port = layer['sip-port-nonstandard']?.port;
    if (port !== undefined) ports.add(port);
  }
  return [...ports].slice(0, 8);
}

/** Communities the inventory's policy gives SNMP (snmp-locked, restricted mode), so the audit can see who answers to them. */
export function policyCommunities(inventory?: Inventory): string[] {
  const c = inventory?.config;
  const layers = c
    ? [c.fleetPolicy, ...Object.values(c.sites).map((s) => s.policy), ...Object.values(c.modelPolicy), ...c.devices.map((d) => d.policy)]
    : [];
  return [...new Set(layers.map((l) => l['snmp-locked']?.community).filter((x): x is string => !!x))].slice(0, 4);
}

export async function runAudit(options: AuditOptions, deps: AuditDeps): Promise<AuditReport> {
  const clock = deps.clock ?? systemClock;
  const targets = await resolveTargets(options.targets, {
    exclude: options.exclude,
    maxHosts: options.maxHosts,
    allowed: options.allowed,
    readFile: deps.readFile,
    resolveHost: deps.resolveHost ?? (async (name) => (await lookup(name, { all: true })).map((a) => a.address)),
  });
  const settings: AuditSettings = {
    sipPorts: options.sipPorts ?? policySipPorts(deps.inventory),
    httpPorts: options.httpPorts ?? [...AUDIT_DEFAULTS.httpPorts],
    httpsPorts: options.httpsPorts ?? [...AUDIT_DEFAULTS.httpsPorts],
    snmpPort: options.snmpPort ?? AUDIT_DEFAULTS.snmpPort,
    communities: options.communities ?? [...DEFAULT_COMMUNITIES, ...policyCommunities(deps.inventory)],
    timeoutMs: options.timeoutMs ?? AUDIT_DEFAULTS.timeoutMs,
    retries: options.retries ?? AUDIT_DEFAULTS.retries,
    hostGapMs: options.hostGapMs ?? AUDIT_DEFAULTS.hostGapMs,
    intrusive: options.intrusive ?? false,
    ...(options.inviteNotSent ? { inviteNotSent: options.inviteNotSent } : {}),
    defaultLogin: options.defaultLogin ?? true,
    staleDays: options.staleDays ?? AUDIT_DEFAULTS.staleDays,
    credentials: options.credentials ?? [],
    plainHttpLogin: options.plainHttpLogin ?? false,
    sshPorts: options.sshPorts ?? [],
  };
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.http };
  const ownDispatcher = !deps.http && !deps.dispatcher ? createAuditDispatcher(limits) : undefined;
  const http = deps.http ?? undiciHttpClient(deps.dispatcher ?? ownDispatcher!, limits);
  const ctx: HostAuditContext = {
    vendors: deps.vendors,
    inventory: deps.inventory,
    history: deps.store,
    http,
    clock,
    settings,
    udp: deps.udp ?? createUdpSocket,
    snmp: deps.snmp ?? connectedSnmpSessionFactory,
    neighbours: deps.neighbours ?? neighbourTable(clock),
    bucket: new TokenBucket(options.rate ?? AUDIT_DEFAULTS.rate, Math.max(1, Math.min(50, options.rate ?? AUDIT_DEFAULTS.rate)), clock),
  };
  const startedAt = clock.date();
  const runId = await deps.auditStore?.startRun(startedAt, options.targets);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.maxDurationMs ?? AUDIT_DEFAULTS.maxDurationMs);
  const signal = deps.signal ? AbortSignal.any([deps.signal, deadline.signal]) : deadline.signal;
  // every wait of every host in flight listens on the run's signal (a host has up to ~40 probes at once): no leak warning
  setMaxListeners(Math.max(10, (options.concurrency ?? AUDIT_DEFAULTS.concurrency) * 64), signal);
  const found: { index: number; report: HostReport }[] = [];
  const cutOff: string[] = [];
  let done = 0;
  let phones = 0;
  let pool: Awaited<ReturnType<typeof runPool>>;
  try {
    pool = await runPool(
      targets,
      options.concurrency ?? AUDIT_DEFAULTS.concurrency,
      async (host, index) => {
        try {
          const report = await auditHost(host, targets.labels.get(host), ctx, signal);
          if (signal.aborted) cutOff.push(host);
          if (report) found.push({ index, report: signal.aborted ? cutOffReport(report) : report });
          if (report?.vendor) phones++;
        } finally {
          done++;
          deps.onProgress?.({ done, total: targets.count, phones });
        }
      },
      signal,
    );
  } finally {
    clearTimeout(timer);
    await ownDispatcher?.close().catch(() => undefined);
  }
  const hosts = found.sort((a, b) => a.index - b.index).map((f) => sortFindings(f.report));
  const report: AuditReport = {
    format: 'ghostguard-audit',
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: clock.date().toISOString(),
    targets: [...options.targets],
    exclude: [...(options.exclude ?? [])],
    options: optionSummary(settings, options),
    summary: summarize(targets.count, pool.started, hosts),
    hosts,
  };
  const why = deps.signal?.aborted ? 'aborted' : 'stopped at the time limit';
  if (pool.stopped || cutOff.length > 0) {
    const notStarted = targets.count - pool.started;
    report.incomplete = `${why}: ${cutOff.length} host${cutOff.length === 1 ? '' : 's'} cut off while being probed${notStarted > 0 ? `, ${notStarted} of ${targets.count} never started` : ''}`;
    report.incompleteHosts = cutOff.sort(compareAddresses).map((host) => ({ host, reason: `${why} while this host was being probed` }));
  }
  if (runId !== undefined && deps.auditStore) {
    report.runId = runId;
    await deps.auditStore.finishRun(runId, new Date(report.finishedAt), report.summary, storedFindings(hosts));
    const previous = await deps.auditStore.previousRun(runId);
    if (previous !== undefined) {
      const diff = await deps.auditStore.diff(previous, runId);
      report.comparison = {
        previousRunId: previous,
        newFailures: diff.newFailures.length,
        resolved: diff.resolved.length,
        ghostCallChanges: ghostCallChanges(await deps.auditStore.findings(previous), hosts),
      };
    }
  }
  return report;
}

/** Numeric order for IPv4 addresses, text order otherwise. */
function compareAddresses(a: string, b: string): number {
  const na = a.split('.').map(Number);
  const nb = b.split('.').map(Number);
  if (na.length === 4 && nb.length === 4) for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return na[i]! - nb[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A host the run cut off: answers it gave still prove what they prove, but its silence proves nothing. */
function cutOffReport(r: HostReport): HostReport {
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

function sortFindings(r: HostReport): HostReport {
  return { ...r, findings: [...r.findings].sort((a, b) => CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check)) };
}

function optionSummary(s: AuditSettings, o: AuditOptions): AuditReport['options'] {
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
function ghostCallChanges(
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
function storedFindings(hosts: readonly HostReport[]): StoredFinding[] {
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
