/**
 * Dashboard sessions shared by replicas: two `ghostguard serve` processes on one throwaway PostgreSQL. A login made
 * through replica A's login form is valid on replica B (pages, the JSON API, a CSRF-checked POST), a logout on B ends
 * it on A, the database holds only the sha256 of the session token (read with psql), and API tokens keep working.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { psqlRows } from '../helpers/psql.js';
import { type ReplicaProcess, startReplica } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql');
const ROOT = join(import.meta.dirname, '../..');
const KEY = randomBytes(32).toString('hex');
const ADMIN_PASSWORD = 'sessions-admin-password-143';
const DATABASE = 'gg_sessions';

/** cookie name → value from a response's set-cookie headers */
function cookiesOf(headers: Record<string, string | string[] | undefined>): Map<string, string> {
  const raw = headers['set-cookie'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return new Map(list.map((c) => c.split(';')[0]!.split('=')).map(([k, ...v]) => [k!, v.join('=')]));
}

describe.skipIf(peers.missing)(`dashboard sessions shared by two replicas on one PostgreSQL${peers.note}`, () => {
  let cluster: PostgresCluster;
  let root: string;
  let a: ReplicaProcess;
  let b: ReplicaProcess;

  beforeAll(async () => {
    cluster = await startPostgresCluster({ port: 21431 });
    await cluster.createDatabase(DATABASE);
    root = mkdtempSync(join(tmpdir(), 'gg-sessions-'));
    const server = ['server:', '  dataDir: data', '  adminPort: 0', `  store: "${cluster.url(DATABASE)}"`, ''].join('\n');
    const configText = fleetYaml([{ mac: '00:15:65:00:43:10', vendor: 'yealink', model: 'T46U' }]).replace('server:\n', server);
    const spec = { root, configText, masterKeyHex: KEY, adminPassword: ADMIN_PASSWORD };
    [a, b] = await Promise.all([startReplica({ ...spec, name: 'a', port: 21432 }), startReplica({ ...spec, name: 'b', port: 21433 })]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const request = async (
    replica: ReplicaProcess,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ) => {
    const c = new Client(replica.adminOrigin(), { connect: { rejectUnauthorized: false } });
    try {
      const res = await c.request({ method, path, headers, ...(body !== undefined ? { body } : {}) });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } finally {
      await c.close();
    }
  };
  const csrfField = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const FORM = 'application/x-www-form-urlencoded';

  it('a login through replica A is valid on B (page, API, CSRF-checked logout); the logout ends it on A too; only its hash is stored', async () => {
    const loginPage = await request(a, 'GET', '/login');
    const csrfCookie = [...cookiesOf(loginPage.headers)].find(([k]) => k.endsWith('gg_csrf'))!;
    const login = await request(
      a,
      'POST',
      '/login',
      { 'content-type': FORM, cookie: `${csrfCookie[0]}=${csrfCookie[1]}` },
      form({ username: 'admin', password: ADMIN_PASSWORD, _csrf: csrfField(loginPage.text), next: '/' }),
    );
    expect(login.status).toBe(303);
    const session = [...cookiesOf(login.headers)].find(([k]) => k.endsWith('gg_session'))!;
    expect(session[1]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = `${session[0]}=${session[1]}; ${csrfCookie[0]}=${csrfCookie[1]}`;

    // replica B never saw the login
    const page = await request(b, 'GET', '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="_csrf"');
    const status = await request(b, 'GET', '/api/status', { cookie });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.text).coordination.scope).toBe('postgres');

    // the database holds the sha256 of the token, never the token
    const rows = psqlRows(cluster, DATABASE, 'SELECT token_sha256, "user" FROM dashboard_sessions');
    expect(rows).toEqual([[createHash('sha256').update(session[1]).digest('hex'), 'admin']]);
    const dump = psqlRows(cluster, DATABASE, 'SELECT row_to_json(s)::text FROM dashboard_sessions s').flat().join('\n');
    expect(dump).not.toContain(session[1]);

    // a CSRF token from a page A rendered is accepted by B: logout on B
    const fromA = csrfField((await request(a, 'GET', '/', { cookie })).text);
    const logout = await request(b, 'POST', '/logout', { 'content-type': FORM, cookie }, form({ _csrf: fromA }));
    expect(logout.status).toBe(303);
    expect(logout.headers.location).toBe('/login');
    for (const replica of [a, b]) {
      expect((await request(replica, 'GET', '/api/status', { cookie })).status).toBe(401);
      const again = await request(replica, 'GET', '/', { cookie });
      expect(again.status).toBe(303);
      expect(again.headers.location).toMatch(/^\/login/);
    }
    expect(psqlRows(cluster, DATABASE, 'SELECT count(*) FROM dashboard_sessions')).toEqual([['0']]);
  });

  it('API tokens for scripts and HTTP Basic keep working', async () => {
    const made = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/ghostguard.mjs'), 'token', 'create', 'nightly', '--config', join(a.dir, 'ghostguard.yaml')],
      { cwd: a.dir },
    );
    const token = /ggt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}/.exec(made.stdout)![0];
    expect((await request(a, 'GET', '/api/status', { authorization: `Bearer ${token}` })).status).toBe(200);
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;
    expect((await request(b, 'GET', '/api/status', { authorization: basic })).status).toBe(200);
  });
});
