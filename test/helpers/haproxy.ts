/**
 * A throwaway HAProxy in TCP mode for tests and benchmarks: its configuration in a temporary directory, one frontend on
 * a loopback address, round robin over the given servers with a PROXY header (`send-proxy` or `send-proxy-v2`), health
 * checks that mark a dead server down within a second, and a connection that fails to reach one server redispatched to
 * another. Run in the foreground (`-db`), stopped by its PID and the directory removed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HaproxyOptions {
  /** the haproxy program (systemPeers('haproxy').path('haproxy')) */
  readonly bin: string;
  /** where phones connect: a loopback address and port */
  readonly listen: { host: string; port: number };
  /** the replicas, in order */
  readonly servers: readonly { host: string; port: number }[];
  /** the address HAProxy connects to the servers from (what `server.proxyProtocol.from` lists) */
  readonly source: string;
  readonly proxy: 'send-proxy' | 'send-proxy-v2';
  readonly maxconn?: number;
}

export interface Haproxy {
  readonly pid: number;
  /** what it printed: warnings, server state changes, one tcplog line per connection (`<client> … phones replicas/r<i> …`) */
  output(): string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function configText(o: HaproxyOptions): string {
  const maxconn = o.maxconn ?? 4096;
  return [
    'global',
    `  maxconn ${maxconn * 2}`,
    '  log stdout format raw local0 info',
    'defaults',
    '  mode tcp',
    '  log global',
    '  option tcplog',
    '  option redispatch',
    '  retries 3',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend phones',
    `  bind ${o.listen.host}:${o.listen.port}`,
    `  maxconn ${maxconn}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    `  source ${o.source}`,
    ...o.servers.map((s, i) => `  server r${i} ${s.host}:${s.port} ${o.proxy} check inter 500 fall 3 rise 2`),
    '',
  ].join('\n');
}

/** true once a TCP connection to host:port is accepted */
const accepting = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'gg-haproxy-'));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, configText(options));
  const child: ChildProcess = spawn(options.bin, ['-db', '-f', cfg], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const onExit = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  };
  process.once('exit', onExit);
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && !child.signalCode && child.pid) {
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null && !child.signalCode) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepting(options.listen.host, options.listen.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not start: ${output}`);
    }
    await sleep(50);
  }
  return { pid: child.pid!, output: () => output, stop };
}
