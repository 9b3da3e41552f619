/**
 * Resync from the device page in a real browser (playwright-core driving Debian's chromium) against a real Runtime and
 * lab phones: log in, open a phone's page, click "Resync now", read what was sent, go back and watch the phone's fetch
 * history grow as it fetches its files again. Screenshots go to test-artifacts/dashboard/. This file's range:
 * 127.137.6.0/24.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { systemPeers } from '../helpers/system-peers.js';
import { ADMIN_PASSWORD, startDashboardLab, type DashboardLab } from './lab.js';

const peers = systemPeers('chromium');
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/dashboard');

let lab: DashboardLab;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (peers.missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  lab = await startDashboardLab('127.137.6.1', 3, 0, 0x39);
  const adminUrl = (await lab.runtime.listenAdmin('127.0.0.1', 0))!.replace('localhost', '127.0.0.1');
  browser = await launchChromium(peers.path('chromium'));
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 900 }, baseURL: adminUrl });
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await lab?.stop();
});

const historyRows = () => page.getByRole('table', { name: 'Fetch history (newest first)' }).locator('tbody tr').count();

describe.skipIf(peers.missing)(`resync in chromium${peers.note}`, () => {
  it("clicks Resync now on a phone's page and sees the phone fetch its files again", async () => {
    const yl = lab.fleet.phones.find((p) => p.vendor === 'yealink')!;
    await page.goto('/login');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(`/devices/${yl.mac}`);
    const before = await historyRows();
    expect(before).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Resync now' }).click();
    await page.waitForURL((u) => u.pathname === `/devices/${yl.mac}/resync`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Resync Yealink');
    expect(await page.locator('main').textContent()).toContain('Sent: Action URI /servlet?key=AutoP: accepted (HTTP 200)');
    expect(await page.getByRole('status').first().textContent()).toContain('fetches its configuration now');
    await page.screenshot({ path: join(ARTIFACTS, 'resync-sent.png'), fullPage: true });
    expect(yl.remoteActions).toEqual(['resync']);

    await page.getByRole('link', { name: 'Back to the device' }).click();
    await expect
      .poll(
        async () => {
          await lab.runtime.store.flush();
          await page.reload();
          return historyRows();
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBeGreaterThan(before);
    await page.screenshot({ path: join(ARTIFACTS, 'resync-refetched.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
