/**
 * The dashboard's audit form takes the SSH ports like `audit --ssh-ports`: in a real browser (playwright-core driving
 * Debian's chromium) the admin opens "Ports and logins", types the port, starts the audit and reads the ssh-off failure
 * with the banner as evidence. The SSH side is a listener on the phone's own address that sends an RFC 4253 §4.2
 * identification line, as an SSH server does before anything else. This file's range: 127.147.1.0/24, port 22022.
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { systemPeers } from '../helpers/system-peers.js';
import { ADMIN_PASSWORD, startDashboardLab, type DashboardLab } from './lab.js';

const peers = systemPeers('chromium');
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts/dashboard');
const SSH_PORT = 22022;
const BANNER = 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3';

let lab: DashboardLab;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let ssh: net.Server;
const problems: string[] = [];

beforeAll(async () => {
  if (peers.missing) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  lab = await startDashboardLab('127.147.1.1', 2, 0, 0x47);
  ssh = net.createServer((socket) => socket.end(`${BANNER}\r\n`));
  await new Promise<void>((resolve, reject) => {
    ssh.once('error', reject);
    ssh.listen(SSH_PORT, lab.manifest[0]!.ip, resolve);
  });
  const adminUrl = (await lab.runtime.listenAdmin('127.0.0.1', 0))!.replace('localhost', '127.0.0.1');
  browser = await launchChromium(peers.path('chromium'));
  context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1366, height: 900 }, baseURL: adminUrl });
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await new Promise((r) => (ssh ? ssh.close(r) : r(undefined)));
  await lab?.stop();
});

describe.skipIf(peers.missing)(`dashboard audit form with SSH ports in chromium${peers.note}`, () => {
  it('fails ssh-off on the phone whose address answers with an SSH banner on the port typed into the form', async () => {
    const phone = lab.manifest[0]!;
    await page.goto('/login');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto('/audits');
    await page.getByLabel(/^Targets/).fill(lab.range);
    await page.getByText('Ports and logins').click();
    await page.getByLabel(/^SSH ports/).fill(String(SSH_PORT));
    await page.getByRole('button', { name: 'Start audit' }).click();
    await page.waitForURL((u) => /^\/audits\/\d+$/.test(u.pathname));
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 60_000 });
    const findings = await page.getByRole('table', { name: `Findings for ${phone.ip}` }).textContent();
    expect(findings).toContain('ssh-off');
    expect(findings).toContain(`tcp/${SSH_PORT} answers with an SSH banner ("${BANNER}")`);
    await page.screenshot({ path: join(ARTIFACTS, 'audit-ssh-ports.png'), fullPage: true });

    // the other phone's address has nothing on that port: a refusal is a note, never a failure
    await page.getByRole('link', { name: 'Show every check' }).click();
    const other = await page.getByRole('table', { name: `Findings for ${lab.manifest[1]!.ip}` }).textContent();
    expect(other).not.toContain('answers with an SSH banner');
    expect(problems).toEqual([]);
  });

  it('refuses a port the CLI would refuse, naming the field', async () => {
    await page.goto('/audits');
    await page.getByLabel(/^Targets/).fill(lab.range);
    await page.getByText('Ports and logins').click();
    await page.getByLabel(/^SSH ports/).fill('0');
    await page.getByRole('button', { name: 'Start audit' }).click();
    expect(await page.locator('main').textContent()).toContain('--ssh-ports must be a whole number from 1 to 65535');
  });
});
