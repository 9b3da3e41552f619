/**
 * The JSON API with HTTP Basic: fleet states, the device page's data (masked config and its diff against what was
 * last served), events, audit runs with progress, the OpenAPI description. Audits use a fake auditor here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps, AuditOptions } from '../../src/auditor/audit.js';
import { finding, type AuditReport } from '../../src/auditor/findings.js';
import { MASK } from '../../src/model/rule-check.js';
import type { Runtime } from '../../src/app/runtime.js';
import Database from 'better-sqlite3';
import { ghostCallRow } from '../../src/store/audit-store.js';
import type { GhostCall } from '../../src/model/ghost-call.js';
import { dashboardFor } from './session.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import type { SqliteStore } from '../../src/store/sqlite-store.js';

const PASSWORD = 'api-test-Pa55word';
const BASIC = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:a1';
let runtime: Runtime;
let app: FastifyInstance;
const waiting: (() => void)[] = [];
const release = () => {
  for (const r of waiting.splice(0)) r();
};

/** A fake auditor: stores the run like runAudit does, reports progress, and finishes when released. */
async function fakeAudit(options: AuditOptions, deps: AuditDeps): Promise<AuditReport> {
  if (options.targets.some((t) => !t.startsWith('127.'))) {
    const { GhostguardError } = await import('../../src/model/errors.js');
    throw new GhostguardError('GG_ERR_TARGET_FORBIDDEN', `audit target "${options.targets[0]}" is outside the allowed ranges`);
  }
  const startedAt = new Date();
  const runId = await deps.auditStore!.startRun(startedAt, options.targets);
  deps.onProgress?.({ done: 1, total: 4, phones: 1 });
  await new Promise<void>((r) => waiting.push(r));
  const findings = [
    finding('sip-trusted-only', 'fail', ['answered OPTIONS from the auditor'], ['sip.trust_ctrl = 1']),
    finding('firmware-current', 'pass', []),
  ];
  const summary = {
    hostsPlanned: 4,
    hostsScanned: 4,
    hostsResponsive: 1,
    phones: 1,
    findings: { pass: 1, fail: 1, unknown: 0, unsupported: 0, disabled: 0 },
    failures: { info: 0, low: 0, medium: 0, high: 0, critical: 1 },
    ghostCalls: { rings: 1, 'likely-rings': 0, refuses: 0, ignores: 0, unknown: 0 },
  };
  const ghostCall: GhostCall = {
    verdict: 'rings',
    evidence: ['INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated'],
  };
  const who = { host: '127.0.8.161', mac: '0015650000a1', vendor: 'yealink', model: 'T46U' };
  await deps.auditStore!.finishRun(runId, new Date(), summary, [
    { ...who, ...ghostCallRow('127.0.8.161', ghostCall) },
    ...findings.map((f) => ({ ...who, rule: f.check, state: f.state, severity: f.severity, evidence: f.evidence, fix: f.fix })),
  ]);
  return {
    format: 'ghostguard-audit',
    version: 1,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    targets: options.targets,
    exclude: [],
    options: {},
    summary,
    hosts: [{ host: '127.0.8.161', identity: 'model', ghostCall, probes: [], findings }],
  };
}

let firstBody: string;
const fetchDeviceFile = () =>
  runtime.app.inject({ method: 'GET', url: '/0015650000a1.cfg', headers: { 'user-agent': UA }, remoteAddress: '127.0.8.161' });

beforeAll(async () => {
  ({ runtime } = await startRuntime(
    fleetYaml([
      { mac: '00:15:65:00:00:a1', vendor: 'yealink', model: 'T46U' },
      { mac: '00:0b:82:00:00:a1', vendor: 'grandstream', model: 'GRP2614' },
      { mac: '00:04:f2:00:00:a1', vendor: 'polycom', model: 'VVX_400', disabled: true },
      // provisioned by another system: on the Fleet page as "Audit only", never served
      { mac: '00:0b:82:00:00:a2', vendor: 'grandstream', model: 'GXP2140', provision: false },
    ]),
  ));
  const res = await fetchDeviceFile();
  expect(res.statusCode).toBe(200);
  firstBody = res.body;
  await runtime.store.flush();
  app = await dashboardFor(runtime, PASSWORD, {
    audit: fakeAudit,
    snapshotIntervalMs: 50,
  });
});

