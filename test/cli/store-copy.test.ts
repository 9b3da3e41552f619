/**
 * `ghostguard store copy` through the CLI, on a throwaway PostgreSQL: an installation that ran on SQLite (a rotation
 * its phone confirmed, an enrolment, fetch history, and rows the sqlite3 tool wrote into every other table) is moved
 * into PostgreSQL; psql and sqlite3 — not the Store under test — show every table holds the same rows, and a `serve`
 * on the PostgreSQL store (same master key) takes the phone's current Digest credentials and refuses the superseded
 * ones. A target holding state is refused unless --replace; a copy that fails part way leaves the target empty; the
 * copy stays within a 32 MB heap while moving more text than that.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { parseMac } from '../../src/model/mac.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { restartServe } from '../helpers/serve-process.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql', 'sqlite3');
const ROOT = join(import.meta.dirname, '../..');
const PHONE = '00:15:65:00:41:01';
const NEW_PHONE = '00:15:65:00:41:02';
const UA = `Yealink SIP-T46U 108.86.0.45 ${PHONE}`;
const ENV = { GG_COPY_PASSWORD: 'not-checked-by-a-trust-cluster' };

/** Each table as both tools print it, ordered by its key: SQLite's query, then PostgreSQL's (ids are the rowids). */
const DUMPS: Record<string, [string, string]> = {
  credentials: ['SELECT mac, generation, previous_generation, sip_generation FROM credentials ORDER BY mac', ''],
  enrolments: ['SELECT mac, opened_at, expires_at, closed_at, pinned_source FROM enrolments ORDER BY mac', ''],
  fetches: ['SELECT id, ts, mac, source, user_agent, file, sha256, auth, status FROM fetches ORDER BY id', ''],
  fetch_versions: [
    'SELECT rowid, sha256, mac, file, ts, user_agent FROM fetch_versions ORDER BY rowid',
    'SELECT id, sha256, mac, file, ts, user_agent FROM fetch_versions ORDER BY id',
  ],
  events: ['SELECT id, ts, reason, severity, source, mac, file, detail FROM events ORDER BY id', ''],
  overrides: ['SELECT id, ts, mac, file, body, weakened FROM overrides ORDER BY id', ''],
  audit_runs: ['SELECT id, started_at, finished_at, targets, summary FROM audit_runs ORDER BY id', ''],
  audit_findings: [
    'SELECT rowid, run_id, host, mac, vendor, model, rule, state, severity, evidence, fix FROM audit_findings ORDER BY rowid',
    'SELECT id, run_id, host, mac, vendor, model, rule, state, severity, evidence, fix FROM audit_findings ORDER BY id',
  ],
  schedule_runs: [
    'SELECT run_id, schedule, signature, started_at, finished_at, complete, previous_run_id, hosts, phones, exposed, failing, unknown_devices, changes, delivery, attempts FROM schedule_runs ORDER BY run_id',
    'SELECT run_id, schedule, signature, started_at, finished_at, complete::int, previous_run_id, hosts, phones, exposed, failing, unknown_devices, changes, delivery, attempts FROM schedule_runs ORDER BY run_id',
  ],
  dashboard_served: ['SELECT sha256, mac, file, ts, body FROM dashboard_served ORDER BY sha256', ''],
};

/** Rows the sqlite3 tool writes into the tables a short serve run leaves empty, and enough events for several batches. */
const SEED = `
INSERT INTO overrides (ts, mac, file, body, weakened) VALUES
  ('2026-12-01T10:00:00.000Z', '001565004101', '001565004101-phone.cfg', '<override a="1"/>', '["sip-tls"]'),
  ('2026-12-01T11:00:00.000Z', '001565004101', '001565004101-phone.cfg', 'line|with
a break', '[]');
INSERT INTO audit_runs (id, started_at, finished_at, targets, summary) VALUES
  (7, '2026-12-01T09:00:00.000Z', '2026-12-01T09:01:00.000Z', '["127.141.3.0/28"]', '{"hosts":2}'),
  (8, '2026-12-02T09:00:00.000Z', NULL, '["127.141.3.0/28"]', NULL);
INSERT INTO audit_findings (run_id, host, mac, vendor, model, rule, state, severity, evidence, fix) VALUES
  (7, '127.141.3.1', '001565004101', 'yealink', 'T46U', 'sip-tls', 'fail', 'high', '["udp 5060 open"]', '["enable TLS"]'),
  (7, '127.141.3.2', NULL, NULL, NULL, 'ghost-call', 'exposed', 'critical', '[]', '[]');
INSERT INTO schedule_runs VALUES (7, 'nightly', 'sig', '2026-12-01T09:00:00.000Z', '2026-12-01T09:01:00.000Z', 1, NULL, 2, 1, 1, 3, 0, 2, 'delivered', 1),
  (8, 'nightly', 'sig', '2026-12-02T09:00:00.000Z', '2026-12-02T09:01:00.000Z', 0, 7, 1, 1, 0, 0, 1, 0, 'skipped', 0);
INSERT INTO dashboard_served (sha256, mac, file, ts, body) VALUES
  ('ab12', '001565004101', '001565004101.cfg', '2026-12-01T10:00:00.000Z', '#!version:1.0.0.1
account.1.password = ********');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
INSERT INTO events (ts, reason, severity, source, mac, file, detail)
  SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now', printf('-%d seconds', 2500 - i)), 'not-enrolled', 'medium',
         printf('127.141.%d.%d', 20 + i / 250, i % 250), NULL, NULL, 'seeded ' || i FROM n;
`;

