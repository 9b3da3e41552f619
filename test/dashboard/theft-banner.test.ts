/**
 * The theft banner in a real browser (playwright-core driving Debian's chromium): a thief enrols a phone inside its
 * window from one address, the real phone is then refused from another (enrolment-conflict), over real HTTPS from
 * 127.136.7.x. The Fleet page and the device page show the possible theft; one click on "Rotate credentials and
 * re-enrol" rotates the credentials and opens a fresh window — the banner goes, the real phone enrols, the thief's
 * credentials no longer work. The action needs the session's CSRF token like every dashboard form.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { Runtime } from '../../src/app/runtime.js';
import { macWithColons, parseMac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { launchChromium } from '../helpers/chromium.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('chromium');
const PASSWORD = 'theft-banner-Pa55word-q3';
const MAC = parseMac('00:15:65:00:36:70')!;
const OTHER = parseMac('00:15:65:00:36:71')!;
const THIEF = '127.136.7.66';
const PHONE = '127.136.7.10';
const UA = `Yealink SIP-T46U 108.86.0.45 ${macWithColons(MAC)}`;
const transport = socketTransport();
let runtime: Runtime;
let adminUrl: string;
let browser: Browser;
let page: Page;

const fetchAs = (source: string, authorization?: string) =>
  transport.send(runtime, source, {
    method: 'GET',
    url: `/${MAC}.cfg`,
    headers: { 'user-agent': UA, ...(authorization ? { authorization } : {}) },
  });

beforeAll(async () => {
  if (peers.missing) return;
  const { dir, path } = writeTempConfig(
    // pinned to the enrolling address: the re-enrolment must let the real phone in from its own
    fleetYaml([
      { mac: macWithColons(MAC), vendor: 'yealink', model: 'T46U' },
      { mac: macWithColons(OTHER), vendor: 'yealink', model: 'T46U' },
    ]).replace('  tls: auto\n', '  tls: auto\n  pinSource: address\n'),
  );
  runtime = await Runtime.create({
    configPath: path,
    vendors: VENDORS,
    dataDir: join(dir, 'data'),
    env: { GHOSTGUARD_ADMIN_PASSWORD: PASSWORD },
  });
  await transport.started(runtime);
  adminUrl = (await runtime.listenAdmin('127.136.0.3', 0))!.replace('localhost', '127.136.0.3');
  browser = await launchChromium(peers.path('chromium'));
  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: adminUrl });
  page = await context.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (runtime) {
    await transport.close(runtime);
    await runtime.close();
  }
});

describe.skipIf(peers.missing)(`theft banner in chromium${peers.note}`, () => {
  it('shows the enrolment conflict on the Fleet and device pages; one click rotates and re-enrols', { timeout: 90_000 }, async () => {
    // the theft: the thief enrols inside the window, the real phone is refused twice from its own address
    expect((await fetchAs(THIEF)).statusCode).toBe(200);
    const stolenNonce = nonceFrom((await fetchAs(PHONE)).headers['www-authenticate']);
    expect((await fetchAs(PHONE)).statusCode).toBe(401);
    // a refusal's events are recorded a moment after its 401 (the history look-up waits for the writer thread)
    await expect.poll(async () => (await runtime.store.events({ reason: 'enrolment-conflict', mac: MAC })).length).toBe(1);

    await page.goto('/login');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    const banner = page.getByRole('alert', { name: 'Possible credential theft' });
    await expect.poll(() => banner.textContent()).toContain('Possible credential theft: 1 device(s)');
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain(macWithColons(MAC));
    expect(text).toContain(`enrolment-conflict from ${PHONE}`);
    expect(text).toContain(`enrolled by ${THIEF}`);
    expect(text).not.toContain(macWithColons(OTHER));

    // a forged POST without the session's CSRF token changes nothing
    const forged = await page.request.post(`/devices/${MAC}/rotate-reenrol`, { form: {}, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect((await runtime.store.credentials(MAC)).generation).toBe(0);

    await page
      .getByRole('link', { name: macWithColons(MAC) })
      .first()
      .click();
    await page.waitForURL((u) => u.pathname === `/devices/${MAC}`);
    await expect.poll(() => page.getByRole('alert', { name: 'Possible credential theft' }).count()).toBe(1);
    await page.getByRole('button', { name: `Rotate credentials and re-enrol ${macWithColons(MAC)}` }).click();
    await page.waitForURL((u) => u.pathname === `/devices/${MAC}`);
    await expect.poll(() => page.getByRole('alert', { name: 'Possible credential theft' }).count()).toBe(0);
    const facts = (await page.locator('dl.facts').first().textContent()) ?? '';
    expect(facts).toMatch(/Enrolment\s*open until/);
    expect(facts).toContain('generation 1');
    expect((await runtime.store.events({ reason: 'credentials-rotated', mac: MAC }))[0]!.detail).toMatch(
      /^generation 1, SIP passwords too, from the dashboard/,
    );
    await page.goto('/');
    expect(await page.getByRole('alert', { name: 'Possible credential theft' }).count()).toBe(0);

    // the thief's generation-0 credentials are refused now; the real phone enrols in the fresh window
    const inventory = runtime.config.inventory;
    const thiefAuth = digestHeader(
      inventory.provisioningUsername(MAC),
      inventory.provisioningPassword(MAC, 0),
      'GET',
      `/${MAC}.cfg`,
      stolenNonce,
    );
    expect((await fetchAs(THIEF, thiefAuth)).statusCode).toBe(401);
    expect((await fetchAs(PHONE)).statusCode).toBe(200);
  });
});
