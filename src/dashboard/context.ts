/** What the dashboard's routes share: deps, services, and the per-request auth state. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditDeps, AuditOptions } from '../auditor/audit.js';
import type { AuditReport } from '../auditor/findings.js';
import type { AdoptResult, NewDevice } from '../model/config-devices-edit.js';
import type { Inventory } from '../model/inventory.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { RenderService } from '../provisioning/render-service.js';
import type { Store } from '../store/store.js';
import type { AuditChoices } from './audit-choices.js';
import type { AuditRunner } from './audit-runs.js';
import type { LoginLimits, SessionLimits, Session } from './auth.js';
import type { CheckResult } from './check-service.js';
import type { FleetContext } from './device-row.js';
import type { EventInput } from '../provisioning/event-log.js';
import type { ServedSnapshots } from './served-snapshots.js';
import type { TrendSeries } from '../schedule/trend.js';

export interface DashboardOptions {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  /** the runtime's store (state, audit runs, schedule runs, served snapshots) */
  store: Store;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  /** served over HTTPS: Secure and __Host- cookies, HSTS */
  secure: boolean;
  /** the admin password (tests); otherwise loaded from env or <dataDir>/admin-password */
  password?: string;
  /** probe settings for checks and audits: ports, timeouts, allowed ranges */
  auditOptions?: Partial<Omit<AuditOptions, 'targets' | 'intrusive'>>;
  /** the audit entry point and its transports (tests) */
  audit?: (options: AuditOptions, deps: AuditDeps) => Promise<AuditReport>;
  auditDeps?: Partial<Omit<AuditDeps, 'vendors' | 'inventory' | 'store' | 'auditStore' | 'onProgress' | 'signal'>>;
  staleDays?: number;
  sessionLimits?: SessionLimits;
  /** signs CSRF tokens; the same on every replica (derived from the master key) so a form from one posts to another. Absent: random */
  csrfKey?: Buffer;
  loginLimits?: LoginLimits;
  /** the phone app's renderer: sharing its cache makes re-rendering a just-served file (snapshots, fleet page) a lookup */
  renderer?: RenderService;
  /** how often the fetch history is followed for served snapshots; 0 turns it off */
  snapshotIntervalMs?: number;
  /** the server's security-event log (SQLite and events.jsonl); absent (tests): events go to the store alone */
  events?: { emit(input: EventInput): unknown };
  /** adds a device to the configuration file and reloads it (absent: the dashboard cannot adopt phones) */
  adopt?: (device: NewDevice) => AdoptResult;
  now?: () => Date;
  /** the replicas serving this installation and the inventory version (config file hash) each serves */
  replicas?: () => Promise<ReplicaStatus[]>;
  /** what processes and replicas share through (process, workers, postgres), whether it is reachable, who leads */
  coordination?: () => { scope: string; connected: boolean; leader: boolean };
}

export interface ReplicaStatus {
  id: string;
  inventoryVersion: string;
  seenAt: string;
  self: boolean;
}

export interface AuthState {
  via: 'session' | 'basic' | 'token';
  session?: Session;
  /** the API token's id (via 'token') */
  tokenId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    ggAuth: AuthState | null;
  }
  interface FastifyContextConfig {
    /** reachable without logging in (login form, stylesheet) */
    public?: boolean;
  }
}

export interface Dashboard {
  options: DashboardOptions;
  runner: AuditRunner;
  renderer: RenderService;
  snapshots: ServedSnapshots;
  now: () => Date;
  fleet: () => FleetContext;
  /** `source`: the operator's address, for the event when a target is outside server.auditAllow */
  /** `safe`: skip the non-ringing INVITE probe */
  check: (target: string, source: string, options?: { safe?: boolean }) => Promise<CheckResult>;
  /** starts an audit run (see AuditRunner.start); resolves with its id */
  startAudit: (targets: string[], exclude: string[], source: string, choices?: Partial<AuditChoices>) => Promise<number>;
  /** a CSRF token bound to the request's session */
  csrf: (req: FastifyRequest, reply: FastifyReply) => string;
  maskEvents: <T extends { detail?: string; file?: string }>(events: T[]) => T[];
  /** records an operator's security event through the server's event log (SQLite and events.jsonl) */
  securityEvent: (input: EventInput) => void;
  /** scheduled audits' recent runs, per schedule (src/schedule) */
  trend: (options?: { schedule?: string; limit?: number }) => Promise<TrendSeries[]>;
}

export function isApi(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}
