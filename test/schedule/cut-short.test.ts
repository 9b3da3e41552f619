/**
 * A scheduled run cut short — here by a config reload that changes the schedule while it runs — is never recorded
 * complete nor used as a baseline, even when the auditor's last host finished as the abort landed and its report
 * looks whole: the phone that became exposed during the cut run is still reported by the next complete run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps, AuditOptions } from '../../src/auditor/audit.js';
import type { AuditReport } from '../../src/auditor/findings.js';
import type { AuditSchedule } from '../../src/model/config-types.js';
import type { Runtime } from '../../src/app/runtime.js';
import type { ScheduleLogEntry } from '../../src/schedule/log.js';
import { AuditScheduler } from '../../src/schedule/scheduler.js';
import type { ScheduleRunResult } from '../../src/schedule/schedule-types.js';
import type { StoredFinding } from '../../src/store/audit-store.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const HOST = '127.124.30.1';
const MAC = '001565123001';
let runtime: Runtime;
let dir: string;

beforeAll(async () => {
  ({ runtime, dir } = await startRuntime(fleetYaml([{ mac: '00:15:65:12:30:01', vendor: 'yealink', model: 'T46U' }])));
});
afterAll(async () => {
  await runtime?.close();
});

const phone = (exposed: boolean): StoredFinding[] => [
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
    rule: 'ghost-call',
    state: exposed ? 'rings' : 'refuses',
    severity: 'high',
    evidence: ['INVITE to 100 on udp/5060'],
    fix: [],
  },
];

const schedule = (timeoutMs: number): AuditSchedule => ({
  name: 'nightly',
  targets: [HOST],
  exclude: [],
  everySeconds: 1,
  jitterSeconds: 0,
  options: { timeoutMs },
  index: 0,
});

describe('a scheduled run cut short', () => {
  it('is recorded incomplete and not compared; the next complete run reports the newly exposed phone against the last complete one', async () => {
    const log: ScheduleLogEntry[] = [];
    let abortSeen!: () => void;
    const cutRunAborted = new Promise<void>((r) => (abortSeen = r));
    let calls = 0;
    const audit = async (options: AuditOptions, deps: AuditDeps): Promise<AuditReport> => {
      const n = ++calls;
      const startedAt = new Date();
      const runId = await deps.auditStore!.startRun(startedAt, options.targets);
      if (n === 2) {
        // the run in progress when the config is reloaded: it sees the exposure, then the abort lands as it finishes
        await new Promise<void>((r) => deps.signal!.addEventListener('abort', () => r()));
        abortSeen();
      }
      const findings = phone(n >= 2);
      const summary = {
        hostsPlanned: 1,
        hostsScanned: 1,
        hostsResponsive: 1,
        phones: 1,
        findings: { pass: 2, fail: 0, unknown: 0, unsupported: 0, disabled: 0 },
        failures: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
        ghostCalls: { rings: 0, 'likely-rings': 0, refuses: 0, ignores: 0, unknown: 0 },
      };
      await deps.auditStore!.finishRun(runId, new Date(), summary, findings);
      // no `incomplete`: the report looks whole — only the scheduler knows it stopped this run
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
      };
    };
    const s = new AuditScheduler({
      vendors: VENDORS,
      inventory: () => runtime.config.inventory,
      store: runtime.store,
      dataDir: dir,
      env: {},
      audit,
      log: (e) => log.push(e),
      firstRunDelayMs: 20,
    });
    const results: ScheduleRunResult[] = [];
    s.onRun((r) => void results.push(r));
    try {
      s.update([schedule(300)]);
      s.start();
      const deadline = Date.now() + 20_000;
      while (calls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(results).toHaveLength(1);
      // a config reload changes the schedule (same targets, so the same baseline series): the run in flight is stopped
      s.update([schedule(301)]);
      await cutRunAborted;
      while (results.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const [baseline, next] = results;
      expect(baseline).toMatchObject({ complete: true, changes: [] });
      const runs = log.filter((e) => e.event === 'run');
      expect(runs[1]).toMatchObject({ complete: false });
      expect((await s.history.recent('nightly', 10)).map((r) => r.complete)).toEqual([true, false, true]);
      expect(next).toMatchObject({ complete: true, previousRunId: baseline!.runId });
      expect(next!.changes.map((c) => [c.kind, c.mac])).toEqual([['newly-exposed', MAC]]);
    } finally {
      await s.stop();
    }
  }, 30_000);
});
