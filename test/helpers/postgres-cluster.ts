/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temporary directory, one postmaster listening on a unix
 * socket in that directory (and, when asked, on one 127.x address), fsync off, stopped by its PID and the directory
 * removed. Under root it runs as the unprivileged `postgres` system user (Debian's package creates it), else `nobody`.
 *
 *   const pgPeers = systemPeers('postgres', 'initdb');
 *   describe.skipIf(pgPeers.missing)(`…${pgPeers.note}`, () => {
 *     let pg: PostgresCluster;
 *     beforeAll(async () => { pg = await startPostgresCluster(); });
 *     afterAll(() => pg.stop());
 *     … new pg.Client(pg.clientConfig()) … or pg.url() as `server.store` …
 *   });
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { findPeer } from './system-peers.js';

export interface PostgresClusterOptions {
  /** also listen on TCP at this loopback address (e.g. '127.132.0.1'); the socket is always there */
  readonly host?: string;
  /** the port (TCP, and the socket's file name .s.PGSQL.<port>); 5432 when only the socket is used */
  readonly port?: number;
  /** TLS on the TCP listener with this certificate and key (PEM text); plain TCP connections are then refused */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface PostgresCluster {
  /** the temporary directory: data/ and the unix socket live here */
  readonly dir: string;
  /** the unix socket directory (pg's `host` for a socket) */
  readonly socketDir: string;
  readonly port: number;
  /** the running postmaster's PID */
  readonly pid: number;
  /** node-postgres connection settings for a database of this cluster (default `postgres`), through the socket */
  clientConfig(database?: string): pg.ClientConfig;
  /** a postgres:// URL for a database of this cluster: TCP when a host was given, else the socket (`?host=`) */
  url(database?: string): string;
  /** CREATE DATABASE name (a fresh database per test keeps tests apart on one cluster) */
  createDatabase(name: string): Promise<void>;
  /** fast shutdown (SIGINT to the postmaster), wait for it to exit, remove the directory */
  stop(): Promise<void>;
  /** the database goes away: fast shutdown by PID, the data directory kept */
  pause(): Promise<void>;
  /** the database comes back: a new postmaster on the same data directory (a new `pid`), once it is ready */
  resume(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** The directory holding postgres and initdb of one version: pg_config's, else the newest /usr/lib/postgresql/N/bin. */
function postgresBinDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config (libpq-dev absent): fall back to the peers' search
  }
  const postgres = findPeer('postgres');
  if (!postgres) throw new Error('postgres is not installed (Debian package postgresql)');
  return dirname(postgres);
}

/** uid/gid of a system user from /etc/passwd, or undefined. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The command prefix that drops root to an unprivileged user (postgres refuses to run as root); none when not root. */
function unprivileged(dir: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const name = systemUser('postgres') ? 'postgres' : 'nobody';
  const user = systemUser(name);
  if (!user) throw new Error('neither the postgres nor the nobody user exists to run a test PostgreSQL cluster');
  chownSync(dir, user.uid, user.gid);
  // setpriv execs (no fork), so the spawned PID is the postmaster's own
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until postmaster.pid says "ready" (PostgreSQL ≥ 10 writes the status on its last line). */
async function untilReady(dataDir: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`postgres exited before it was ready: ${log()}`);
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile) && /^ready\s*$/m.test(readFileSync(pidFile, 'utf8'))) return;
    await sleep(50);
  }
  throw new Error(`postgres not ready within 60 s: ${log()}`);
}

/** Creates, starts and returns a throwaway cluster (see the file comment). */
export async function startPostgresCluster(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const port = options.port ?? 5432;
  const dir = mkdtempSync(join(tmpdir(), 'gg-pg-'));
  const dataDir = join(dir, 'data');
  const asUser = unprivileged(dir);
  const run = (program: string, args: string[]) => [...asUser, join(bin, program), ...args];
  try {
    const initdb = run('initdb', ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    execFileSync(initdb[0]!, initdb.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // trust on the socket and on loopback only: the cluster is throwaway and never leaves 127.0.0.0/8
  writeFileSync(
    join(dataDir, 'pg_hba.conf'),
    options.tls
      ? 'local all all trust\nhostssl all all 127.0.0.0/8 trust\nhostnossl all all 127.0.0.0/8 reject\n'
      : 'local all all trust\nhost all all 127.0.0.0/8 trust\n',
  );
  const tlsSettings: Record<string, string> = {};
  if (options.tls) {
    // the key must belong to the user the postmaster runs as, readable by it alone
    for (const [name, pem] of [
      ['server.crt', options.tls.cert],
      ['server.key', options.tls.key],
    ] as const) {
      writeFileSync(join(dataDir, name), pem, { mode: 0o600 });
      const owner = statSync(dataDir);
      if (process.getuid?.() === 0) chownSync(join(dataDir, name), owner.uid, owner.gid);
    }
    Object.assign(tlsSettings, { ssl: 'on', ssl_cert_file: 'server.crt', ssl_key_file: 'server.key' });
  }
  const settings: Record<string, string> = {
    listen_addresses: options.host ?? '',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
    shared_buffers: '32MB',
    logging_collector: 'off',
    ...tlsSettings,
  };
  const postgres = run('postgres', ['-D', dataDir, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]);
  let log = '';
  /** the postmaster running now (a new one after resume()) */
  let child!: ChildProcess;
  let exited!: Promise<void>;
  const launch = async () => {
    child = spawn(postgres[0]!, postgres.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (log = (log + d).slice(-8000)));
    child.stderr!.on('data', (d) => (log = (log + d).slice(-8000)));
    const current = child;
    exited = new Promise<void>((r) => current.once('exit', () => r()));
    await untilReady(dataDir, current, () => log);
  };
  // a test process that dies leaves no postmaster behind
  const onExit = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGQUIT');
  };
  process.once('exit', onExit);
  /** fast shutdown of the postmaster by its PID (SIGINT), SIGKILL after 20 s; the data directory stays */
  const halt = async () => {
    if (child.exitCode === null && !child.signalCode && child.pid) {
      process.kill(child.pid, 'SIGINT');
      const killed = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
      if (!killed) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
  };
  const stop = async () => {
    process.off('exit', onExit);
    await halt();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await launch();
  } catch (err) {
    await stop();
    throw err;
  }
  const clientConfig = (database = 'postgres'): pg.ClientConfig => ({ host: dir, port, user: SUPERUSER, database });
  return {
    dir,
    socketDir: dir,
    port,
    get pid() {
      return child.pid!;
    },
    clientConfig,
    url: (database = 'postgres') =>
      options.host
        ? `postgres://${SUPERUSER}@${options.host}:${port}/${database}`
        : `postgres://${SUPERUSER}@localhost:${port}/${database}?host=${encodeURIComponent(dir)}`,
    async createDatabase(name: string) {
      const client = new pg.Client(clientConfig());
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    pause: halt,
    resume: launch,
    stop,
  };
}
