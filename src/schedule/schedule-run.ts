/**
 * One run of a schedule: the audit is stored like any audit (AuditRunStore) and tagged with its schedule
 * (the store's scheduleRuns), compared with the schedule's previous complete run over the same targets (changes.ts), logged,
 * and — when something changed and a webhook is configured — POSTed (webhook.ts). The first run of a schedule is its
 * baseline and notifies nothing; a run stopped early (time limit, config reload, server stopping) is recorded incomplete:
 * neither compared nor used as a baseline, so what it saw is reported by the next complete run.
 */
import type { Dispatcher } from 'undici';
import { runAudit, type AuditOptions } from '../auditor/audit.js';
import type { AuditReport } from '../auditor/findings.js';
import type { AuditSchedule } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import type { AuditRunStore } from '../store/store.js';
import { auditChanges, exposedCount, unknownDeviceCount, type ScheduleChange } from './changes.js';
import type { DeliveryState, ScheduleRunRecord, ScheduleRunStore } from '../store/store.js';
import type { ScheduleLogInput } from './log.js';
import type { ScheduleEntry, SchedulerDeps, ScheduleRunResult } from './schedule-types.js';
import { deliverWebhook, redactUrl, webhookBody, WEBHOOK_EVENT } from './webhook.js';

export interface RunContext {
  deps: SchedulerDeps;
  auditStore: AuditRunStore;
  history: ScheduleRunStore;
  dispatcher: Dispatcher;
  /** called after the run, in turn (awaited) */
  listeners: Iterable<(r: ScheduleRunResult) => void | Promise<void>>;
  now: () => number;
  log: (entry: ScheduleLogInput) => void;
}

function auditOptionsOf(s: AuditSchedule, allowed: readonly string[] | undefined): AuditOptions {
  const { maxDurationMinutes, ...probe } = s.options;
  return {
    ...probe,
    targets: [...s.targets],
    exclude: [...s.exclude],
    intrusive: s.options.intrusive ?? false,
    ...(allowed ? { allowed: [...allowed] } : {}),
    ...(maxDurationMinutes !== undefined ? { maxDurationMs: maxDurationMinutes * 60_000 } : {}),
  };
}

export async function runSchedule(entry: ScheduleEntry, ctx: RunContext): Promise<void> {
  const { deps, auditStore, history } = ctx;
  const s = entry.schedule;
  const controller = new AbortController();
  entry.controller = controller;
  const began = ctx.now();
  const inventory = deps.inventory();
  const audit = deps.audit ?? runAudit;
  let report: AuditReport;
  try {
    report = await audit(auditOptionsOf(s, inventory.config.server.auditAllow), {
      ...deps.auditDeps,
      vendors: deps.vendors,
      inventory,
      store: deps.store,
      auditStore,
      signal: controller.signal,
    });
  } catch (err) {
    ctx.log({ schedule: s.name, event: 'run-failed', error: errorLine(err) });
    return;
  }
  const runId = report.runId;
  if (runId === undefined) {
    ctx.log({ schedule: s.name, event: 'run-failed', error: 'the audit finished without being stored' });
    return;
  }
  const findings = await auditStore.findings(runId);
  // stopped by the scheduler (config reload, server stop): incomplete even when the report looks whole — the abort may
  // have landed as the last host finished, and a run that was told to stop is no baseline for the next one
  const aborted = controller.signal.aborted;
  const complete = !report.incomplete && !aborted;
  const baseline = complete ? await history.baseline(s.name, entry.signature, runId) : undefined;
  const diff =
    baseline !== undefined
      ? auditChanges(await auditStore.findings(baseline), findings, { complete, previousRunId: baseline })
      : { changes: [], truncated: 0 };
  const changes = scrubChanges(diff.changes, inventory);
  const delivery: DeliveryState = !complete ? 'skipped' : changes.length === 0 ? 'none' : s.webhook && entry.secret ? 'failed' : 'log-only';
  const record: ScheduleRunRecord = {
    runId,
    schedule: s.name,
    signature: entry.signature,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    complete,
    ...(baseline !== undefined ? { previousRunId: baseline } : {}),
    hosts: report.summary.hostsResponsive,
    phones: report.summary.phones,
    exposed: exposedCount(findings),
    failing: report.summary.findings.fail,
    unknownDevices: unknownDeviceCount(findings),
    changes: changes.length + diff.truncated,
    delivery,
    attempts: 0,
  };
  await history.record(record);
  const note = !complete
    ? `${report.incomplete ?? 'stopped by a config reload or the server stopping'}; not compared`
    : baseline === undefined
      ? 'baseline: no earlier complete run of this schedule to compare with'
      : undefined;
  ctx.log({
    schedule: s.name,
    event: 'run',
    runId,
    ...(baseline !== undefined ? { previousRunId: baseline } : {}),
    complete,
    hosts: record.hosts,
    phones: record.phones,
    exposed: record.exposed,
    failing: record.failing,
    changes: record.changes,
    durationMs: ctx.now() - began,
    ...(note ? { note } : {}),
  });
  if (aborted) return;
  for (const c of changes) {
    ctx.log({
      schedule: s.name,
      event: 'change',
      runId,
      kind: c.kind,
      host: c.host,
      ...(c.mac ? { mac: c.mac } : {}),
      ...(c.rules ? { rules: c.rules } : {}),
      detail: c.evidence[0] ?? '',
    });
  }
  const result: ScheduleRunResult = {
    schedule: s.name,
    runId,
    ...(baseline !== undefined ? { previousRunId: baseline } : {}),
    complete,
    changes,
    truncated: diff.truncated,
    record,
  };
  if (changes.length > 0 && s.webhook && entry.secret) {
    const body = webhookBody({
      event: WEBHOOK_EVENT,
      schedule: s.name,
      runId,
      previousRunId: baseline ?? null,
      at: report.finishedAt,
      changes,
      ...(diff.truncated ? { truncated: diff.truncated } : {}),
    });
    const outcome = await deliverWebhook(body, {
      url: s.webhook.url,
      secret: entry.secret,
      timeoutMs: s.webhook.timeoutMs,
      retries: s.webhook.retries,
      dispatcher: ctx.dispatcher,
      signal: controller.signal,
      ...(deps.webhook?.baseDelayMs !== undefined ? { baseDelayMs: deps.webhook.baseDelayMs } : {}),
      ...(deps.webhook?.maxDelayMs !== undefined ? { maxDelayMs: deps.webhook.maxDelayMs } : {}),
    });
    const state: DeliveryState = outcome.ok ? 'delivered' : 'failed';
    await history.setDelivery(runId, state, outcome.attempts);
    record.delivery = state;
    record.attempts = outcome.attempts;
    result.delivery = outcome;
    ctx.log({
      schedule: s.name,
      event: 'delivery',
      runId,
      deliveryId: outcome.deliveryId,
      target: redactUrl(s.webhook.url),
      ok: outcome.ok,
      attempts: outcome.attempts,
      ...(outcome.status !== undefined ? { status: outcome.status } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
  for (const listener of ctx.listeners) {
    try {
      await listener(result);
    } catch (err) {
      ctx.log({ schedule: s.name, event: 'run-failed', error: `a run listener failed: ${errorLine(err)}` });
    }
  }
}

export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
}

/** Defence in depth: the auditor masks secrets in evidence already; nothing from the inventory leaves in a payload either. */
function scrubChanges(changes: ScheduleChange[], inventory: Inventory): ScheduleChange[] {
  if (changes.length === 0) return changes;
  const masker = inventory.secretMasker();
  return changes.map((c) => ({ ...c, evidence: c.evidence.map((e) => masker.mask(e)) }));
}
