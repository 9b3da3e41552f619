/**
 * Done when: a scheduled audit against the lab notices a phone factory-reset between two of its runs and posts exactly
 * one webhook, signed, to a local receiver; the next run, with nothing changed, posts nothing. Everything runs through
 * the public surfaces: the config file (a `schedules:` section added by a reload), Runtime, the lab, the dashboard API.
 * This file's range: 127.0.93.0/24 (no other test uses it).
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabFleet, planFleet, type FleetOptions } from '../../src/lab/fleet.js';
import { inventoryYaml } from '../../src/lab/inventory-yaml.js';
import { EmulatedPhone } from '../../src/lab/phone.js';
import { Runtime } from '../../src/app/runtime.js';
import { formatScheduleLog, type ScheduleLogEntry } from '../../src/schedule/log.js';
import type { ScheduleRunResult } from '../../src/schedule/schedule-types.js';
import { verifySignature } from '../../src/schedule/webhook.js';
import { VENDORS } from '../../vendors/index.js';
import { freeTcpPort, freeUdpPort } from '../auditor/helpers/net.js';
import { InjectSession } from '../dashboard/session.js';
import { Receiver } from './receiver.js';

const BASE = '127.0.93.1';
const PHONES = 6;
const WEBHOOK_SECRET = 'lab-e2e-webhook-secret-7f3a91c2';
const ADMIN_PASSWORD = 'schedule-e2e-Pa55word';

let dir: string;
let configPath: string;
let runtime: Runtime;
let fleet: LabFleet;
let receiver: Receiver;
let replacement: EmulatedPhone | undefined;
let options: Omit<FleetOptions, 'server'>;
const logLines: string[] = [];

beforeAll(async () => {
  options = {
    phones: PHONES,
    factory: 1,
    baseIp: BASE,
    adapters: VENDORS,
    httpPort: await freeTcpPort(BASE),
    httpsPort: await freeTcpPort(BASE),
    snmpPort: await freeUdpPort(BASE),
    macSeed: 0x93,
  };
  dir = mkdtempSync(join(tmpdir(), 'gg-sched-e2e-'));
  configPath = join(dir, 'ghostguard.yaml');
  writeFileSync(
    configPath,
    inventoryYaml(planFleet(options), {
      server: { port: 0, adminPort: 0, publicUrl: 'https://127.0.0.1:8443/', dataDir: join(dir, 'data'), tls: 'auto' },
    }),
  );
  receiver = await Receiver.start();
  runtime = await Runtime.create({
    configPath,
    vendors: VENDORS,
    dataDir: join(dir, 'data'),
    env: { GHOSTGUARD_ADMIN_PASSWORD: ADMIN_PASSWORD, GG_E2E_WEBHOOK_SECRET: WEBHOOK_SECRET },
    scheduler: { firstRunDelayMs: 50 },
    scheduleLog: (e: ScheduleLogEntry) => logLines.push(formatScheduleLog(e)),
  });
  const url = (await runtime.listen('127.0.0.1', 0))[0]!.replace('localhost', '127.0.0.1');
  fleet = await LabFleet.start({ ...options, server: url, serverCa: runtime.tls!.cert });
  await runtime.store.flush();
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await fleet?.stop();
  await replacement?.stop();
  await receiver?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Stops the phone and powers on a factory-default unit with the same identity on the same address. */
async function factoryReset(ip: string): Promise<EmulatedPhone> {
  const old = fleet.phone(ip)!;
  await old.stop();
  const fresh = new EmulatedPhone({ ...old.spec, factory: true }, old.adapter);
  await fresh.start();
  return fresh;
}

