/**
 * Scheduled audits: one timer per schedule, on a fixed cadence (tick n at anchor + n × every, plus optional jitter).
 * A tick that finds the schedule's previous run still going is skipped and logged, so runs never overlap. Each run is
 * stored like any audit (AuditStore) and tagged with its schedule (ScheduleHistory), compared with the schedule's
 * previous complete run over the same targets (changes.ts), logged, and — when something changed and a webhook is
 * configured — POSTed (webhook.ts). The first run of a schedule is its baseline and notifies nothing; a run stopped
 * early (time limit, server stopping) is recorded but neither compared nor used as a baseline.
 *
 * stop() clears every timer, aborts the runs and deliveries in flight and waits for them to settle.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { Agent, type Dispatcher } from 'undici';
import { runAudit, type AuditDeps, type AuditOptions } from '../auditor/audit.js';
import type { AuditReport } from '../auditor/findings.js';
import type { AuditSchedule } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import { MASK } from '../model/rule-check.js';
import { resolveSecret } from '../model/secret-spec.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import { AuditStore } from '../store/audit-store.js';
import type { Store } from '../store/store.js';
import { auditChanges, exposedCount, unknownDeviceCount, type ScheduleChange } from './changes.js';
import { ScheduleHistory, type DeliveryState, type ScheduleRunRecord } from './history.js';
import type { ScheduleLog, ScheduleLogEntry, ScheduleLogInput } from './log.js';
import { deliverWebhook, redactUrl, webhookBody, WEBHOOK_EVENT, type DeliveryResult } from './webhook.js';

export interface SchedulerDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  /** fetch history for the auditor; `database` holds audit runs and schedule_runs */
  store: Pick<Store, 'fetchHistory' | 'lastFetchBySource'> & { readonly database: Database.Database };
  /** where generated webhook secrets are kept */
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  log?: ScheduleLog;
  /** the audit entry point (tests) */
  audit?: (options: AuditOptions, deps: AuditDeps) => Promise<AuditReport>;
  auditDeps?: Partial<Omit<AuditDeps, 'vendors' | 'inventory' | 'store' | 'auditStore' | 'signal'>>;
  webhook?: { dispatcher?: Dispatcher; baseDelayMs?: number; maxDelayMs?: number };
  /** wait before the first run of a schedule that has no recent run on record (default: the interval, at most 10 s) */
  firstRunDelayMs?: number;
  now?: () => Date;
  random?: () => number;
}

export interface ScheduleRunResult {
  schedule: string;
  runId: number;
  previousRunId?: number;
  complete: boolean;
  changes: ScheduleChange[];
  truncated: number;
  record: ScheduleRunRecord;
  delivery?: DeliveryResult;
}

export interface ScheduleStatus {
  name: string;
  everySeconds: number;
  targets: string[];
  /** scheme://host:port of the webhook (its path may hold a token) */
  webhook?: string;
  /** the file holding a generated webhook secret */
  secretFile?: string;
  running: boolean;
  nextRunAt?: string;
  lastRunId?: number;
}

interface Entry {
  schedule: AuditSchedule;
  /** targets and exclusions: runs are compared only with runs over the same ones */
  signature: string;
  /** everything that defines the schedule, to tell a reload's unchanged schedule from a changed one */
  key: string;
  secret?: string;
  secretFile?: string;
  timer?: NodeJS.Timeout;
  anchor: number;
  nextAt?: number;
  running?: Promise<void>;
  controller?: AbortController;
  retired: boolean;
}

const FIRST_RUN_DELAY_MS = 10_000;
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export function scheduleSignature(s: Pick<AuditSchedule, 'targets' | 'exclude'>): string {
  return sha(JSON.stringify({ targets: s.targets, exclude: s.exclude })).slice(0, 32);
}

