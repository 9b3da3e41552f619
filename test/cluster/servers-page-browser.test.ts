/**
 * The dashboard's Servers page in a real browser (playwright-core driving Debian's chromium) against three real
 * `serve` replicas on one throwaway PostgreSQL, the third reading an edited configuration: every replica listed with
 * its inventory version, the odd one flagged, the coordination and the state database shown; a row with markup in
 * it (written with psql, as anyone with the database could) shown as text. With PostgreSQL stopped by PID the login
 * session cannot be checked: the page says so (503) and GET /api/status, with HTTP Basic, shows the records held in
 * memory and dropped; once PostgreSQL is back the same session opens the page again, showing what was dropped.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { type PostgresCluster, startPostgresCluster } from '../helpers/postgres-cluster.js';
import { psqlRows } from '../helpers/psql.js';
import { phoneClient, type ReplicaProcess, startReplica, until } from '../helpers/replica-process.js';
import { fleetYaml } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('postgres', 'initdb', 'psql', 'chromium');
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/dashboard');
const KEY = randomBytes(32).toString('hex');
const ADMIN_PASSWORD = 'servers-admin-password-152';
const DATABASE = 'gg_servers';
const BOUND = 5;
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

describe.skipIf(peers.missing)(`the Servers page in chromium, three replicas${peers.note}`, () => {
  let cluster: PostgresCluster;
  let root: string;
  const replicas: ReplicaProcess[] = [];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    cluster = await startPostgresCluster({ port: 22030 });
    await cluster.createDatabase(DATABASE);
    root = mkdtempSync(join(tmpdir(), 'gg-servers-'));
    const server = [
      'server:',
      '  dataDir: data',
      '  adminPort: 0',
      `  store: "${cluster.url(DATABASE)}"`,
      `  historyQueue: ${BOUND}`,
      '',
    ].join('\n');
    const configText = fleetYaml([{ mac: '00:15:65:00:52:30', vendor: 'yealink', model: 'T46U' }]).replace('server:\n', server);
    const spec = { root, masterKeyHex: KEY, adminPassword: ADMIN_PASSWORD };
    replicas.push(
      ...(await Promise.all([
        startReplica({ ...spec, configText, name: 'a', port: 22031 }),
        startReplica({ ...spec, configText, name: 'b', port: 22032 }),
        // not yet updated from git: one more line
        startReplica({ ...spec, configText: `${configText}# edited on this replica only\n`, name: 'c', port: 22033 }),
      ])),
    );
    browser = await launchChromium(peers.path('chromium'));
    context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1366, height: 900 },
      baseURL: replicas[0]!.adminOrigin(),
    });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all(replicas.map((r) => r.stop()));
    await cluster?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const rows = () => page.getByRole('table', { name: /replica\(s\) serving this installation/ }).locator('tbody tr');
  const fact = (name: string) => page.locator(`xpath=//dt[normalize-space()="${name}"]/following-sibling::dd[1]`);
  const idOf = (r: ReplicaProcess) => `:${r.child.pid}`;

  it('lists every replica with its inventory version, flags the one that differs, shows coordination and database', {
    timeout: 60_000,
  }, async () => {
    await page.goto('/login');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('link', { name: 'Servers' }).click();
    await page.waitForURL((u) => u.pathname === '/servers');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Servers');
    await until(
      async () => {
        await page.reload();
        return (await rows().count()) === 3;
      },
      15_000,
      'three replicas listed',
    );
    const text = await rows().allTextContents();
    const [a, b, c] = replicas;
    const rowOf = (r: ReplicaProcess) => text.find((t) => t.includes(idOf(r)))!;
    expect(rowOf(a!)).toContain('(this one)');
    expect(rowOf(b!)).not.toContain('(this one)');
    expect(rowOf(c!)).toContain('differs');
    expect(rowOf(a!)).not.toContain('differs');
    expect(rowOf(b!)).not.toContain('differs');
    // the versions are the sha256 prefixes of the files (read back from the database with psql)
    const versions = new Map(psqlRows(cluster, DATABASE, 'SELECT id, inventory_version FROM gg_replicas').map(([id, v]) => [id!, v!]));
    for (const r of replicas) {
      const id = [...versions.keys()].find((k) => k.endsWith(idOf(r)))!;
      expect(rowOf(r)).toContain(versions.get(id)!);
    }
    // the three started together on a new database: the migrations applied once, under the lock, none failed
    expect(psqlRows(cluster, DATABASE, 'SELECT version FROM schema_version ORDER BY version')).toEqual([['1'], ['2'], ['3'], ['4']]);
    const alert = await page.getByRole('alert').textContent();
    expect(alert).toContain('Inventory mismatch');
    expect(alert).toContain(idOf(c!));
    expect(alert).not.toContain(idOf(a!));
    expect(await fact('Shared through').textContent()).toContain('postgres');
    expect(await fact('Reachable').first().textContent()).toBe('yes');
    expect(await fact('Backend').textContent()).toBe('postgres');
    expect(await fact('Records queued in memory').textContent()).toBe(`0 of at most ${BOUND}`);
    expect(await fact('Records dropped').textContent()).toBe('0');
    await page.screenshot({ path: join(ARTIFACTS, 'servers-mismatch.png'), fullPage: true });
  });

  it('a replica row holding markup is shown as text, never run', async () => {
    psqlRows(cluster, DATABASE, `INSERT INTO gg_replicas (id, inventory_version, seen_at) VALUES ('${HOSTILE}', '"><b>v</b>', now())`);
    await page.reload();
    expect(await rows().filter({ hasText: HOSTILE }).count()).toBe(1);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('main b', { hasText: /^v$/ }).count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
  });

  it('with PostgreSQL stopped: the page says the database is away, the API shows records queued and dropped; back, the page shows them', {
    timeout: 90_000,
  }, async () => {
    const [a] = replicas;
    await cluster.pause();
    const phone = phoneClient(a!.port, '127.152.30.1');
    // a shared file asked for by an unknown model: refused with an event each, no database needed to decide it
    for (let n = 0; n < BOUND + 3; n++) {
      const res = await phone.request({
        method: 'GET',
        path: '/y000000000000.boot',
        headers: { 'user-agent': `Yealink SIP-X${String(n).padStart(4, '0')} 108.86.0.45` },
      });
      await res.body.text();
    }
    await phone.close();
    const away = await page.goto('/servers');
    expect(away!.status()).toBe(503);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('State database unreachable');
    await page.screenshot({ path: join(ARTIFACTS, 'servers-database-away.png'), fullPage: true });
    const status = async () => {
      const res = await page.request.get('/api/status', {
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
      });
      return (await res.json()) as {
        database: { reachable: boolean; queued: number; dropped: number };
        coordination: { connected: boolean };
      };
    };
    // (an inventory-mismatch event raised by a heartbeat just before the stop may queue too: dropped is at least 3;
    // the notification connection notices the stop on its own time)
    await until(
      async () => {
        const now = await status();
        return now.database.dropped >= 3 && !now.coordination.connected;
      },
      20_000,
      'the records dropped and the coordination disconnected',
    );
    const held = await status();
    expect(held.database).toMatchObject({ reachable: false, queued: BOUND });
    expect(held.coordination.connected).toBe(false);

    await cluster.resume();
    await until(
      async () =>
        (await page.goto('/servers'))!.status() === 200 &&
        (await fact('Records queued in memory').textContent()) === `0 of at most ${BOUND}`,
      30_000,
      'the page again, the queue written',
    );
    expect(Number(await fact('Records dropped').textContent())).toBe(held.database.dropped);
    await until(
      async () => {
        await page.reload();
        return (await fact('Reachable').allTextContents()).every((t) => t === 'yes');
      },
      15_000,
      'coordination and database reachable again',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'servers-after-outage.png'), fullPage: true });
  });
});