async function cli(args: string[], cwd: string, env: Record<string, string> = ENV) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd, isTty: false });
  return { code, out, err };
}

/** the per-table counts `store copy` printed */
const printedCounts = (out: string): Record<string, number> =>
  Object.fromEntries([...out.matchAll(/^ {2}([a-z_]+) +(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));

describe.skipIf(peers.missing)(`ghostguard store copy${peers.note}`, () => {
  let cluster: PostgresCluster;
  let installation: { dir: string; path: string };
  let configText: string;
  const sqlite = (file: string, sql: string) =>
    execFileSync(peers.path('sqlite3'), ['-batch', '-separator', '|', file, sql], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const psql = (database: string, sql: string) =>
    execFileSync(
      peers.path('psql'),
      ['-X', '-A', '-t', '-F', '|', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-d', database, '-c', sql],
      {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
  const url = (database: string) => {
    const u = new URL(cluster.url(database));
    u.password = 'env:GG_COPY_PASSWORD';
    return u.toString();
  };
  const stateFile = () => join(installation.dir, 'data', 'state.sqlite');

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    configText = fleetYaml([
      { mac: PHONE, vendor: 'yealink', model: 'T46U' },
      { mac: NEW_PHONE, vendor: 'yealink', model: 'T46U' },
    ]).replace('server:\n', 'server:\n  dataDir: data\n  adminPort: 0\n  enrolmentWindowHours: 0\n');
    installation = writeTempConfig(configText.replace('server:\n', 'server:\n  port: 21411\n'));
    // the installation's life on SQLite: a rotation, a window for a new phone, then the phone confirming the rotation
    expect((await cli(['rotate', PHONE, '-c', installation.path], installation.dir)).code).toBe(0);
    expect((await cli(['enroll', NEW_PHONE, '-c', installation.path], installation.dir)).code).toBe(0);
    const serve = await restartServe(installation);
    try {
      const phone = client(21411, '127.141.1.1');
      expect((await fetchWith(phone, 1)).statusCode).toBe(200);
      await phone.close();
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    sqlite(stateFile(), SEED);
  }, 90_000);
  afterAll(async () => cluster?.stop());

  const inventory = () => {
    const { config } = parseConfig(configText, installation.path, catalogueOf(VENDORS));
    return new Inventory(config!, { masterKey: Buffer.from(sqliteMasterKey(), 'hex'), env: {} }, 1);
  };
  const sqliteMasterKey = () => readFileSync(join(installation.dir, 'data', 'master.key'), 'utf8').trim();
  const client = (port: number, address: string) =>
    new Client(`https://127.0.0.1:${port}`, { localAddress: address, connect: { rejectUnauthorized: false } });
  /** the phone's device file, answered with Digest credentials of `generation` */
  const fetchWith = async (phone: Client, generation: number) => {
    const m = parseMac(PHONE)!;
    const uri = `/${m}.cfg`;
    const get = async (headers: Record<string, string>) => {
      const res = await phone.request({ method: 'GET', path: uri, headers: { 'user-agent': UA, ...headers } });
      await res.body.text();
      return res;
    };
    const challenge = await get({});
    expect(challenge.statusCode).toBe(401);
    const inv = inventory();
    const authorization = digestHeader(
      inv.provisioningUsername(m),
      inv.provisioningPassword(m, generation),
      'GET',
      uri,
      nonceFrom(challenge.headers['www-authenticate']),
    );
    return get({ authorization });
  };

  it('moves every table into PostgreSQL; a serve on it takes the phone’s current credentials', async () => {
    await cluster.createDatabase('gg_moved');
    const copied = await cli(['store', 'copy', '--from', stateFile(), '--to', url('gg_moved')], installation.dir);
    expect(copied.err).toBe('');
    expect(copied.code).toBe(0);
    expect(copied.out).toContain('PostgreSQL: applied migration(s) 1, 2, 3, 4');
    const counts = printedCounts(copied.out);
    expect(Object.keys(counts).sort()).toEqual(Object.keys(DUMPS).sort());
    for (const [table, [fromSqlite, fromPostgres]] of Object.entries(DUMPS)) {
      const rows = sqlite(stateFile(), fromSqlite);
      expect(counts[table], table).toBe(Number(sqlite(stateFile(), `SELECT count(*) FROM ${table}`)));
      expect(psql('gg_moved', fromPostgres || fromSqlite), table).toBe(rows);
    }
    // what the short serve run and the seed left: every table holds something to move
    for (const table of Object.keys(DUMPS)) expect(counts[table], table).toBeGreaterThan(0);
    expect(counts.events).toBeGreaterThan(2500);
    // the installation's master key is now the one replicas must hold (its fingerprint: HMAC-SHA256 of a fixed label)
    const fingerprint = createHmac('sha256', Buffer.from(sqliteMasterKey(), 'hex'))
      .update('ghostguard master-key fingerprint')
      .digest('hex');
    expect(psql('gg_moved', 'SELECT fingerprint FROM gg_cluster_key')).toBe(`${fingerprint}\n`);
    expect(copied.out).toContain(`master key fingerprint ${fingerprint.slice(0, 16)} recorded`);
    // new rows continue after the copied ids
    psql('gg_moved', "INSERT INTO audit_runs (started_at, targets) VALUES ('2026-12-03T00:00:00Z', '[]')");
    expect(psql('gg_moved', 'SELECT max(id) FROM audit_runs')).toBe('9\n');

    // the installation, now on PostgreSQL: the same master key in a new data directory
    const moved = writeTempConfig(configText.replace('server:\n', `server:\n  port: 21412\n  store: "${cluster.url('gg_moved')}"\n`));
    // a replica started without the installation's master.key would make a new one: it refuses to start instead
    const keyless = await restartServe(moved).catch((err: Error) => err.message);
    expect(keyless).toContain('GG_ERR_CLUSTER_KEY_MISMATCH');
    rmSync(join(moved.dir, 'data'), { recursive: true });
    mkdirSync(join(moved.dir, 'data'), { mode: 0o700 });
    copyFileSync(join(installation.dir, 'data', 'master.key'), join(moved.dir, 'data', 'master.key'));
    const serve = await restartServe(moved);
    try {
      const phone = client(21412, '127.141.1.2');
      expect((await fetchWith(phone, 1)).statusCode).toBe(200);
      // the generation the phone confirmed away on SQLite stays refused
      expect((await fetchWith(phone, 0)).statusCode).toBe(401);
      await phone.close();
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });

  // the target's own: schema_version, the coordination tables gg_*, dashboard logins (operators log in again), the ids of history batches written
  it("writes every column of PostgreSQL's state tables: only schema_version, gg_*, sessions and batch ids are the target's own", async () => {
    await cluster.createDatabase('gg_columns');
    writeFileSync(join(installation.dir, 'pg.yaml'), configText.replace('server:\n', `server:\n  store: "${url('gg_columns')}"\n`));
    expect((await cli(['store', 'migrate', '-c', join(installation.dir, 'pg.yaml')], installation.dir)).code).toBe(0);
    const columns = psql(
      'gg_columns',
      "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'gg\\_%' AND table_name NOT IN ('schema_version', 'dashboard_sessions', 'history_batches') ORDER BY 1",
    );
    const written = Object.entries(DUMPS).flatMap(([table, [fromSqlite, fromPostgres]]) =>
      /^SELECT (.*) FROM/
        .exec(fromPostgres || fromSqlite)![1]!
        .split(', ')
        .map((c) => `${table}.${c.replace('::int', '')}`),
    );
    expect(columns.trimEnd().split('\n')).toEqual(written.sort());
  });

  it('refuses a target that already holds state (GG_ERR_STORE_NOT_EMPTY) unless --replace', async () => {
    await cluster.createDatabase('gg_twice');
    expect((await cli(['store', 'copy', '--from', stateFile(), '--to', url('gg_twice')], installation.dir)).code).toBe(0);
    const before = psql('gg_twice', 'SELECT count(*) FROM events');
    const again = await cli(['store', 'copy', '--from', join(installation.dir, 'data'), '--to', url('gg_twice')], installation.dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('GG_ERR_STORE_NOT_EMPTY');
    expect(psql('gg_twice', 'SELECT count(*) FROM events')).toBe(before);
    const replaced = await cli(['store', 'copy', '--from', stateFile(), '--to', url('gg_twice'), '--replace'], installation.dir);
    expect(replaced.code).toBe(0);
    expect(psql('gg_twice', 'SELECT count(*) FROM events')).toBe(before);
    expect(psql('gg_twice', 'SELECT max(id) FROM events')).toBe(sqlite(stateFile(), 'SELECT max(id) FROM events'));
  });

  it('refuses a target whose replicas recorded another master key (GG_ERR_CLUSTER_KEY_MISMATCH), nothing copied', async () => {
    await cluster.createDatabase('gg_other_key');
    const migrated = writeTempConfig(configText.replace('server:\n', `server:\n  store: "${url('gg_other_key')}"\n`));
    expect((await cli(['store', 'migrate', '-c', migrated.path], migrated.dir)).code).toBe(0);
    psql('gg_other_key', "INSERT INTO gg_cluster_key (id, fingerprint) VALUES (1, 'another-key')");
    const refused = await cli(['store', 'copy', '--from', stateFile(), '--to', url('gg_other_key')], installation.dir);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('GG_ERR_CLUSTER_KEY_MISMATCH');
    expect(psql('gg_other_key', 'SELECT count(*) FROM credentials')).toBe('0\n');
  });

  it('all or nothing: a row PostgreSQL refuses in the last table rolls back every table', async () => {
    const broken = join(installation.dir, 'broken.sqlite');
    copyFileSync(stateFile(), broken);
    // SQLite keeps text in an INTEGER column; PostgreSQL refuses it
    sqlite(broken, "UPDATE schedule_runs SET hosts = 'many' WHERE run_id = 8");
    await cluster.createDatabase('gg_broken');
    const failed = await cli(['store', 'copy', '--from', broken, '--to', url('gg_broken')], installation.dir);
    expect(failed.code).toBe(2);
    expect(failed.err).toMatch(/GG_ERR_STORE\b.*schedule_runs/);
    const tables = Object.keys(DUMPS);
    expect(psql('gg_broken', tables.map((t) => `SELECT count(*) FROM ${t}`).join(' UNION ALL '))).toBe('0\n'.repeat(tables.length));
  });

  it('refuses what is not a state file (GG_ERR_STORE_SOURCE) and a password on the command line (GG_ERR_USAGE)', async () => {
    const notSqlite = join(installation.dir, 'notes.txt');
    writeFileSync(notSqlite, 'not a database at all, just some text to fill the header page of a file\n'.repeat(20));
    const source = await cli(['store', 'copy', '--from', notSqlite, '--to', url('postgres')], installation.dir);
    expect(source.code).toBe(2);
    expect(source.err).toContain('GG_ERR_STORE_SOURCE');
    const literal = new URL(cluster.url('postgres'));
    literal.password = 'hunter2';
    const usage = await cli(['store', 'copy', '--from', stateFile(), '--to', literal.toString()], installation.dir);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('GG_ERR_USAGE');
  });

  it('bounded memory: 40 MB of override text and 50,000 fetches copied by a process limited to a 32 MB heap', async () => {
    const big = join(installation.dir, 'big.sqlite');
    copyFileSync(stateFile(), big);
    sqlite(
      big,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)
       INSERT INTO overrides (ts, mac, file, body, weakened) SELECT '2026-12-01T00:00:00.000Z', '001565004101', 'f', hex(randomblob(50000)), '[]' FROM n;
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
       INSERT INTO fetches (ts, mac, source, user_agent, file, sha256, auth, status)
         SELECT '2026-12-01T00:00:00.000Z', '001565004101', '127.141.9.9', 'Yealink SIP-T46U 108.86.0.45', 'f', hex(randomblob(32)), 'digest', 200 FROM n;`,
    );
    await cluster.createDatabase('gg_big');
    const run = spawnSync(
      process.execPath,
      ['--max-old-space-size=32', join(ROOT, 'bin/ghostguard.mjs'), 'store', 'copy', '--from', big, '--to', url('gg_big')],
      { cwd: installation.dir, env: { ...process.env, ...ENV }, encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(psql('gg_big', 'SELECT count(*), sum(length(body)) FROM overrides')).toBe(
      sqlite(big, 'SELECT count(*), sum(length(body)) FROM overrides'),
    );
    expect(printedCounts(run.stdout).fetches).toBe(Number(sqlite(big, 'SELECT count(*) FROM fetches')));
    expect(psql('gg_big', 'SELECT count(*) FROM fetches')).toBe(sqlite(big, 'SELECT count(*) FROM fetches'));
  }, 300_000);
});