/** The webhook secret a schedule signs with: env:NAME (must be set), a literal, or generated once into the data directory. */
export function webhookSecret(s: AuditSchedule, dataDir: string, env: Readonly<Record<string, string | undefined>>): { secret: string; file?: string } | { problem: string } {
  const spec = s.webhook!.secret;
  if (spec.kind === 'generate') {
    const file = join(dataDir, `webhook-${s.name}.secret`);
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return { problem: `cannot create ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
    }
    const secret = readFileSync(file, 'utf8').trim();
    return secret.length >= 16 ? { secret, file } : { problem: `${file} holds no usable secret (delete it to generate a new one)` };
  }
  const secret = resolveSecret(spec, () => '', env);
  if (!secret) return { problem: `webhook.secret: environment variable ${spec.kind === 'env' ? spec.name : ''} is not set` };
  if (secret.length < 16) return { problem: 'webhook.secret: the secret must be at least 16 characters' };
  return { secret };
}

function auditOptionsOf(s: AuditSchedule): AuditOptions {
  const { maxDurationMinutes, ...probe } = s.options;
  return {
    ...probe, targets: [...s.targets], exclude: [...s.exclude], intrusive: s.options.intrusive ?? false,
    ...(maxDurationMinutes !== undefined ? { maxDurationMs: maxDurationMinutes * 60_000 } : {}),
  };
}

export class AuditScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly listeners = new Set<(r: ScheduleRunResult) => void | Promise<void>>();
  private readonly auditStore: AuditStore;
  readonly history: ScheduleHistory;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher?: Agent;
  private started = false;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.auditStore = new AuditStore(deps.store.database);
    this.history = new ScheduleHistory(deps.store.database);
    if (deps.webhook?.dispatcher) this.dispatcher = deps.webhook.dispatcher;
    else this.dispatcher = this.ownDispatcher = new Agent({ connections: 4, connect: { timeout: 10_000 } });
  }

  private now(): number {
    return this.deps.now ? this.deps.now().getTime() : Date.now();
  }

  private log(entry: ScheduleLogInput): void {
    try {
      this.deps.log?.({ ts: new Date(this.now()).toISOString(), ...entry } as ScheduleLogEntry);
    } catch {
      // a broken log sink must not stop the schedule
    }
  }

  /** Called after every run (awaited: the next run of that schedule waits for it). Returns an unsubscribe function. */
  onRun(listener: (r: ScheduleRunResult) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes the configured schedules (at start and after each config reload): unchanged ones keep their timers, changed
   * ones restart, removed ones stop. Returns problems (e.g. a webhook secret's environment variable is unset); a
   * schedule with a problem does not run, or keeps its previous definition.
   */
  update(schedules: readonly AuditSchedule[]): string[] {
    if (this.stopped) return [];
    const problems: string[] = [];
    const wanted = new Set<string>();
    for (const s of schedules) {
      wanted.add(s.name);
      let secret: { secret: string; file?: string } | undefined;
      if (s.webhook) {
        const resolved = webhookSecret(s, this.deps.dataDir, this.deps.env);
        if ('problem' in resolved) {
          const problem = `schedules[${s.index}] (${s.name}): ${resolved.problem}`;
          problems.push(problem);
          // before start() the caller reports the problems (Runtime.create refuses to start); afterwards (a reload) the log does
          if (this.started) this.log({ schedule: s.name, event: 'schedule-error', error: `${resolved.problem}; ${this.entries.has(s.name) ? 'keeps its previous definition' : 'not started'}` });
          continue;
        }
        secret = resolved;
      }
      const { index: _index, ...definition } = s;
      const key = sha(JSON.stringify({ definition, secret: secret ? sha(secret.secret) : undefined }));
      const existing = this.entries.get(s.name);
      if (existing?.key === key) {
        existing.schedule = s;
        continue;
      }
      if (existing) this.retire(existing);
      const entry: Entry = {
        schedule: s, signature: scheduleSignature(s), key, anchor: 0, retired: false,
        ...(secret ? { secret: secret.secret, ...(secret.file ? { secretFile: secret.file } : {}) } : {}),
      };
      this.entries.set(s.name, entry);
      if (this.started) this.arm(entry);
    }
    for (const [name, entry] of this.entries) {
      if (!wanted.has(name)) {
        this.retire(entry);
        this.entries.delete(name);
      }
    }
    return problems;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const entry of this.entries.values()) this.arm(entry);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.entries.values()) this.retire(entry);
    this.entries.clear();
    await Promise.allSettled([...this.inflight]);
    await this.ownDispatcher?.close().catch(() => undefined);
  }

  status(): ScheduleStatus[] {
    return [...this.entries.values()].map((e) => {
      const last = this.history.last(e.schedule.name);
      return {
        name: e.schedule.name, everySeconds: e.schedule.everySeconds, targets: [...e.schedule.targets], running: e.running !== undefined,
        ...(e.schedule.webhook ? { webhook: redactUrl(e.schedule.webhook.url) } : {}),
        ...(e.secretFile ? { secretFile: e.secretFile } : {}),
        ...(e.nextAt !== undefined ? { nextRunAt: new Date(e.nextAt).toISOString() } : {}),
        ...(last ? { lastRunId: last.runId } : {}),
      };
    });
  }

  private retire(entry: Entry): void {
    entry.retired = true;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.nextAt = undefined;
    entry.controller?.abort();
  }

  /** First tick: one interval after the schedule's last run on record, or soon when there is none (or it is overdue). */
  private arm(entry: Entry): void {
    const every = entry.schedule.everySeconds * 1000;
    const now = this.now();
    const soon = now + (this.deps.firstRunDelayMs ?? Math.min(every, FIRST_RUN_DELAY_MS));
    const last = this.history.last(entry.schedule.name);
    const due = last && last.signature === entry.signature ? Date.parse(last.startedAt) + every : soon;
    entry.anchor = Number.isFinite(due) && due > now ? Math.min(due, now + every) : soon;
    this.setTimer(entry, entry.anchor);
  }

  private setTimer(entry: Entry, at: number): void {
    if (entry.retired || this.stopped) return;
    const jitter = entry.schedule.jitterSeconds > 0 ? Math.floor((this.deps.random ?? Math.random)() * entry.schedule.jitterSeconds * 1000) : 0;
    entry.nextAt = at + jitter;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.tick(entry), Math.max(0, entry.nextAt - this.now()));
    entry.timer.unref();
  }

  private tick(entry: Entry): void {
    entry.timer = undefined;
    if (entry.retired || this.stopped) return;
    const every = entry.schedule.everySeconds * 1000;
    const now = this.now();
    // the next tick on the cadence; ticks missed while the process was busy are not made up
    entry.anchor += every * Math.max(1, Math.floor((now - entry.anchor) / every) + 1);
    this.setTimer(entry, entry.anchor);
    if (entry.running) {
      this.log({ schedule: entry.schedule.name, event: 'run-skipped', reason: 'the previous run is still going' });
      return;
    }
    const run = this.runOnce(entry).catch((err: unknown) => {
      this.log({ schedule: entry.schedule.name, event: 'run-failed', error: errorLine(err) });
    }).finally(() => {
      if (entry.running === run) entry.running = undefined;
      this.inflight.delete(run);
    });
    entry.running = run;
    this.inflight.add(run);
  }

  private async runOnce(entry: Entry): Promise<void> {
    const s = entry.schedule;
    const controller = new AbortController();
    entry.controller = controller;
    const began = this.now();
    const inventory = this.deps.inventory();
    const audit = this.deps.audit ?? runAudit;
    let report: AuditReport;
    try {
      report = await audit(auditOptionsOf(s), {
        ...this.deps.auditDeps, vendors: this.deps.vendors, inventory, store: this.deps.store, auditStore: this.auditStore, signal: controller.signal,
      });
    } catch (err) {
      this.log({ schedule: s.name, event: 'run-failed', error: errorLine(err) });
      return;
    }
    const runId = report.runId;
    if (runId === undefined) {
      this.log({ schedule: s.name, event: 'run-failed', error: 'the audit finished without being stored' });
      return;
    }
    const findings = this.auditStore.findings(runId);
    const complete = !report.incomplete;
    const aborted = controller.signal.aborted;
    const baseline = complete && !aborted ? this.history.baseline(s.name, entry.signature, runId) : undefined;
    const diff = baseline !== undefined ? auditChanges(this.auditStore.findings(baseline), findings, { complete, previousRunId: baseline }) : { changes: [], truncated: 0 };
    const changes = scrubChanges(diff.changes, inventory);
    const delivery: DeliveryState = !complete || aborted ? 'skipped' : changes.length === 0 ? 'none' : s.webhook && entry.secret ? 'failed' : 'log-only';
    const record: ScheduleRunRecord = {
      runId, schedule: s.name, signature: entry.signature, startedAt: report.startedAt, finishedAt: report.finishedAt, complete,
      ...(baseline !== undefined ? { previousRunId: baseline } : {}),
      hosts: report.summary.hostsResponsive, phones: report.summary.phones, exposed: exposedCount(findings), failing: report.summary.findings.fail,
      unknownDevices: unknownDeviceCount(findings), changes: changes.length + diff.truncated, delivery, attempts: 0,
    };
    this.history.record(record);
    const note = !complete ? `${report.incomplete}; not compared` : baseline === undefined ? 'baseline: no earlier complete run of this schedule to compare with' : undefined;
    this.log({
      schedule: s.name, event: 'run', runId, ...(baseline !== undefined ? { previousRunId: baseline } : {}), complete, hosts: record.hosts, phones: record.phones,
      exposed: record.exposed, failing: record.failing, changes: record.changes, durationMs: this.now() - began, ...(note ? { note } : {}),
    });
    if (aborted) return;
    for (const c of changes) {
      this.log({ schedule: s.name, event: 'change', runId, kind: c.kind, host: c.host, ...(c.mac ? { mac: c.mac } : {}), ...(c.rules ? { rules: c.rules } : {}), detail: c.evidence[0] ?? '' });
    }
    const result: ScheduleRunResult = {
      schedule: s.name, runId, ...(baseline !== undefined ? { previousRunId: baseline } : {}), complete, changes, truncated: diff.truncated, record,
    };
    if (changes.length > 0 && s.webhook && entry.secret) {
      const body = webhookBody({
        event: WEBHOOK_EVENT, schedule: s.name, runId, previousRunId: baseline ?? null, at: report.finishedAt, changes,
        ...(diff.truncated ? { truncated: diff.truncated } : {}),
      });
      const outcome = await deliverWebhook(body, {
        url: s.webhook.url, secret: entry.secret, timeoutMs: s.webhook.timeoutMs, retries: s.webhook.retries, dispatcher: this.dispatcher,
        signal: controller.signal, ...(this.deps.webhook?.baseDelayMs !== undefined ? { baseDelayMs: this.deps.webhook.baseDelayMs } : {}),
        ...(this.deps.webhook?.maxDelayMs !== undefined ? { maxDelayMs: this.deps.webhook.maxDelayMs } : {}),
        ...(this.deps.random ? { random: this.deps.random } : {}),
      });
      const state: DeliveryState = outcome.ok ? 'delivered' : 'failed';
      this.history.setDelivery(runId, state, outcome.attempts);
      record.delivery = state;
      record.attempts = outcome.attempts;
      result.delivery = outcome;
      this.log({
        schedule: s.name, event: 'delivery', runId, deliveryId: outcome.deliveryId, target: redactUrl(s.webhook.url), ok: outcome.ok, attempts: outcome.attempts,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}), ...(outcome.error ? { error: outcome.error } : {}),
      });
    }
    for (const listener of this.listeners) {
      try {
        await listener(result);
      } catch (err) {
        this.log({ schedule: s.name, event: 'run-failed', error: `a run listener failed: ${errorLine(err)}` });
      }
    }
  }
}

function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
}

/** Defence in depth: the auditor masks secrets in evidence already; nothing from the inventory leaves in a payload either. */
function scrubChanges(changes: ScheduleChange[], inventory: Inventory): ScheduleChange[] {
  if (changes.length === 0) return changes;
  const secrets = inventory.allSecrets().filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return changes;
  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
    return out;
  };
  return changes.map((c) => ({ ...c, evidence: c.evidence.map(scrub) }));
}
