/** `ghostguard serve`: the provisioning server; reloads on SIGHUP or file change and keeps the last valid config. */
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { adminPasswordInfo } from '../../dashboard/admin-app.js';
import { formatIssue } from '../../model/config-issues.js';
import { GuardCoordinator, isGuardBanMessage, isGuardReportMessage, reportToPrimary } from '../../provisioning/guard-cluster.js';
import { isNonceCountMessage, shareNonceCounts } from '../../provisioning/nonce-cluster.js';
import { guardLimits, Runtime } from '../../provisioning/runtime.js';
import { loadTls } from '../../provisioning/tls.js';
import { prepareStateDatabase, stateDatabasePath } from '../../store/sqlite-open.js';
import { formatDuration, formatScheduleLog } from '../../schedule/log.js';
import { chooseConfig, type ConfigOptions } from '../config-choice.js';
import { loadConfig, masterKeyFor, vendors, type LoadedConfig } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface ServeOptions extends ConfigOptions {
  host?: string;
  port?: number;
  /** stop by itself after this many seconds (demos, tests) */
  duration?: number;
  log?: boolean;
  /** server processes sharing the listener (node:cluster); 1 = this process only */
  workers?: number;
}

/** The config the server will use, and its master key (made now, after a warning if older state sits elsewhere). */
function preflight(options: ConfigOptions, io: CliIo): LoadedConfig {
  const loaded = loadConfig(options, io);
  masterKeyFor(loaded, io);
  return loaded;
}

export async function startServer(options: ServeOptions, io: CliIo, workerId = 0): Promise<{ runtime: Runtime; urls: string[] }> {
  const choice = workerId === 0 ? preflight(options, io).choice : chooseConfig(options, io);
  const runtime = await Runtime.create({ configPath: choice.path, configBaseDir: choice.baseDir, vendors, env: io.env, logger: options.log, workerId, scheduleLog: (entry) => io.err(`${formatScheduleLog(entry)}\n`) });
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

function describe(runtime: Runtime, urls: string[], workers: number, io: CliIo): void {
  const s = runtime.config.inventory.config.server;
  io.out(`ghostguard serving ${runtime.config.path}\n  phones: ${urls.join(' , ')}${workers > 1 ? ` (${workers} workers)` : ''}\n  data:   ${s.dataDir}\n  devices: ${runtime.config.inventory.devices.length}\n`);
  const adminUrl = runtime.adminApp?.server.listening ? adminUrlOf(runtime) : undefined;
  if (adminUrl) {
    const pw = adminPasswordInfo(runtime.adminApp!);
    const how = pw?.source === 'env' ? 'password from $GHOSTGUARD_ADMIN_PASSWORD' : pw?.created ? `user admin, password ${pw.password} (shown once; kept in ${pw.path})` : `user admin, password in ${pw?.path}`;
    io.out(`  admin:  ${adminUrl} (${how})\n`);
  }
  const schedules = runtime.scheduler?.status() ?? [];
  if (schedules.length > 0) {
    io.out(`  schedules: ${schedules.map((s) => `${s.name} every ${formatDuration(s.everySeconds)} on ${s.targets.join(' ')}, ${s.webhook ? `webhook ${s.webhook}${s.secretFile ? ` (secret in ${s.secretFile})` : ''}` : 'log only'}`).join('; ')}\n`);
  }
  if (adminUrl || schedules.length > 0) {
    io.out(`  audits: ${s.auditAllow ? `limited to ${s.auditAllow.join(' ')}` : 'any range (set server.auditAllow to limit what the dashboard and schedules may scan)'}\n`);
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
  const workerId = cluster.isWorker ? cluster.worker!.id : 0;
  const { runtime, urls } = await startServer(options, io, workerId).catch((err: unknown) => {
    // a worker stays alive while its channel to the primary is open; the primary learns of the failure from its exit
    if (cluster.isWorker) cluster.worker!.disconnect();
    throw err;
  });
  const stopReporting = cluster.isWorker ? shareWithCluster(runtime) : undefined;
  if (cluster.isWorker) process.send!({ ready: urls, describe: workerId === 1 });
  if (!cluster.isWorker || workerId === 1) describe(runtime, urls, workers, io);
  runtime.config.watch();
  const onHup = () => {
    const r = runtime.config.reload();
    io.err(r.ok ? 'configuration reloaded\n' : `configuration invalid, still serving the previous one:\n${r.issues.map(formatIssue).join('\n')}\n`);
  };
  process.on('SIGHUP', onHup);
  await stopSignal(cluster.isWorker ? undefined : options.duration);
  process.off('SIGHUP', onHup);
  stopReporting?.();
  await runtime.close();
  if (cluster.isWorker) cluster.worker!.disconnect();
  else io.out('stopped\n');
  return EXIT.ok;
}

/**
 * A worker reports its guard's decisions to the primary and applies the bans the primary decides for all workers; it
 * passes the Digest nonce-counts it accepts on, and learns the ones the other workers accepted.
 */
function shareWithCluster(runtime: Runtime): () => void {
  const send = (message: object) => process.send?.(message);
  const stopBans = reportToPrimary(runtime.guard, send);
  const counts = shareNonceCounts(runtime.nonces, send);
  const onMessage = (message: unknown) => {
    if (isNonceCountMessage(message)) return counts.learn(message);
    if (!isGuardBanMessage(message)) return;
    for (const ban of message.guardBans) runtime.guard.applyBan(ban);
    if (message.announce) runtime.events.emit({ reason: 'banned', source: message.announce, detail: 'counted across all worker processes' });
  };
  process.on('message', onMessage);
  return () => {
    stopBans();
    counts.stop();
    process.off('message', onMessage);
  };
}

/**
 * Primary of a worker cluster: prepares shared files once, forks, forwards SIGHUP, counts bans for all workers, passes
 * each worker's nonce-counts to the others, stops them.
 */
async function servePrimary(workers: number, options: ServeOptions, io: CliIo): Promise<number> {
  const { config } = preflight(options, io);
  const dataDir = config.server.dataDir;
  await loadTls({ ...config.server, dataDir });
  prepareStateDatabase(stateDatabasePath(dataDir));
  const forked = Array.from({ length: workers }, () => cluster.fork());
  const coordinator = new GuardCoordinator(guardLimits(config.server));
  for (const reporter of forked) {
    reporter.on('message', (message: unknown) => {
      if (isNonceCountMessage(message)) {
        for (const w of forked) if (w !== reporter && !w.isDead()) w.send(message);
        return;
      }
      if (!isGuardReportMessage(message)) return;
      for (const { toReporter, toOthers } of coordinator.receive(message)) {
        for (const w of forked) if (!w.isDead()) w.send(w === reporter ? toReporter : toOthers);
      }
    });
  }
  const stopAll = () => Promise.all(forked.map((w) => new Promise((exited) => {
    if (w.isDead()) return exited(undefined);
    w.once('exit', exited);
    w.process.kill('SIGTERM');
  })));
  try {
    await Promise.all(forked.map((w) => new Promise<void>((ready, fail) => {
      w.on('message', (message: { ready?: unknown }) => message.ready && ready());
      w.once('exit', (code) => fail(new Error(`worker exited with ${code} before it was ready`)));
    })));
  } catch (err) {
    // the workers that did start would keep this process (and their listeners) alive without a server worth the name
    await stopAll();
    throw err;
  }
  const onHup = () => forked.forEach((w) => w.process.kill('SIGHUP'));
  process.on('SIGHUP', onHup);
  await stopSignal(options.duration);
  process.off('SIGHUP', onHup);
  await stopAll();
  io.out('stopped\n');
  return EXIT.ok;
}
