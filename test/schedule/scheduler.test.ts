/**
 * The scheduler with a scripted auditor (runs stored like runAudit stores them): cadence, baseline, one webhook per
 * changed run, no overlapping runs, reconfiguration, restarts, and a clean stop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditDeps, AuditOptions } from '../../src/auditor/audit.js';
import type { AuditReport } from '../../src/auditor/findings.js';
import type { AuditSchedule } from '../../src/model/config-types.js';
import type { Runtime } from '../../src/app/runtime.js';
import type { ScheduleLogEntry } from '../../src/schedule/log.js';
import { AuditScheduler } from '../../src/schedule/scheduler.js';
import type { ScheduleRunResult, SchedulerDeps } from '../../src/schedule/schedule-types.js';
import { verifySignature } from '../../src/schedule/webhook.js';
import type { StoredFinding } from '../../src/store/store.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { Receiver } from './receiver.js';

const SECRET = 'scheduler-test-secret-0123456789';
const HOST = '127.0.94.21';
const MAC = '001565940021';
let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  ({ runtime, dir } = await startRuntime(fleetYaml([{ mac: '00:15:65:94:00:21', vendor: 'yealink', model: 'T46U' }])));
});
afterAll(async () => {
  await runtime?.close();
});

const phone = (trusted: string): StoredFinding[] => [
  {
    host: HOST,
    mac: MAC,
    vendor: 'yealink',
    model: 'T46U',
    rule: 'device-inventory',
    state: 'pass',
    severity: 'high',
    evidence: [],
    fix: [],
  },
  {
    host: HOST,
    mac: MAC,
    vendor: 'yealink',
    model: 'T46U',
    rule: 'sip-trusted-only',
    state: trusted,
    severity: 'critical',
    evidence: ['OPTIONS from the auditor answered 200'],
    fix: [],
  },
  {
    host: HOST,
    mac: MAC,
    vendor: 'yealink',
    model: 'T46U',
    rule: 'ghost-call',
    state: trusted === 'fail' ? 'likely-rings' : 'refuses',
    severity: 'high',
    evidence: ['INVITE to 100 on udp/5060 drew 420 Bad Extension'],
    fix: [],
  },
];

/** An auditor whose n-th call waits for `gate(n)` (if any), then stores `script(n)` as the run's findings. */
function scripted(script: (n: number) => StoredFinding[], gate?: (n: number, signal: AbortSignal) => Promise<void>) {
  const calls: AuditOptions[] = [];
  const audit = async (options: AuditOptions, deps: AuditDeps): Promise<AuditReport> => {
    const n = calls.push(options);
    const startedAt = new Date();
    const runId = await deps.auditStore!.startRun(startedAt, options.targets);
    await gate?.(n, deps.signal!);
    const findings = script(n);
    const fail = findings.filter((f) => f.state === 'fail').length;
    const summary = {
      hostsPlanned: 1,
      hostsScanned: 1,
      hostsResponsive: 1,
      phones: 1,
      findings: { pass: findings.length - fail, fail, unknown: 0, unsupported: 0, disabled: 0 },
      failures: { info: 0, low: 0, medium: 0, high: 0, critical: fail },
      ghostCalls: { rings: 0, 'likely-rings': 0, refuses: 0, ignores: 0, unknown: 0 },
    };
    await deps.auditStore!.finishRun(runId, new Date(), summary, findings);
    return {
      format: 'ghostguard-audit',
      version: 1,
      runId,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      targets: options.targets,
      exclude: [],
      options: {},
      summary,
      hosts: [],
      ...(deps.signal?.aborted ? { incomplete: 'aborted' } : {}),
    };
  };
  return { audit, calls };
}

function schedule(name: string, url?: string, extra: Partial<AuditSchedule> = {}): AuditSchedule {
  return {
    name,
    targets: ['127.0.94.21'],
    exclude: [],
    everySeconds: 1,
    jitterSeconds: 0,
    options: { timeoutMs: 300 },
    index: 0,
    ...(url ? { webhook: { url, secret: { kind: 'literal', value: SECRET }, timeoutMs: 2000, retries: 2 } } : {}),
    ...extra,
  };
}