describe('scheduled audit of the lab', () => {
  it('notices a factory-reset phone: one signed webhook naming it newly exposed, then silence', async () => {
    const manifest = fleet.manifest();
    // a provisioned phone that a scanner cannot ring, whose factory twin it can
    const victim = manifest.find((p) => p.provisioned && !p.expect.ringsForStrangers && p.vendor === 'yealink')!;
    expect(victim).toBeDefined();
    const runs: ScheduleRunResult[] = [];
    let resetDone = false;
    const three = new Promise<void>((done) => {
      runtime.scheduler!.onRun(async (r) => {
        runs.push(r);
        if (runs.length === 1) {
          // between run 1 and run 2 (the scheduler waits for this listener before its next run)
          replacement = await factoryReset(victim.ip);
          resetDone = true;
        }
        if (runs.length === 3) done();
      });
    });

    // the schedule arrives by a config reload while the server is running
    appendFileSync(
      configPath,
      [
        'schedules:',
        '  - name: lab',
        `    targets: [${BASE}-${PHONES}]`,
        '    every: 1',
        `    options: { sipPorts: [5060], httpPorts: [${options.httpPort}], httpsPorts: [${options.httpsPort}], snmpPort: ${options.snmpPort}, timeoutMs: 500, retries: 1, hostGapMs: 0 }`,
        '    webhook:',
        `      url: "${receiver.url}"`,
        '      secret: env:GG_E2E_WEBHOOK_SECRET',
        '',
      ].join('\n'),
    );
    expect(runtime.config.reload()).toMatchObject({ ok: true });
    await three;
    expect(resetDone).toBe(true);
    expect(replacement!.manifest().expect.ringsForStrangers).toBe(true);

    const [first, second, third] = runs as [ScheduleRunResult, ScheduleRunResult, ScheduleRunResult];
    expect(runs.map((r) => r.complete)).toEqual([true, true, true]);
    expect(first.previousRunId).toBeUndefined();
    expect(first.record.phones).toBe(PHONES);
    expect(second.previousRunId).toBe(first.runId);
    expect(third.previousRunId).toBe(second.runId);
    expect(third.changes).toEqual([]);
    expect(third.delivery).toBeUndefined();

    // exactly one POST, for run 2, naming the reset phone as newly exposed — and only that phone
    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.headers['content-type']).toBe('application/json');
    expect(
      verifySignature(
        WEBHOOK_SECRET,
        post.headers['x-ghostguard-timestamp'] as string,
        post.headers['x-ghostguard-signature'] as string,
        post.body,
      ),
    ).toBe(true);
    const payload = JSON.parse(post.body);
    expect(payload).toMatchObject({ event: 'ghostguard.audit.changes', schedule: 'lab', runId: second.runId, previousRunId: first.runId });
    const exposed = payload.changes.filter((c: { kind: string }) => c.kind === 'newly-exposed');
    expect(exposed).toHaveLength(1);
    expect(exposed[0]).toMatchObject({ host: victim.ip, mac: victim.mac, vendor: victim.vendor, model: victim.model });
    expect(exposed[0].rules).toContain('sip-trusted-only');
    expect(payload.changes.every((c: { host: string }) => c.host === victim.ip)).toBe(true);
    expect(second.delivery).toMatchObject({ ok: true, attempts: 1, status: 200 });
    expect(second.record).toMatchObject({ delivery: 'delivered', exposed: first.record.exposed + 1 });

    // the log: each change and the delivery, never the secret
    expect(logLines.some((l) => l.startsWith(`schedule lab: newly-exposed ${victim.ip} (${victim.mac}) [`))).toBe(true);
    expect(logLines.some((l) => /schedule lab: webhook http:\/\/127\.0\.0\.1:\d+\/… delivered/.test(l))).toBe(true);
    const jsonl = join(dir, 'data', 'schedules.jsonl');
    expect(existsSync(jsonl)).toBe(true);
    expect(statSync(jsonl).mode & 0o777).toBe(0o600);
    const written = readFileSync(jsonl, 'utf8');
    expect(written).toContain('"event":"change"');
    for (const text of [written, logLines.join('\n'), post.body]) {
      expect(text).not.toContain(WEBHOOK_SECRET);
      expect(text).not.toContain('path-secret-123');
      for (const secret of runtime.config.inventory.allSecrets().filter((s) => s.length >= 6)) expect(text).not.toContain(secret);
    }

    // the dashboard: the trend as JSON (authenticated) and on the audits page
    const admin = runtime.adminApp!;
    expect((await admin.inject({ url: '/api/audits/trend' })).statusCode).toBe(401);
    const basic = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };
    const trend = (await admin.inject({ url: '/api/audits/trend?schedule=lab', headers: basic })).json();
    const lab = trend.series[0];
    expect(trend.series).toHaveLength(1);
    expect(lab).toMatchObject({ schedule: 'lab', configured: true, everySeconds: 1, targets: [`${BASE}-${PHONES}`] });
    expect(lab.points.slice(0, 3).map((p: { runId: number }) => p.runId)).toEqual([first.runId, second.runId, third.runId]);
    expect(lab.points[1]).toMatchObject({ exposed: first.record.exposed + 1, delivery: 'delivered', complete: true });
    expect(lab.points[2]).toMatchObject({ exposed: first.record.exposed + 1, changes: 0, delivery: 'none' });
    const session = new InjectSession(admin);
    await session.login(ADMIN_PASSWORD);
    const page = await session.get('/audits');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.body).toContain('<h2>Scheduled audits</h2>');
    expect(page.body).toMatch(/<svg class="spark spark-exposed"[^>]* role="img" aria-labelledby="trend-0-e-t trend-0-e-d"/);
    expect(page.body).toContain('<title id="trend-0-e-t">Exposed phones per run, schedule lab</title>');
    expect(page.body).toContain('<caption>Runs of lab, newest first</caption>');
    expect(page.body).toContain(`<a href="/audits/${second.runId}">#${second.runId}</a>`);
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)|\sstyle=/);
  }, 120_000);
});
