/** The trend of scheduled audits: per schedule, its recent runs' counts, oldest first (dashboard page and JSON API). */
import type { AuditSchedule } from '../model/config-types.js';
import type { ScheduleRunRecord, ScheduleRunStore } from '../store/store.js';

/** One run's counts: the run record without its bookkeeping (signature, previous run, attempts). */
export type TrendPoint = Omit<ScheduleRunRecord, 'schedule' | 'signature' | 'previousRunId' | 'attempts'>;

export interface TrendSeries {
  schedule: string;
  /** still in the configuration (runs of removed schedules stay on record) */
  configured: boolean;
  everySeconds?: number;
  targets?: string[];
  points: TrendPoint[];
}

export const TREND_DEFAULT_LIMIT = 30;

export async function scheduleTrend(
  history: ScheduleRunStore,
  configured: readonly AuditSchedule[],
  options: { schedule?: string; limit?: number } = {},
): Promise<TrendSeries[]> {
  const limit = Math.max(1, Math.min(500, options.limit ?? TREND_DEFAULT_LIMIT));
  const byName = new Map(configured.map((s) => [s.name, s]));
  const names = [...new Set([...configured.map((s) => s.name), ...(await history.schedules())])].filter(
    (n) => options.schedule === undefined || n === options.schedule,
  );
  return Promise.all(
    names.map(async (name) => {
      const s = byName.get(name);
      return {
        schedule: name,
        configured: s !== undefined,
        ...(s ? { everySeconds: s.everySeconds, targets: [...s.targets] } : {}),
        points: (await history.recent(name, limit)).map((r) => ({
          runId: r.runId,
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
          complete: r.complete,
          hosts: r.hosts,
          phones: r.phones,
          exposed: r.exposed,
          failing: r.failing,
          unknownDevices: r.unknownDevices,
          changes: r.changes,
          delivery: r.delivery,
        })),
      };
    }),
  );
}