function scheduler(audit: SchedulerDeps['audit'], log: ScheduleLogEntry[], env: Record<string, string> = {}): AuditScheduler {
  return new AuditScheduler({
    vendors: VENDORS,
    inventory: () => runtime.config.inventory,
    store: runtime.store,
    dataDir: dir,
    env,
    audit,
    log: (e) => log.push(e),
    firstRunDelayMs: 20,
    webhook: { baseDelayMs: 10, maxDelayMs: 50 },
  });
}

/**
 * Cadence tests run on fake timers (setTimeout and Date only): time passes in advanceTimersByTimeAsync, not in real
 * waits. A real turn of the event loop between steps lets the store's I/O complete.
 */
const useFakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
afterEach(() => {
  vi.useRealTimers();
});

async function advance(ms: number, step = 100): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, left));
    await new Promise((r) => setImmediate(r));
  }
}

/** advances the fake clock until `promise` settles (at most `limitMs` of fake time) */
async function advanceUntil<T>(promise: Promise<T>, limitMs = 10_000): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => (settled = true));
  for (let t = 0; t < limitMs && !settled; t += 100) await advance(100);
  return watched;
}

const nextRun = (s: AuditScheduler, count = 1): Promise<ScheduleRunResult[]> =>
  new Promise((done) => {
    const got: ScheduleRunResult[] = [];
    const off = s.onRun((r) => {
      got.push(r);
      if (got.length === count) {
        off();
        done(got);
      }
    });
  });

