/**
 * The operator's side of one server process: the admin listener (dashboard and JSON API) and the audit scheduler,
 * assembled from the pieces the composition root already built. Only the cluster's operator process has them.
 */
import { join } from 'node:path';
import type { Coordination } from '../cluster/coordination.js';
import { buildAdminApp, type AdminAppOptions } from '../dashboard/admin-app.js';
import type { ModelCatalogue } from '../model/config-parse.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { ConfigSource } from '../provisioning/config-source.js';
import { ConnectionGate, shedEvents, type ConnectionLimits } from '../provisioning/connection-gate.js';
import type { EventLog } from '../provisioning/event-log.js';
import type { RenderService } from '../provisioning/render-service.js';
import type { TlsMaterial } from '../provisioning/tls.js';
import { ScheduleLogFile, type ScheduleLog } from '../schedule/log.js';
import type { SchedulerDeps } from '../schedule/schedule-types.js';
import { AuditScheduler } from '../schedule/scheduler.js';
import type { Store } from '../store/store.js';
import { adoptDevice } from './adopt.js';

export interface OperatorParts {
  vendors: readonly VendorAdapter[];
  catalogue: ModelCatalogue;
  source: ConfigSource;
  store: Store;
  events: EventLog;
  renderer: RenderService;
  coordination: Coordination;
  /** signs the dashboard's CSRF tokens: derived from the master key, so every replica and worker accepts the others' */
  csrfKey: Buffer;
  tls: TlsMaterial | undefined;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  logger?: boolean;
  admin?: Pick<AdminAppOptions, 'auditOptions' | 'staleDays'>;
  scheduleLog?: ScheduleLog;
  scheduler?: Pick<SchedulerDeps, 'firstRunDelayMs' | 'webhook' | 'auditDeps'>;
}

/**
 * The admin listener's own connection caps: an operator's browser holds a handful of connections, so these are small,
 * and well inside the open-file reserve the phone listeners leave free (FD_RESERVE). Without them, idle connections to
 * the admin port from one address used up every descriptor of the process and every phone's connection failed.
 */
const ADMIN_CONNECTION_LIMITS: ConnectionLimits = { perAddress: 32, total: 256, idleMs: 10_000 };

export interface Operator {
  adminApp: ReturnType<typeof buildAdminApp>;
  scheduler: AuditScheduler;
  scheduleLogFile: ScheduleLogFile;
}

export function buildOperator(p: OperatorParts): Operator {
  const adminApp = buildAdminApp({
    vendors: p.vendors,
    inventory: () => p.source.inventory,
    store: p.store,
    events: p.events,
    renderer: p.renderer,
    replicas: () => p.coordination.replicas(),
    coordination: () => p.coordination.status(),
    dataDir: p.dataDir,
    env: p.env,
    csrfKey: p.csrfKey,
    logger: p.logger,
    ...p.admin,
    adopt: (device) => adoptDevice(p.source, p.catalogue, device),
    ...(p.tls ? { https: { cert: p.tls.cert, key: p.tls.key } } : {}),
  });
  const gate = new ConnectionGate(
    ADMIN_CONNECTION_LIMITS,
    shedEvents((source, detail) => p.events.emit({ reason: 'connection-limit', source, detail: `admin listener: ${detail}` })),
    undefined,
  );
  gate.watch(adminApp.server);
  adminApp.addHook('preClose', (done) => {
    gate.shutdown();
    done();
  });
  const scheduleLogFile = new ScheduleLogFile(join(p.dataDir, 'schedules.jsonl'));
  const scheduler = new AuditScheduler({
    vendors: p.vendors,
    inventory: () => p.source.inventory,
    store: p.store,
    dataDir: p.dataDir,
    env: p.env,
    ...p.scheduler,
    leads: () => p.coordination.isLeader(),
    log: (entry) => {
      scheduleLogFile.write(entry);
      p.scheduleLog?.(entry);
    },
  });
  return { adminApp, scheduler, scheduleLogFile };
}
