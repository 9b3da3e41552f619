/**
 * The dashboard in a real browser (playwright-core driving Debian's chromium) against a real Runtime and lab phones:
 * log in, check a handset, start an audit and read its findings, on a laptop and a phone screen. Screenshots go to
 * test-artifacts/dashboard/. This file's range: 127.0.90.0/24.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { macWithColons, type Mac } from '../../src/model/mac.js';
import { launchChromium } from '../helpers/chromium.js';
import { systemPeers } from '../helpers/system-peers.js';
import { ADMIN_PASSWORD, startDashboardLab, type DashboardLab } from './lab.js';

const peers = systemPeers('chromium');
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/dashboard');
const LAPTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };

let lab: DashboardLab;
let adminUrl: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Every visible form control has a label a screen reader announces. */
async function unlabelledControls(p: Page): Promise<string[]> {
  return p.$$eval('input:not([type=hidden]), select, textarea', (els) =>
    els
      .filter((el) => {
        const id = el.getAttribute('id');
        const byFor = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
        return !byFor && !el.closest('label') && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby');
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

beforeAll(async () => {
  if (peers.missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  lab = await startDashboardLab('127.0.90.1', 6, 2, 0x90);
  adminUrl = (await lab.runtime.listenAdmin('127.0.0.1', 0))!.replace('localhost', '127.0.0.1');
  browser = await launchChromium(peers.path('chromium'));
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: LAPTOP, baseURL: adminUrl });
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // 4xx answers the tests provoke on purpose (a wrong password) are logged by chromium as failed loads
    if (msg.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()))
      problems.push(`console: ${msg.text()}`);
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await lab?.stop();
});

describe.skipIf(peers.missing)(`dashboard in chromium${peers.note}`, () => {
  it('sends a stranger to the login page, refuses a wrong password, then logs in', async () => {
    await page.goto('/audits');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong user name or password');
    await shot(page, 'login-refused');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    // keyboard only: Enter submits the form
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname === '/audits');
    await page.getByRole('link', { name: 'Fleet', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Fleet overview');
    const provisioned = lab.manifest.filter((p) => !p.factory).length;
    expect(
      await page
        .getByRole('table', { name: /device\(s\)/ })
        .locator('tbody tr')
        .count(),
    ).toBe(provisioned);
    expect(await unlabelledControls(page)).toEqual([]);
    await shot(page, 'fleet-laptop');
  });

  it('checks a factory-default lab phone by IP (INVITE probe ticked by default): likely rings, with the failing rules and their fixes', async () => {
    const factory = lab.manifest.find((p) => p.factory)!;
    await page.getByRole('link', { name: 'Check a handset' }).click();
    await page.getByLabel(/IP or MAC address/).fill(factory.ip);
    expect(await page.getByLabel('Send the non-ringing INVITE probe').isChecked()).toBe(true);
    const started = Date.now();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const verdict = page.locator('#verdict-h');
    await verdict.waitFor({ timeout: 20_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    // the lab phones answer the probe's unsupported Require: with 420: processed without alerting
    expect(await verdict.textContent()).toMatch(/^Likely rings for scanners/);
    expect(await page.locator('section.verdict').textContent()).toContain('INVITE probe: sent the non-ringing INVITE probe to 100');
    const failing = page.getByRole('table', { name: /failing rule/ });
    expect(await failing.textContent()).toContain('Accept SIP only from trusted servers');
    expect(await failing.textContent()).toMatch(/fix|re-provision|firewall/i);
    expect(await page.locator('dl.facts').first().textContent()).toContain(factory.ip);
    await shot(page, 'check-exposed');
  });

  it('checks a provisioned phone by MAC: address from its fetch history, site, extension, current config', async () => {
    const phone = lab.manifest.find((p) => !p.factory && p.vendor === 'yealink')!;
    const mac = macWithColons(phone.mac as Mac);
    await page.goto('/check');
    await page.getByLabel(/IP or MAC address/).fill(mac);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const verdict = page.locator('#verdict-h');
    await verdict.waitFor({ timeout: 20_000 });
    expect(await verdict.textContent()).not.toMatch(/ring/i);
    const facts = await page.locator('dl.facts').first().textContent();
    expect(facts).toContain(phone.ip);
    expect(facts).toContain('(from its last fetch)');
    expect(facts).toContain('lab');
    expect(facts).toMatch(/Extension\s*10\d\d/);
    expect(await page.getByRole('table', { name: /What was served/ }).textContent()).toContain('current');
    await shot(page, 'check-provisioned');
    await page.setViewportSize(PHONE);
    await shot(page, 'check-provisioned-phone');
    await page.setViewportSize(LAPTOP);
  });

  it('starts an audit of the lab range, shows its progress, then its findings', async () => {
    await page.getByRole('link', { name: 'Audits' }).click();
    await page.getByLabel(/^Targets/).fill(lab.range);
    await page.getByRole('button', { name: 'Start audit' }).click();
    await page.waitForURL((u) => /^\/audits\/\d+$/.test(u.pathname));
    // the page polls /api/audits/:id with its external script, then reloads with the findings
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('h1 .badge').textContent()).toBe('finished');
    const factory = lab.manifest.filter((p) => p.factory);
    for (const p of factory)
      expect(await page.getByRole('heading', { name: new RegExp(`${p.ip.replace(/\./g, '\\.')} — \\d+ failing`) }).count()).toBe(1);
    expect(await page.getByRole('table', { name: `Findings for ${factory[0]!.ip}` }).textContent()).toContain('sip-trusted-only');
    await shot(page, 'audit-findings');
    await page.getByRole('link', { name: 'Show every check' }).click();
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(lab.manifest.length);
  });

  it('shows a device page with history, the last audit, the masked config and its comparison', async () => {
    const phone = lab.manifest.find((p) => !p.factory && p.vendor === 'grandstream')!;
    await page.goto('/');
    await page.getByRole('link', { name: macWithColons(phone.mac as Mac) }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(macWithColons(phone.mac as Mac));
    expect(await page.getByRole('table', { name: 'Fetch history (newest first)' }).locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByRole('table', { name: 'Findings of the last audit' }).count()).toBe(1);
    await page.getByText('Rendered config (secrets masked)').first().click();
    const body = await page.content();
    expect(body).toContain('********');
    for (const secret of lab.runtime.config.inventory.allSecrets()) expect(body).not.toContain(secret);
    expect(body).toContain('Identical to what the phone last fetched.');
    await shot(page, 'device');
  });

  it("a phone refused after a factory reset is Locked out; its page's Enrol action opens a window", async () => {
    const phone = lab.manifest.find((p) => !p.factory && p.vendor === 'yealink')!;
    const mac = phone.mac as Mac;
    // the reset phone asks for its device file without credentials from a new address, twice (it never authenticates)
    const ua = `Yealink SIP-${phone.model} 108.86.0.45 ${macWithColons(mac)}`;
    for (let i = 0; i < 2; i++) {
      const res = await lab.runtime.app.inject({
        method: 'GET',
        url: `/${mac}.cfg`,
        remoteAddress: '127.0.90.200',
        headers: { 'user-agent': ua },
      });
      expect(res.statusCode).toBe(401);
    }
    await lab.runtime.store.flush();
    await page.goto(`/?state=locked-out`);
    // an enrolment-conflict also lists the device in the possible-theft banner: follow the devices table's link
    const devices = page.getByRole('table', { name: /device\(s\) matching the filter/ });
    await devices.getByRole('link', { name: macWithColons(mac) }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(macWithColons(mac));
    expect(await page.locator('.badge.s-locked-out').first().textContent()).toBe('Locked out');
    expect(await page.content()).toMatch(/locked out since \S+ \((not-enrolled|enrolment-conflict) from 127\.0\.90\.200\)/);
    await page.getByRole('button', { name: /Open an enrolment window/ }).click();
    await expect.poll(() => page.content()).toMatch(/an enrolment window is open until \S+, waiting for the phone/);
    expect(new URL(page.url()).pathname).toBe(`/devices/${mac}`);
    await shot(page, 'device-locked-out');
  });

  it('reads well on a phone screen: no sideways scrolling of the page itself', async () => {
    const mobile = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      baseURL: adminUrl,
    });
    try {
      await mobile.addCookies(await context.cookies());
      const p = await mobile.newPage();
      for (const [path, name] of [
        ['/', 'fleet-phone'],
        ['/audits', 'audits-phone'],
        ['/events', 'events-phone'],
      ] as const) {
        await p.goto(path);
        expect(new URL(p.url()).pathname).toBe(path);
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, path).toBeLessThanOrEqual(1);
        await shot(p, name);
      }
    } finally {
      await mobile.close();
    }
  });

  it('keeps out cross-site requests: a form post without the CSRF token is refused', async () => {
    const res = await page.request.post('/audits', { form: { targets: lab.range } });
    expect(res.status()).toBe(403);
  });

  it('logs out; the session no longer opens pages', async () => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    await page.goto('/events');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(problems).toEqual([]);
  });
});
