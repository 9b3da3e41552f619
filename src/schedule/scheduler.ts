/**
 * Scheduled audits: one timer per schedule, on a fixed cadence (tick n at anchor + n × every, plus optional jitter).
 * A tick that finds the schedule's previous run still going is skipped and logged, so runs never overlap. What a run
 * does: schedule-run.ts; how a config reload changes the schedules: schedule-config.ts.
 *
 * stop() clears every timer, aborts the runs and deliveries in flight and waits for them to settle.
 */
import type { AuditRunStore, ScheduleRunRecord, ScheduleRunStore } from '../store/store.js';
import { Agent, type Dispatcher } from 'undici';
import type { AuditSchedule } from '../model/config-types.js';
import type { ScheduleLogEntry, ScheduleLogInput } from './log.js';
import { reconcileSchedules } from './schedule-config.js';
import { errorLine, runSchedule } from './schedule-run.js';
import type { ScheduleEntry, SchedulerDeps, ScheduleRunResult } from './schedule-types.js';
import { redactUrl } from './webhook.js';

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

const FIRST_RUN_DELAY_MS = 10_000;

export class AuditScheduler {
  private readonly entries = new Map<string, ScheduleEntry>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly listeners = new Set<(r: ScheduleRunResult) => void | Promise<void>>();
  private readonly auditStore: AuditRunStore;
  readonly history: ScheduleRunStore;
  private readonly dispatcher: Dispatcher;
  private readonly ownDispatcher?: Agent;
  private started = false;
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {
    this.auditStore = deps.store.auditRuns;
    this.history = deps.store.scheduleRuns;
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
   * schedule with a problem does not run, or keeps its previous definition. `allowed`: server.auditAllow.
   */
  update(schedules: readonly AuditSchedule[], allowed?: readonly string[]): string[] {
    if (this.stopped) return [];
    return reconcileSchedules(this.entries, schedules, {
      dataDir: this.deps.dataDir,
      env: this.deps.env,
      started: this.started,
      ...(allowed ? { allowed } : {}),
      log: (entry) => this.log(entry),
      arm: (entry) => this.arm(entry),
      retire: (entry) => this.retire(entry),
    });
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

  status(): Promise<ScheduleStatus[]> {
    return Promise.all(
      [...this.entries.values()].map(async (e) => {
        const last = await this.history.last(e.schedule.name);
        return {
          name: e.schedule.name,
          everySeconds: e.schedule.everySeconds,
          targets: [...e.schedule.targets],
          running: e.running !== undefined,
          ...(e.schedule.webhook ? { webhook: redactUrl(e.schedule.webhook.url) } : {}),
          ...(e.secretFile ? { secretFile: e.secretFile } : {}),
          ...(e.nextAt !== undefined ? { nextRunAt: new Date(e.nextAt).toISOString() } : {}),
          ...(last ? { lastRunId: last.runId } : {}),
        };
      }),
    );
  }

  private retire(entry: ScheduleEntry): void {
    entry.retired = true;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.nextAt = undefined;
    entry.controller?.abort();
  }

  /** First tick: one interval after the schedule's last run on record, or soon when there is none (or it is overdue). */
  private arm(entry: ScheduleEntry): void {
    this.history.last(entry.schedule.name).then(
      (last) => this.armAfter(entry, last),
      (err: unknown) => {
        this.log({ schedule: entry.schedule.name, event: 'run-failed', error: `its last run could not be read: ${errorLine(err)}` });
        this.armAfter(entry, undefined);
      },
    );
  }

  private armAfter(entry: ScheduleEntry, last: ScheduleRunRecord | undefined): void {
    const every = entry.schedule.everySeconds * 1000;
    const now = this.now();
    const soon = now + (this.deps.firstRunDelayMs ?? Math.min(every, FIRST_RUN_DELAY_MS));
    const due = last && last.signature === entry.signature ? Date.parse(last.startedAt) + every : soon;
    entry.anchor = Number.isFinite(due) && due > now ? Math.min(due, now + every) : soon;
    this.setTimer(entry, entry.anchor);
  }

  private setTimer(entry: ScheduleEntry, at: number): void {
    if (entry.retired || this.stopped) return;
    const jitter =
      entry.schedule.jitterSeconds > 0 ? Math.floor((this.deps.random ?? Math.random)() * entry.schedule.jitterSeconds * 1000) : 0;
    entry.nextAt = at + jitter;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.tick(entry), Math.max(0, entry.nextAt - this.now()));
    entry.timer.unref();
  }

  private tick(entry: ScheduleEntry): void {
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
    if (this.deps.leads && !this.deps.leads()) {
      this.log({ schedule: entry.schedule.name, event: 'run-skipped', reason: 'another replica runs the schedules' });
      return;
    }
    const begin = () =>
      runSchedule(entry, {
        deps: this.deps,
        auditStore: this.auditStore,
        history: this.history,
        dispatcher: this.dispatcher,
        listeners: this.listeners,
        now: () => this.now(),
        log: (e) => this.log(e),
      });
    const run = (this.deps.leads ? this.unlessRanElsewhere(entry, every, begin) : begin())
      .catch((err: unknown) => {
        this.log({ schedule: entry.schedule.name, event: 'run-failed', error: errorLine(err) });
      })
      .finally(() => {
        if (entry.running === run) entry.running = undefined;
        this.inflight.delete(run);
      });
    entry.running = run;
    this.inflight.add(run);
  }

  /**
   * Replicas tick on cadences of their own: one that has just taken the schedules over from a dead leader skips a
   * tick coming less than an interval (minus a tenth for timer drift, and the jitter) after the last run on record, so the schedule
   * still runs once per interval across the handover.
   */
  private async unlessRanElsewhere(entry: ScheduleEntry, every: number, begin: () => Promise<unknown>): Promise<void> {
    const last = await this.history.last(entry.schedule.name).catch(() => undefined);
    const sooner = every * 0.9 - entry.schedule.jitterSeconds * 1000;
    if (last && last.signature === entry.signature && this.now() - Date.parse(last.startedAt) < sooner) {
      this.log({ schedule: entry.schedule.name, event: 'run-skipped', reason: 'it ran on another replica less than an interval ago' });
      return;
    }
    await begin();
  }
}
