/** What the composition root is given: the config, the vendors, and what tests and `serve` inject. */
import type { Coordination } from '../cluster/coordination.js';
import type { AdminAppOptions } from '../dashboard/admin-app.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { AbuseLimits } from '../provisioning/abuse-guard.js';
import type { ScheduleLog } from '../schedule/log.js';
import type { SchedulerDeps } from '../schedule/schedule-types.js';
import type { FetchRecord, SecurityEvent } from '../store/store.js';

export interface RuntimeOptions {
  configPath: string;
  /** what relative paths in the config resolve against (default: the config file's directory) */
  configBaseDir?: string;
  vendors: readonly VendorAdapter[];
  env?: Readonly<Record<string, string | undefined>>;
  limits?: AbuseLimits;
  logger?: boolean;
  /** the server's own log: every fetch, every security event (refusals, bans, enrolments), every reload */
  serverLog?: ServerLogSink;
  /** override the config's data directory (tests) */
  dataDir?: string;
  /** milliseconds since the epoch; injected by tests that need nonces to expire */
  clock?: () => number;
  /** this process's id among several serving the same data directory (cluster workers) */
  workerId?: number;
  /** this process serves the admin listener and runs the schedules (default: a single process, or cluster worker 1) */
  operator?: boolean;
  /**
   * what this process shares with the others serving the installation (a `serve --workers` worker's IPC); a
   * postgres:// `server.store` overrides it with PostgreSQL, and a lone process needs none (src/cluster/)
   */
  coordination?: Coordination;
  /** dashboard settings for the admin listener: probe ports and timeouts for checks and audits, allowed ranges (tests, labs) */
  admin?: Pick<AdminAppOptions, 'auditOptions' | 'staleDays'>;
  /** scheduled audits' log entries (serve prints them); they also go to <dataDir>/schedules.jsonl */
  scheduleLog?: ScheduleLog;
  /** scheduler settings beside the config's `schedules:` (tests: first-run delay, webhook backoff) */
  scheduler?: Pick<SchedulerDeps, 'firstRunDelayMs' | 'webhook' | 'auditDeps'>;
}

export interface ServerLogSink {
  fetch(record: FetchRecord): void;
  event(event: SecurityEvent): void;
  reload(result: { ok: boolean; devices: number; issues: string[] }): void;
}
