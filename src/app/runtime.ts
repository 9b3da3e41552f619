/**
 * The composition root of the server: from a config file and the vendor list, assembles state, event log, guards,
 * renderer, the phone-facing fastify app(s), the operator app and the audit scheduler. Only the CLI imports it.
 */
import type { Store } from '../store/store.js';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { formatIssue } from '../model/config-issues.js';
import { catalogueOf } from '../model/model-catalogue.js';
import { AbuseGuard } from '../provisioning/abuse-guard.js';
import type { ConnectionGate } from '../provisioning/connection-gate.js';
import { ConfigSource, readConfig } from '../provisioning/config-source.js';
import type { NonceAuthority } from '../provisioning/digest.js';
import type { EventLog } from '../provisioning/event-log.js';
import { guardLimits } from '../provisioning/limits.js';
import { DEFAULT_RENDER_CACHE_MB, RenderService } from '../provisioning/render-service.js';
import { loadTls, type TlsMaterial } from '../provisioning/tls.js';
import { loadStockFiles, type StockFiles } from '../provisioning/stock-files.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import { GhostguardError } from '../model/errors.js';
import { buildOperator } from './operator.js';
import { buildPhoneListeners } from './phone-listeners.js';
import type { RuntimeOptions } from './runtime-options.js';
import { openStateAtRest } from './state-at-rest.js';
import { chooseCoordination } from './coordination-choice.js';
import type { Coordination } from '../cluster/coordination.js';
import type { AuditScheduler } from '../schedule/scheduler.js';
import type { ScheduleLogFile } from '../schedule/log.js';

/** What replicas compare: the configuration file's sha256, first 16 hex digits ('' when unreadable). */
function configFileVersion(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  } catch {
    return '';
  }
}

export class Runtime {
  readonly app: FastifyInstance;
  readonly plainApp?: FastifyInstance;
  /** the operator listener (dashboard, JSON API); only in the cluster's operator worker. Listens only via listenAdmin(). */
  adminApp?: FastifyInstance;
  /** the config's `schedules:`; like adminApp, only in the cluster's operator worker. Runs once listen() is called. */
  scheduler?: AuditScheduler;
  private scheduleLogFile?: ScheduleLogFile;
  private leaveGuard?: () => void;
  readonly renderer: RenderService;
  /** issues and checks the Digest nonces of every phone listener of this process */
  readonly nonces: NonceAuthority;
  /** connection caps and idle timeouts over every phone listener of this process */
  readonly gate: ConnectionGate;
  /** server.stockFiles, read again with every inventory */
  private stock: StockFiles;
  private readonly vendors: readonly VendorAdapter[];

  private constructor(
    masterKey: Buffer,
    readonly config: ConfigSource,
    readonly store: Store,
    readonly events: EventLog,
    readonly tls: TlsMaterial | undefined,
    options: RuntimeOptions,
    readonly guard: AbuseGuard,
    readonly coordination: Coordination,
  ) {
    const settings = config.inventory.config.server;
    this.stock = loadStockFiles(settings.stockFiles, options.vendors);
    this.vendors = options.vendors;
    this.renderer = new RenderService((settings.renderCacheMb ?? DEFAULT_RENDER_CACHE_MB) * 1024 * 1024);
    guard.onSpread = (a) =>
      events.emit({
        reason: 'distributed-guessing',
        detail: `${a.guesses} refused requests not paid back by an authenticated fetch from ${a.subnets} networks in ${a.windowMs / 60_000} min; the busiest, ${a.busiest.subnet}, sent ${a.busiest.guesses}`,
      });
    const phone = buildPhoneListeners({
      masterKey,
      config,
      store,
      events,
      tls,
      guard,
      coordination,
      renderer: this.renderer,
      stockFiles: () => this.stock,
      options,
    });
    this.nonces = phone.nonces;
    this.gate = phone.gate;
    this.app = phone.app;
    if (phone.plainApp) this.plainApp = phone.plainApp;
  }