afterAll(async () => {
  release();
  await app?.close();
  await runtime?.close();
});

const get = (url: string) => app.inject({ url, headers: BASIC });

describe('JSON API', () => {
  it('GET /api/devices: states and counts by site, vendor and state', async () => {
    const res = await get('/api/devices');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const states = Object.fromEntries(body.devices.map((d: { mac: string; state: string }) => [d.mac, d.state]));
    expect(states).toEqual({
      '0015650000a1': 'provisioned',
      '000b820000a1': 'never-fetched',
      '0004f20000a1': 'disabled',
      '000b820000a2': 'audit-only',
    });
    expect(body.bySite.hq).toMatchObject({ provisioned: 1, 'never-fetched': 1, disabled: 1, 'audit-only': 1, exposed: 0, stale: 0 });
    expect(body.byVendor.yealink.provisioned).toBe(1);
    expect((await get('/api/devices?state=never-fetched')).json().devices.map((d: { mac: string }) => d.mac)).toEqual(['000b820000a1']);
    expect((await get('/api/devices?state=bogus')).statusCode).toBe(400);
  });

  it('GET /api/devices/:mac: masked config identical to what was served, then a diff once the config changes', async () => {
    const first = (await get('/api/devices/00:15:65:00:00:a1')).json();
    expect(first.provisioning.current).toBe(true);
    expect(first.configs[0]).toMatchObject({
      file: '0015650000a1.cfg',
      current: true,
      diffNote: 'Identical to what the phone last fetched.',
    });
    expect(first.configs[0].body).toContain(MASK);
    // the follower has kept the served text (masked) by its sha256
    const deadline = Date.now() + 5000;
    const sha = first.configs[0].lastServed.sha256 as string;
    while (!(await runtime.store.snapshots.has(sha)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const path = runtime.config.path;
    const original = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, original.replace('registrar: 127.0.0.10', 'registrar: 127.0.0.12'));
      expect(runtime.config.reload().ok).toBe(true);
      const after = (await get('/api/devices/0015650000a1')).json();
      expect(after.row.state).toBe('stale');
      const cfg = after.configs[0];
      expect(cfg.current).toBe(false);
      expect(cfg.diffNote).toMatch(/^Changed since the phone last fetched it/);
      const lines = cfg.diff.hunks.flat() as { op: string; text: string }[];
      expect(lines.some((l) => l.op === '-' && l.text.includes('127.0.0.10'))).toBe(true);
      expect(lines.some((l) => l.op === '+' && l.text.includes('127.0.0.12'))).toBe(true);
      const all = JSON.stringify(after);
      for (const secret of runtime.config.inventory.allSecrets()) expect(all).not.toContain(secret);
      const reader = new Database((runtime.store as SqliteStore).file, { readonly: true });
      const stored = reader.prepare('SELECT body FROM dashboard_served').all() as { body: string }[];
      reader.close();
      for (const secret of runtime.config.inventory.allSecrets()) for (const s of stored) expect(s.body).not.toContain(secret);
    } finally {
      writeFileSync(path, original);
      runtime.config.reload();
    }
    expect((await get('/api/devices/001565009999')).statusCode).toBe(404);
  });

  it('GET /api/events: filtered, secrets scrubbed', async () => {
    const res = await get('/api/events?reason=enrolment-closed');
    expect(res.statusCode).toBe(200);
    expect(res.json().events.map((e: { mac: string }) => e.mac)).toEqual(['0015650000a1']);
    expect((await get('/api/events?mac=zz')).statusCode).toBe(400);
  });

  it('POST /api/audits starts a run; GET /api/audits/:id shows progress, then findings', async () => {
    const refused = await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: '192.0.2.0/24' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'GG_ERR_TARGET_FORBIDDEN' });
    expect(
      (await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: '@/etc/passwd' } })).statusCode,
    ).toBe(400);
    const started = await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: ['127.0.8.161-164'] } });
    expect(started.statusCode).toBe(202);
    const { id } = started.json();
    const running = (await get(`/api/audits/${id}`)).json();
    expect(running).toMatchObject({ id, status: 'running', progress: { done: 1, total: 4, phones: 1 }, findings: [] });
    expect((await get('/api/audits')).json().runs[0]).toMatchObject({ id, status: 'running' });
    // two at once at most
    expect((await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: '127.0.8.170' } })).statusCode).toBe(
      202,
    );
    const busy = await app.inject({ method: 'POST', url: '/api/audits', headers: BASIC, payload: { targets: '127.0.8.171' } });
    expect(busy.statusCode).toBe(429);
    expect(busy.json()).toMatchObject({ error: 'busy' });
    release();
    const deadline = Date.now() + 5000;
    let done = running;
    while (done.status === 'running' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      done = (await get(`/api/audits/${id}`)).json();
    }
    expect(done.status).toBe('finished');
    expect(done.findings.map((f: { rule: string; state: string }) => `${f.rule}:${f.state}`)).toEqual([
      'ghost-call:rings',
      'sip-trusted-only:fail',
      'firmware-current:pass',
    ]);
    // the fleet now counts the phone as exposed, from that run
    const row = (await get('/api/devices?q=0015650000a1')).json().devices[0];
    expect(row).toMatchObject({ state: 'exposed', audit: { ghostCall: { verdict: 'rings' } } });
    expect(row.audit.runId).toBeGreaterThanOrEqual(id);
    expect((await runtime.store.auditRuns.run(id))?.finishedAt).toBeDefined();
    expect((await get('/api/audits/999999')).statusCode).toBe(404);
  });

  it('GET /api/status: inventory size, the render cache and templates the phone server shares, memory', async () => {
    // the phone fetches again inside its enrolment grace: the same bytes, from the cache
    const before = (await get('/api/status')).json().renderCache;
    const again = await fetchDeviceFile();
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(firstBody);
    const status = (await get('/api/status')).json();
    expect(status.renderCache.hits).toBe(before.hits + 1);
    expect(status.renderCache.misses).toBe(before.misses);
    expect(status).toMatchObject({ devices: runtime.config.inventory.devices.length, inventoryVersion: runtime.config.inventory.version });
    expect(status.renderCache.maxBytes).toBe(8 * 1024 * 1024);
    expect(status.renderCache.entries).toBeGreaterThan(0); // the device file served in beforeAll
    expect(status.renderCache.misses).toBeGreaterThan(0);
    // that device file came from a compiled template, built and guarded for its shape
    expect(status.templates).toMatchObject({ fallbacks: 0, refused: 0 });
    expect(status.templates.filled).toBeGreaterThan(0);
    expect(status.templates.shapes).toBeGreaterThan(0);
    expect(status.memoryMb.rss).toBeGreaterThan(0);
    expect(status.historyWriteError).toBeUndefined();
  });

  it('GET /api/openapi.json describes every API route', async () => {
    const doc = (await get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/audits',
      '/api/audits/trend',
      '/api/audits/{id}',
      '/api/check',
      '/api/devices',
      '/api/devices/{mac}',
      '/api/events',
      '/api/status',
    ]);
    expect(Object.keys(doc.paths['/api/audits']).sort()).toEqual(['get', 'post']);
    expect(doc.components.securitySchemes).toMatchObject({ basic: { type: 'http', scheme: 'basic' } });
  });
});
