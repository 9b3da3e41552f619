/** `ghostguard serve`: the provisioning server; reloads on SIGHUP or file change and keeps the last valid config. */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { adminPasswordInfo } from '../../dashboard/admin-app.js';
import { formatIssue } from '../../model/config-issues.js';
import { Runtime } from '../../app/runtime.js';
import type { RuntimeOptions } from '../../app/runtime-options.js';
import type { ReloadResult } from '../../provisioning/config-source.js';
import { guardLimits } from '../../provisioning/limits.js';
import { loadTls } from '../../provisioning/tls.js';
import { prepareStateDatabase, stateDatabasePath } from '../../store/sqlite-open.js';
import { formatDuration, formatScheduleLog } from '../../schedule/log.js';
import { chooseConfig, type ConfigOptions } from '../config-choice.js';
import { GhostguardError } from '../../model/errors.js';
import { LOG_FORMATS, serverLog, type LogFormat } from '../server-log.js';
import { loadConfig, masterKeyFor, vendors, type LoadedConfig } from '../context.js';
import { EXIT, type CliIo } from '../io.js';
import { WorkerCoordination } from '../../cluster/worker-coordination.js';
import { forwardSignal, REPLACEMENT_ENV, ROLE_ENV, startCluster } from './serve-cluster.js';

export interface ServeOptions extends ConfigOptions {
  host?: string;
  port?: number;
  /** stop by itself after this many seconds (demos, tests) */
  duration?: number;
  /** `--log` (readable lines) or `--log json` */
  log?: boolean | string;
  /** server processes sharing the listener (node:cluster); 1 = this process only */
  workers?: number;
}

function logFormat(option: boolean | string | undefined): LogFormat | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return 'pretty';
  if (!(LOG_FORMATS as readonly string[]).includes(option))
    throw new GhostguardError('GG_ERR_USAGE', `--log takes ${LOG_FORMATS.join(' or ')} (got "${option}")`);
  return option as LogFormat;
}

/** The config the server will use, and its master key (made now, after a warning if older state sits elsewhere). */
function preflight(options: ConfigOptions, io: CliIo): LoadedConfig {
  const loaded = loadConfig(options, io);
  masterKeyFor(loaded, io);
  return loaded;
}

export async function startServer(
  options: ServeOptions,
  io: CliIo,
  worker?: Pick<RuntimeOptions, 'workerId' | 'operator' | 'coordination'>,
): Promise<{ runtime: Runtime; urls: string[] }> {
  boundHeapGrowth();
  const choice = worker === undefined ? preflight(options, io).choice : chooseConfig(options, io);
  const format = logFormat(options.log);
  const runtime = await Runtime.create({
    configPath: choice.path,
    configBaseDir: choice.baseDir,
    vendors,
    env: io.env,
    logger: format === 'json',
    ...(format ? { serverLog: serverLog(format, (line) => io.out(`${line}\n`)) } : {}),
    ...worker,
    scheduleLog: (entry) => io.err(`${formatScheduleLog(entry)}\n`),
  });
  collectGarbage();
  try {
    const urls = await runtime.listen(options.host, options.port);
    await runtime.listenAdmin();
    return { runtime, urls };
  } catch (err) {
    // a port already taken: release what did start (listeners, state, writer thread) so the process can exit
    await runtime.close();
    throw err;
  }
}

/**
 * How far V8 lets the old space grow past what the last full collection found live before it collects again. Its own
 * choice (up to 4×) suits short commands; a server that runs for months with 50–90 MB live would sit at 140–160 MB
 * of heap at 20,000 devices, garbage mostly. 25 %: a full collection every few seconds of a storm, each mostly
 * incremental.
 */
const HEAP_GROWING_PERCENT = 25;

/**
 * Bounds the heap to its live size plus HEAP_GROWING_PERCENT from the start, while the config is read: with 50,000
 * devices its parse trees are the largest garbage the process makes (it is read twice: to find the data directory,
 * then by the runtime). V8 reads the flag at every full collection, so setting it now takes effect.
 */
function boundHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/** One full collection before the first phone is answered, so that the storm starts from what is live. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function describe(runtime: Runtime, urls: string[], workers: number, io: CliIo): Promise<void> {
  const s = runtime.config.inventory.config.server;
  io.out(
    `ghostguard serving ${runtime.config.path}\n  phones: ${urls.join(' , ')}${workers > 1 ? ` (${workers} workers)` : ''}\n  data:   ${s.dataDir}\n  devices: ${runtime.config.inventory.devices.length}\n`,
  );
  const adminUrl = runtime.adminApp?.server.listening ? adminUrlOf(runtime) : undefined;
  if (adminUrl) {
    const pw = adminPasswordInfo(runtime.adminApp!);
    const how =
      pw?.source === 'env'
        ? 'password from $GHOSTGUARD_ADMIN_PASSWORD'
        : pw?.created
          ? `user admin, password ${pw.password} (shown once; kept in ${pw.path})`
          : `user admin, password in ${pw?.path}`;
    io.out(`  admin:  ${adminUrl} (${how})${s.adminAllow ? `; answers only ${s.adminAllow.join(' ')}` : ''}\n`);
  }
  const schedules = (await runtime.scheduler?.status()) ?? [];
  if (schedules.length > 0) {
    io.out(
      `  schedules: ${schedules.map((s) => `${s.name} every ${formatDuration(s.everySeconds)} on ${s.targets.join(' ')}, ${s.webhook ? `webhook ${s.webhook}${s.secretFile ? ` (secret in ${s.secretFile})` : ''}` : 'log only'}`).join('; ')}\n`,
    );
  }
  if (adminUrl || schedules.length > 0) {
    io.out(
      `  audits: ${s.auditAllow ? `limited to ${s.auditAllow.join(' ')}` : 'any range (set server.auditAllow to limit what the dashboard and schedules may scan)'}\n`,
    );
  }
  if (runtime.tls) io.out(`  certificate: ${runtime.tls.certPath} (give this CA to phones that must verify the server)\n`);
}

function adminUrlOf(runtime: Runtime): string {
  const a = runtime.adminApp!.server.address() as AddressInfo;
  return `${runtime.tls ? 'https' : 'http'}://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM) or the duration is over. */
function stopSignal(duration: number | undefined): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
    if (duration) setTimeout(done, duration * 1000).unref();
  });
}

export async function serveCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const workers = options.workers ?? 1;
  if (workers > 1 && cluster.isPrimary) return servePrimary(workers, options, io);
  const inCluster = cluster.isWorker;
  const operator = !inCluster || io.env[ROLE_ENV] === 'operator';
  const worker = inCluster ? { workerId: cluster.worker!.id, operator, coordination: new WorkerCoordination(operator) } : undefined;
  const { runtime, urls } = await startServer(options, io, worker).catch((err: unknown) => {
    // a worker stays alive while its channel to the primary is open; the primary learns of the failure from its exit
    if (inCluster) cluster.worker!.disconnect();
    throw err;
  });
  if (inCluster && process.connected) process.send!({ ready: urls }, undefined, {}, () => {});
  if (operator && !io.env[REPLACEMENT_ENV]) await describe(runtime, urls, workers, io);
  const reported = (r: ReloadResult) =>
    io.err(
      r.ok
        ? 'configuration reloaded\n'
        : `configuration invalid, still serving the previous one:\n${r.issues.map(formatIssue).join('\n')}\n`,
    );
  runtime.config.watch(reported);
  const onHup = () => void runtime.config.reloadInBackground().then(reported);
  process.on('SIGHUP', onHup);
  await stopSignal(inCluster ? undefined : options.duration);
  process.off('SIGHUP', onHup);
  await runtime.close();
  if (inCluster) {
    if (cluster.worker!.isConnected()) cluster.worker!.disconnect();
  } else {
    io.out('stopped\n');
  }
  return EXIT.ok;
}

/** Primary of a worker cluster: prepares shared files once, then runs the workers (serve-cluster.ts) until stopped. */
async function servePrimary(workers: number, options: ServeOptions, io: CliIo): Promise<number> {
  const { config } = preflight(options, io);
  const dataDir = config.server.dataDir;
  await loadTls({ ...config.server, dataDir });
  prepareStateDatabase(stateDatabasePath(dataDir));
  const workersRun = startCluster(workers, guardLimits(config.server), io);
  try {
    await workersRun.ready;
  } catch (err) {
    // the workers that did start would keep this process (and their listeners) alive without a server worth the name
    await workersRun.stop();
    throw err;
  }
  io.out(
    `  workers: ${workersRun
      .pids()
      .map((pid, i) => (i === 0 ? `${pid} (dashboard, schedules)` : String(pid)))
      .join(', ')}; a worker that dies is replaced\n`,
  );
  const onHup = () => forwardSignal('SIGHUP');
  process.on('SIGHUP', onHup);
  const failure = await Promise.race([stopSignal(options.duration).then(() => undefined), workersRun.failed]);
  process.off('SIGHUP', onHup);
  await workersRun.stop();
  if (failure) {
    io.err(`${failure}\n`);
    return EXIT.error;
  }
  io.out('stopped\n');
  return EXIT.ok;
}
