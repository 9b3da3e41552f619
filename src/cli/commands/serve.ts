/** `ghostguard serve`: the provisioning server; reloads on SIGHUP or file change and keeps the last valid config. */
import { formatIssue } from '../../model/config-issues.js';
import { Runtime } from '../../provisioning/runtime.js';
import { configPath, dataDirOf, vendors } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: number;
  /** stop by itself after this many seconds (demos, tests) */
  duration?: number;
  log?: boolean;
}

export async function startServer(options: ServeOptions, io: CliIo): Promise<{ runtime: Runtime; urls: string[] }> {
  const path = configPath(options.config, io);
  const runtime = await Runtime.create({ configPath: path, vendors, env: io.env, logger: options.log, dataDir: undefined });
  const urls = await runtime.listen(options.host, options.port);
  const s = runtime.config.inventory.config.server;
  io.out(`ghostguard serving ${path}\n  phones: ${urls.join(' , ')}\n  data:   ${dataDirOf(s.dataDir, io)}\n  devices: ${runtime.config.inventory.devices.length}\n`);
  if (runtime.tls) io.out(`  certificate: ${runtime.tls.certPath} (give this CA to phones that must verify the server)\n`);
  return { runtime, urls };
}

export async function serveCommand(options: ServeOptions, io: CliIo): Promise<number> {
  const { runtime } = await startServer(options, io);
  runtime.config.watch();
  const onHup = () => {
    const r = runtime.config.reload();
    io.err(r.ok ? 'configuration reloaded\n' : `configuration invalid, still serving the previous one:\n${r.issues.map(formatIssue).join('\n')}\n`);
  };
  process.on('SIGHUP', onHup);
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.duration) setTimeout(stop, options.duration * 1000).unref();
  });
  process.off('SIGHUP', onHup);
  await runtime.close();
  io.out('stopped\n');
  return EXIT.ok;
}
