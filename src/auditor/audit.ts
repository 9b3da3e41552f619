/** runAudit: targets → scheduler → per-host audit → report (and the run stored, when a store is given). */
import { lookup } from 'node:dns/promises';
import { setMaxListeners } from 'node:events';
import type { Dispatcher } from 'undici';
import type { Inventory } from '../model/inventory.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { AuditRunStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import type { CredentialEntry } from './credentials.js';
import type { AuditReport, HostReport } from './findings.js';
import type { AuditSettings, HostAuditContext } from './audit-context.js';
import { auditHost } from './host-audit.js';
import { neighbourTable, type NeighbourLookup } from './neighbours.js';
import { createAuditDispatcher, DEFAULT_HTTP_LIMITS, undiciHttpClient, type HttpClient, type HttpLimits } from './probes/http-client.js';
import { connectedSnmpSessionFactory, DEFAULT_COMMUNITIES, type SnmpSessionFactory } from './probes/snmp-probe.js';
import { createUdpSocket, type UdpSocketFactory } from './probes/udp-channel.js';
import { runPool, systemClock, TokenBucket, type Clock } from './scheduler.js';
import { resolveTargets } from './targets.js';
import { AUDIT_DEFAULTS, policyCommunities, policySipPorts } from './audit-defaults.js';
import { compareAddresses, cutOffReport, ghostCallChanges, optionSummary, sortFindings, storedFindings, summarize } from './run-results.js';

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