  static async create(options: RuntimeOptions): Promise<Runtime> {
    const env = options.env ?? process.env;
    const catalogue = catalogueOf(options.vendors);
    const first = readConfig(options.configPath, catalogue, options.configBaseDir);
    if (!first.config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, first.issues.map(formatIssue));
    const { dataDir, store, events, masterKey } = await openStateAtRest(options, first.config.server, env);
    let source: ConfigSource | undefined;
    source = new ConfigSource(
      options.configPath,
      {
        catalogue,
        ...(options.configBaseDir ? { baseDir: options.configBaseDir } : {}),
        masterKey,
        env,
      },
      (result) => {
        options.serverLog?.reload({
          ok: result.ok,
          devices: source?.inventory.devices.length ?? 0,
          issues: result.issues.map(formatIssue),
        });
        if (!result.ok) events.emit({ reason: 'config-reload-failed', detail: result.issues.map(formatIssue).join('; ') });
        else if (source)
          runtime
            .onInventoryChange()
            .catch((err: unknown) => process.stderr.write(`ghostguard: after a reload: ${(err as Error).message}\n`));
      },
      first.config,
    );
    const settings = { ...source.inventory.config.server, dataDir };
    const tls = await loadTls(settings);
    const limits = options.limits ?? guardLimits(settings);
    const guard = new AbuseGuard(limits, options.clock);
    const coordination = await chooseCoordination({
      settings,
      masterKey,
      limits,
      env,
      given: options.coordination,
      warn: (message) => process.stderr.write(`ghostguard: ${message}\n`),
    }).catch(async (err: unknown) => {
      source?.close();
      await events.close();
      await store.close();
      throw err;
    });
    const runtime = new Runtime(masterKey, source, store, events, tls, options, guard, coordination);
    runtime.leaveGuard = coordination.shareGuard(guard, (address) =>
      events.emit({
        reason: 'banned',
        source: address,
        detail: coordination.scope === 'workers' ? 'counted across all worker processes' : 'counted across all replicas',
      }),
    );
    coordination.onInventoryMismatch((replicas) =>
      events.emit({
        reason: 'inventory-mismatch',
        detail: replicas.map((r) => `${r.id} serves ${r.inventoryVersion}`).join('; '),
      }),
    );
    await runtime.onInventoryChange();
    if (options.operator ?? (options.workerId ?? 0) <= 1) {
      const operator = buildOperator({
        vendors: options.vendors,
        catalogue,
        source,
        store,
        events,
        renderer: runtime.renderer,
        coordination,
        csrfKey: createHmac('sha256', masterKey).update('dashboard-csrf').digest(),
        tls,
        dataDir,
        env,
        logger: options.logger,
        admin: options.admin,
        scheduleLog: options.scheduleLog,
        scheduler: options.scheduler,
      });
      runtime.adminApp = operator.adminApp;
      runtime.scheduler = operator.scheduler;
      runtime.scheduleLogFile = operator.scheduleLogFile;
      const problems = runtime.scheduler.update(source.inventory.config.schedules, source.inventory.config.server.auditAllow);
      if (problems.length > 0) {
        await runtime.close();
        throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, problems);
      }
    }
    return runtime;
  }

  /** New devices get their enrolment window; the event log learns the secrets it must scrub. */
  async onInventoryChange(): Promise<void> {
    const inventory = this.config.inventory;
    const hours = inventory.config.server.enrolmentWindowHours;
    try {
      this.stock = loadStockFiles(inventory.config.server.stockFiles, this.vendors);
    } catch (err) {
      // a reload goes on without the directory's new state: the files read last are still served
      process.stderr.write(`ghostguard: after a reload: ${(err as Error).message}\n`);
    }
    this.renderer.clear();
    this.scheduler?.update(inventory.config.schedules, inventory.config.server.auditAllow);
    await this.store.openMissingEnrolments(
      inventory.devices.map((d) => d.mac),
      new Date(Date.now() + hours * 3600_000),
    );
    const generations = new Map(
      await Promise.all(inventory.devices.map(async (d) => [d.mac, await this.store.credentials(d.mac)] as const)),
    );
    this.events.setMasker(inventory.secretMasker(generations));
    this.coordination.publishInventory(configFileVersion(this.config.path));
  }

  async listen(host?: string, port?: number): Promise<string[]> {
    const s = this.config.inventory.config.server;
    const urls = [await this.app.listen({ host: host ?? s.host, port: port ?? s.port })];
    if (this.plainApp) urls.push(await this.plainApp.listen({ host: host ?? s.host, port: s.plainPort! }));
    this.scheduler?.start();
    return urls;
  }

  /** The operator listener on server.adminHost/adminPort (or the given ones); undefined when this process has none. */
  async listenAdmin(host?: string, port?: number): Promise<string | undefined> {
    const s = this.config.inventory.config.server;
    return this.adminApp?.listen({ host: host ?? s.adminHost, port: port ?? s.adminPort });
  }

  async close(): Promise<void> {
    this.config.close();
    this.leaveGuard?.();
    await this.scheduler?.stop();
    await this.scheduleLogFile?.close();
    // idle connections would otherwise hold server.close() until each one times out
    this.gate.shutdown();
    await this.app.close();
    await this.plainApp?.close();
    await this.adminApp?.close();
    // before the event log: a ban announced by the others after it closed would write to an ended stream
    await this.coordination.close();
    await this.events.close();
    await this.store.close();
  }
}
