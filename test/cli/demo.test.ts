/** The quick start's demo, end to end: server, lab fleet, audit — verdicts agree with the lab's ground truth. */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

it("ghostguard demo provisions a lab fleet with every SIP behaviour class, audits it, and every verdict matches the lab's ground truth", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-demo-'));
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: () => {}, env: {}, cwd: dir, isTty: false };
  expect(await main(['demo', '--phones', '12', '--factory', '6', '--dir', 'demo', '--base-ip', '127.0.62.1'], io)).toBe(0);
  expect(out).toMatch(/12 emulated phones on 127\.0\.62\.1–127\.0\.62\.12: 6 provisioned by ghostguard, 6 left at factory defaults/);
  // each vendor's first factory phone keeps its factory behaviour: it answers the probe's unsupported Require: with 420
  // (likely rings; a factory Poly would ring a real stranger's call); the next factory phones get the showcase classes,
  // and the first provisioned phone rings only for its own extension — which the inventory lists, so the probe addresses it
  expect(out).toMatch(/factory +RINGS +RINGS \(class rings\)/);
  expect(out).toMatch(/refuses +refuses \(class trying-then-403\)/);
  expect(out).toMatch(/refuses +refuses \(class refuse-403\)/);
  expect(out).toMatch(/provisioned +RINGS +RINGS \(class checks-request-uri-user\)/);
  // and the provisioned GRP2616 on 1.0.5.48, whose P-value family has no verified switch for accounts 5-6: likely rings
  expect(out).toMatch(/provisioned +likely rings +likely rings/);
  expect(out).toMatch(/ghost calls: 2 phones will ring, 4 likely ring, /);
  expect(out).toMatch(/audit verdicts match the lab's ground truth for 12\/12/);
  const report = JSON.parse(readFileSync(join(dir, 'demo', 'audit.json'), 'utf8')) as { hosts: { host: string }[] };
  expect(report.hosts).toHaveLength(12);
  expect(existsSync(join(dir, 'demo', 'audit.html'))).toBe(true);
  expect(out).toContain('every phone, socket and listener closed');
  // a second run in the same directory an hour later: new factory-fresh phones, the state of the first run kept
  const db = new Database(join(dir, 'demo', 'data', 'state.sqlite'));
  expect(db.prepare('UPDATE enrolments SET closed_at = ?').run(new Date(Date.now() - 3600_000).toISOString()).changes).toBe(6);
  db.close();
  out = '';
  expect(await main(['demo', '--phones', '12', '--factory', '6', '--dir', 'demo', '--base-ip', '127.0.62.1'], io)).toBe(0);
  expect(out).toMatch(/12 emulated phones .*: 6 provisioned by ghostguard, 6 left at factory defaults/);
  expect(out).toMatch(/audit verdicts match the lab's ground truth for 12\/12/);
}, 60_000);
