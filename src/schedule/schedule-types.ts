/** What the scheduler, its config reconciliation and its runs share: the dependencies, a schedule's live state, a run's result. */
import type { Dispatcher } from 'undici';
import type { AuditDeps, AuditOptions } from '../auditor/audit.js';
import type { AuditReport } from '../auditor/findings.js';
import type { AuditSchedule } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { Store } from '../store/store.js';
import type { ScheduleChange } from './changes.js';
import type { ScheduleRunRecord } from '../store/store.js';
import type { ScheduleLog } from './log.js';
import type { DeliveryResult } from './webhook.js';

export interface SchedulerDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  /** fetch history for the auditor, audit runs and the schedules' runs */
  store: Pick<Store, 'fetchHistory' | 'lastFetchBySource' | 'credentials' | 'auditRuns' | 'scheduleRuns'>;
  /** where generated webhook secrets are kept */
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  log?: ScheduleLog;
  /** the audit entry point (tests) */
  audit?: (options: AuditOptions, deps: AuditDeps) => Promise<AuditReport>;
  auditDeps?: Partial<Omit<AuditDeps, 'vendors' | 'inventory' | 'store' | 'auditStore' | 'signal'>>;
  webhook?: { dispatcher?: Dispatcher; baseDelayMs?: number; maxDelayMs?: number };
  /** false while another process or replica runs the schedules (a tick then runs nothing); default: always leads */
  leads?: () => boolean;
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

/** One configured schedule and its timer. */
export interface ScheduleEntry {
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
