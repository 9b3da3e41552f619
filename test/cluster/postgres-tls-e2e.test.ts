/**
 * `server.store` options the pool takes from the URL, through the CLI and `serve` against a throwaway PostgreSQL that
 * accepts TCP only over TLS (a certificate made here with openssl, for 127.152.50.1): without TLS the server refuses
 * the connection; `sslmode=verify-full` without the certificate's issuer refuses the server; with `sslrootcert`
 * `store migrate` and `serve` run, and the server's own pg_stat_ssl (read with psql) shows serve's connections
 * encrypted. The statement timeout: with the credentials table locked by another session, `ghostguard rotate` gives up
 * after the pool's 5 s statement timeout with an error instead of hanging.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { psqlRows } from '../helpers/psql.js';
import { phoneClient, type ReplicaProcess, startReplica, until } from '../helpers/replica-process.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { findPeer, systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql', 'openssl');
const ROOT = join(import.meta.dirname, '../..');
const HOST = '127.152.50.1';
const PORT = 22050;
const DATABASE = 'gg_tls';
const MAC = '00:15:65:00:52:50';
const KEY = randomBytes(32).toString('hex');

function cli(args: string[], cwd: string): Promise<{ code: number; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, output: stdout + stderr, ms: Date.now() - started }),
    );
  });
}

describe.skipIf(peers.missing)(`PostgreSQL over TLS and the statement timeout${peers.note}`, () => {
  let cluster: PostgresCluster;
  let dir: string;
  let certPath: string;
  let replica: ReplicaProcess | undefined;
  let locker: ChildProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gg-pg-tls-'));
    certPath = join(dir, 'server.crt');
    execFileSync(
      peers.path('openssl'),
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${HOST}`,
        '-addext',
        `subjectAltName=IP:${HOST}`,
      ].concat(['-keyout', join(dir, 'server.key'), '-out', certPath]),
      { stdio: 'ignore', timeout: 60_000 },
    );
    cluster = await startPostgresCluster({
      host: HOST,
      port: PORT,
      tls: { cert: readFileSync(certPath, 'utf8'), key: readFileSync(join(dir, 'server.key'), 'utf8') },
    });
    await cluster.createDatabase(DATABASE);
  }, 120_000);

  afterAll(async () => {
    if (locker?.pid && locker.exitCode === null) locker.kill('SIGTERM');
    await replica?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const url = (query: string) => `postgres://postgres@${HOST}:${PORT}/${DATABASE}${query}`;
  const configWith = (store: string) =>
    fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace(
      'server:\n',
      `server:\n  dataDir: data\n  adminPort: 0\n  enrolmentWindowHours: 0\n  store: "${store}"\n`,
    );
  const migrate = (store: string) => {
    const { dir: cwd, path } = writeTempConfig(configWith(store));
    return cli(['store', 'migrate', '-c', path], cwd);
  };

  it('refuses a connection without TLS, and a server certificate it cannot verify', async () => {
    const plain = await migrate(url(''));
    expect(plain.code).toBe(2);
    expect(plain.output).toMatch(/no encryption/);
    const unverified = await migrate(url('?sslmode=verify-full'));
    expect(unverified.code).toBe(2);
    expect(unverified.output).toMatch(/self.signed certificate/i);
    expect(psqlRows(cluster, DATABASE, "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_version'")).toEqual([['0']]);
  });

  it('with sslmode=verify-full and sslrootcert: store migrate, then serve, over TLS (pg_stat_ssl)', async () => {
    const store = url(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(certPath)}`);
    const migrated = await migrate(store);
    expect(migrated.output).toContain('PostgreSQL: applied migration(s) 1, 2, 3, 4');
    expect(migrated.code).toBe(0);
    replica = await startReplica({
      root: dir,
      name: 'a',
      port: PORT + 1,
      configText: configWith(store),
      masterKeyHex: KEY,
      adminPassword: 'tls-admin-password-152',
    });
    const connections = () =>
      psqlRows(
        cluster,
        DATABASE,
        `SELECT s.ssl, s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = '${DATABASE}' AND a.client_addr IS NOT NULL`,
      );
    await until(() => connections().length > 0, 5000, "serve's connections");
    for (const [ssl, version] of connections()) {
      expect(ssl).toBe('t');
      expect(version).toMatch(/^TLSv1\.[23]$/);
    }
    const phone = phoneClient(PORT + 1, '127.152.50.2');
    const res = await phone.request({
      method: 'GET',
      path: '/y000000000000.boot',
      headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}` },
    });
    await res.body.text();
    await phone.close();
    expect(res.statusCode).toBe(200);
  });

  it('a statement stuck behind a lock is cancelled after the 5 s statement timeout: rotate fails instead of hanging', async () => {
    // the replica's own directory: its configuration and master.key
    const cwd = join(dir, 'a');
    const path = join(cwd, 'ghostguard.yaml');
    // another session holds the credentials table (psql over the socket, its transaction left open)
    locker = spawn(findPeer('psql')!, ['-h', cluster.socketDir, '-p', String(PORT), '-U', 'postgres', '-d', DATABASE, '-X', '-A', '-t'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    locker.stdout!.on('data', (d) => (out += d));
    locker.stdin!.write("BEGIN;\nLOCK TABLE credentials IN ACCESS EXCLUSIVE MODE;\nSELECT 'locked';\n");
    await until(() => out.includes('locked'), 10_000, 'the lock held');
    const rotate = await cli(['rotate', MAC, '-c', path], cwd);
    expect(rotate.code).toBe(2);
    expect(rotate.output).toMatch(/statement timeout/);
    expect(rotate.ms).toBeGreaterThanOrEqual(5000);
    expect(rotate.ms).toBeLessThan(30_000);
    locker.stdin!.end('ROLLBACK;\n');
    await new Promise((r) => locker!.once('exit', r));
    // the lock gone, the same command goes through
    const again = await cli(['rotate', MAC, '-c', path], cwd);
    expect(again.output).toContain('generation 1');
    expect(again.code).toBe(0);
  });
});