describe('AuditScheduler', () => {
  it('baseline first, then exactly one signed webhook for the run that changed, nothing for the run after', async () => {
    const receiver = await Receiver.start([502], 200);
    const log: ScheduleLogEntry[] = [];
    const { audit, calls } = scripted((n) => phone(n === 1 ? 'pass' : 'fail'));
    const s = scheduler(audit, log);
    try {
      expect(s.update([schedule('cadence', receiver.url)])).toEqual([]);
      s.start();
      const [first, second, third] = await nextRun(s, 3);
      expect(first).toMatchObject({ schedule: 'cadence', complete: true, changes: [], record: { delivery: 'none' } });
      expect(first!.previousRunId).toBeUndefined();
      expect(second).toMatchObject({
        previousRunId: first!.runId,
        record: { exposed: 1, changes: 1, delivery: 'delivered', attempts: 2 },
        delivery: { ok: true, attempts: 2 },
      });
      expect(second!.changes).toEqual([
        {
          kind: 'newly-exposed',
          host: HOST,
          mac: MAC,
          vendor: 'yealink',
          model: 'T46U',
          rules: ['ghost-call', 'sip-trusted-only'],
          evidence: [
            'ghost call: refuses in run #' + first!.runId + ', likely-rings now',
            'INVITE to 100 on udp/5060 drew 420 Bad Extension',
          ],
        },
      ]);
      expect(third).toMatchObject({ previousRunId: second!.runId, changes: [], record: { delivery: 'none' } });
      expect(third!.delivery).toBeUndefined();
      // 502 then 200: one delivery, two attempts
      expect(receiver.received.map((r) => r.status)).toEqual([502, 200]);
      const ok = receiver.received[1]!;
      expect(
        verifySignature(SECRET, ok.headers['x-ghostguard-timestamp'] as string, ok.headers['x-ghostguard-signature'] as string, ok.body),
      ).toBe(true);
      expect(JSON.parse(ok.body)).toMatchObject({
        event: 'ghostguard.audit.changes',
        schedule: 'cadence',
        runId: second!.runId,
        previousRunId: first!.runId,
        changes: second!.changes,
      });
      // runs start on the interval's grid: one interval apart, or two when a loaded machine made run 2 overrun a tick
      expect(calls[0]!).toMatchObject({ targets: ['127.0.94.21'], exclude: [], timeoutMs: 300, intrusive: false });
      const starts = [first, second, third].map((r) => Date.parse(r!.record.startedAt));
      const gap = starts[2]! - starts[1]!;
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(Math.abs(gap - 1000 * Math.max(1, Math.round(gap / 1000)))).toBeLessThan(400);
      // the log: runs, the change and the delivery, without the secret or the webhook's path
      const text = JSON.stringify(log);
      expect(log.filter((e) => e.event === 'change')).toMatchObject([
        { kind: 'newly-exposed', host: HOST, mac: MAC, rules: ['ghost-call', 'sip-trusted-only'] },
      ]);
      expect(log.filter((e) => e.event === 'delivery')).toMatchObject([
        { ok: true, attempts: 2, status: 200, target: receiver.url.replace(/\/hooks.*/, '/…') },
      ]);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('path-secret-123');
    } finally {
      await s.stop();
      await receiver.close();
    }
  });

  it('never overlaps runs: a tick during a long run is skipped; stop() aborts the run, clears the timers and waits', async () => {
    useFakeClock();
    const log: ScheduleLogEntry[] = [];
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { audit, calls } = scripted(
      () => phone('pass'),
      async (n, signal) => {
        if (n === 1) await Promise.race([released, new Promise((r) => signal.addEventListener('abort', r))]);
      },
    );
    const s = scheduler(audit, log);
    s.update([schedule('slow')]);
    s.start();
    await advance(2600);
    expect(calls).toHaveLength(1);
    expect(log.filter((e) => e.event === 'run-skipped').length).toBeGreaterThanOrEqual(2);
    expect(await s.status()).toMatchObject([{ name: 'slow', running: true }]);
    const stopping = s.stop();
    await stopping;
    release();
    // the aborted run is recorded as stopped early, and nothing runs any more
    expect(log.filter((e) => e.event === 'run')).toMatchObject([{ complete: false }]);
    await advance(1300);
    expect(calls).toHaveLength(1);
    expect(await s.status()).toEqual([]);
  });

  it('reconfigures: unchanged schedules keep running, changed ones restart, removed ones stop; an unset env secret is a problem', async () => {
    useFakeClock();
    const log: ScheduleLogEntry[] = [];
    const { audit, calls } = scripted(() => phone('pass'));
    const s = scheduler(audit, log, { PRESENT: SECRET });
    try {
      const withEnv = {
        ...schedule('hooked', 'http://127.0.0.1:9/x'),
        webhook: { url: 'http://127.0.0.1:9/x', secret: { kind: 'env' as const, name: 'MISSING' }, timeoutMs: 1000, retries: 0 },
      };
      expect(s.update([schedule('a'), schedule('b'), withEnv])).toEqual([
        'schedules[0] (hooked): webhook.secret: environment variable MISSING is not set',
      ]);
      expect((await s.status()).map((x) => x.name)).toEqual(['a', 'b']);
      s.start();
      await advanceUntil(nextRun(s, 2));
      expect(s.update([schedule('a'), schedule('b', undefined, { everySeconds: 3600 })])).toEqual([]);
      const b = (await s.status()).find((x) => x.name === 'b')!;
      // b changed: restarted on its new cadence, one interval after its last run
      expect(Date.parse(b.nextRunAt!) - Date.now()).toBeGreaterThan(3500_000);
      expect(s.update([schedule('b', undefined, { everySeconds: 3600 })])).toEqual([]);
      const before = calls.length;
      await advance(1300);
      expect(calls.length).toBe(before);
      expect(log.filter((e) => e.event === 'schedule-error')).toEqual([]);
      // after start (a config reload), the problem goes to the log
      expect(s.update([schedule('b', undefined, { everySeconds: 3600 }), withEnv])).toHaveLength(1);
      expect(log.filter((e) => e.event === 'schedule-error')).toMatchObject([
        { schedule: 'hooked', error: 'webhook.secret: environment variable MISSING is not set; not started' },
      ]);
      expect((await s.status()).map((x) => x.name)).toEqual(['b']);
    } finally {
      await s.stop();
    }
  });

  it('compares across restarts with the last complete run on record, and waits out the interval after it', async () => {
    useFakeClock();
    const log: ScheduleLogEntry[] = [];
    const first = scheduler(scripted(() => phone('pass')).audit, log);
    first.update([schedule('restart', undefined, { everySeconds: 2 })]);
    first.start();
    const [baseline] = await advanceUntil(nextRun(first));
    await first.stop();
    const second = scheduler(scripted(() => phone('fail')).audit, log);
    try {
      second.update([schedule('restart', undefined, { everySeconds: 2 })]);
      second.start();
      const due = Date.parse((await second.status())[0]!.nextRunAt!) - Date.parse(baseline!.record.startedAt);
      expect(due).toBe(2000);
      const [after] = await advanceUntil(nextRun(second));
      expect(after).toMatchObject({ previousRunId: baseline!.runId, record: { delivery: 'log-only', changes: 1 } });
      expect(after!.changes.map((c) => c.kind)).toEqual(['newly-exposed']);
    } finally {
      await second.stop();
    }
  });
});
