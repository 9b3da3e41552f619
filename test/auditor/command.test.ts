import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuditOptions, type AuditCommandOptions } from '../../src/auditor/audit-options.js';
import { runAuditCommand, type AuditCommandIo } from '../../src/cli/audit-command.js';
import { VENDORS } from '../../vendors/index.js';
import { freeUdpPort } from './helpers/net.js';
import { startSipPeer, type SipPeer } from './helpers/sip-peer.js';
import { AuditStore } from '../../src/store/audit-store.js';
import { openStateDatabase } from '../../src/store/sqlite-open.js';

const NET = '127.77.12';
let yealink: SipPeer;
let poly: SipPeer;
let port = 0;

beforeAll(async () => {
  port = await freeUdpPort(`${NET}.1`);
  yealink = await startSipPeer({ host: `${NET}.1`, userAgent: 'Yealink SIP-T42S 66.84.0.125' });
  poly = await startSipPeer({ host: `${NET}.2`, userAgent: 'PolycomVVX-VVX_150-UA/6.4.1.2280_482567164887' });
});
afterAll(async () => {
  await yealink.close();
  await poly.close();
});

function io(over: Partial<AuditCommandIo> = {}) {
  const out = { stdout: '', stderr: '', files: new Map<string, string>() };
  const value: AuditCommandIo = {
    vendors: VENDORS,
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t), isTTY: false },
    readFile: (p) => {
      throw new Error(`ENOENT ${p}`);
    },
    writeFile: (p, d) => out.files.set(p, d),
    neighbours: async () => undefined,
    ...over,
  };
  return { io: value, out };
}

const fast = (targets: string[], extra: Partial<AuditCommandOptions> = {}): AuditCommandOptions => ({
  targets,
  sipPorts: '',
  httpPorts: '',
  httpsPorts: '',
  snmpPort: '1',
  community: 'public',
  timeout: '200',
  retries: '0',
  hostGap: '0',
  ...extra,
});

describe('runAuditCommand', () => {
  it('--json: canonical report on stdout, exit 1 on a critical failure', async () => {
    const { io: i, out } = io();
    const code = await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port), json: true }), i);
    expect(code).toBe(1);
    const report = JSON.parse(out.stdout);
    expect(Object.keys(report)).toEqual([...Object.keys(report)].sort());
    expect(report.hosts[0]).toMatchObject({ host: `${NET}.1`, vendor: 'yealink', model: 'T42S' });
    expect(out.stdout.endsWith('}\n')).toBe(true);
  });

  it('exit 0 when nothing fails at or above --fail-on', async () => {
    const { io: i } = io();
    expect(await runAuditCommand(fast([`${NET}.2`], { sipPorts: String(poly.port), json: true }), i)).toBe(0);
    const { io: j } = io();
    // a Yealink answering a stranger's OPTIONS likely rings: sip-trusted-only fails at high (critical only when it rings)
    expect(await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port), json: true, failOn: 'high' }), j)).toBe(1);
    const { io: k } = io();
    expect(await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port), json: true, failOn: 'critical' }), k)).toBe(0);
  });

  it('--csv and --html', async () => {
    const { io: i, out } = io();
    await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port), csv: true, html: 'report.html' }), i);
    const lines = out.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"run_id","started_at","host","label","mac","vendor","model","firmware","ghost_call","incomplete","check","state","severity","reason","evidence","fix"',
    );
    expect(lines.some((l) => l.includes('"likely-rings","no","ghost-call","likely-rings"'))).toBe(true);
    expect(lines.some((l) => l.includes('"likely-rings","no","sip-trusted-only","fail","high"'))).toBe(true);
    const html = out.files.get('report.html')!;
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('sip-trusted-only');
    expect(html).not.toMatch(/<script/i);
  });

  it('stores runs and compares with the previous one', async () => {
    const db = openStateDatabase(':memory:');
    const auditRuns = new AuditStore(db);
    const { io: i, out } = io({ auditRuns });
    await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port) }), i);
    expect(out.stdout).toMatch(/stored as run #1/);
    out.stdout = '';
    await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port) }), i);
    expect(out.stdout).toMatch(/since run #1: 0 new failures, 0 resolved/);
    expect(out.stdout).toMatch(/stored as run #2/);
    const { io: j, out: o2 } = io({ auditRuns });
    await runAuditCommand(fast([`${NET}.1`], { sipPorts: String(yealink.port), store: false }), j);
    expect(o2.stdout).not.toMatch(/stored as run/);
    db.close();
  });

  it('progress bar only on a TTY, on stderr; stdout stays clean', async () => {
    const { io: i, out } = io();
    i.stderr = { write: (t: string) => (out.stderr += t), isTTY: true, columns: 100 };
    await runAuditCommand(fast([`${NET}.1-${NET}.3`], { sipPorts: String(port), json: true }), i);
    expect(out.stderr).toMatch(/\r\[#+\] 100% 3\/3 hosts/);
    expect(() => JSON.parse(out.stdout)).not.toThrow();
  });

  it('usage and target errors exit 2 with a clear message', async () => {
    const cases: [AuditCommandOptions, RegExp][] = [
      [fast([`${NET}.1`, 'not_a_host!']), /GG_ERR_TARGET_INVALID: invalid audit target "not_a_host!"/],
      [fast([]), /no default target/],
      [fast(['127.0.0.0/8']), /GG_ERR_TARGET_TOO_MANY/],
      [fast([`${NET}.1`], { json: true, csv: true }), /choose one of --json and --csv/],
      [fast([`${NET}.1`], { failOn: 'severe' }), /--fail-on must be one of/],
      [fast([`${NET}.1`], { sipPorts: '5060,70000' }), /--sip-ports must be a whole number/],
      [fast([`${NET}.1`], { credentials: 'missing.yaml' }), /--credentials: cannot read missing.yaml/],
    ];
    for (const [opts, message] of cases) {
      const { io: i, out } = io();
      expect(await runAuditCommand(opts, i), String(message)).toBe(2);
      expect(out.stderr).toMatch(message);
    }
  });

  it('a bad credentials file names the entry but never the password', async () => {
    const { io: i, out } = io({ readFile: () => 'logins:\n  - { host: nope, password: Hunter2-secret }\n' });
    expect(await runAuditCommand(fast([`${NET}.1`], { credentials: 'creds.yaml' }), i)).toBe(2);
    expect(out.stderr).toMatch(/logins\[0\]\.host/);
    expect(out.stderr).not.toContain('Hunter2-secret');
  });

  it('maps commander options, --no-default-login and credentials communities', () => {
    const opts = toAuditOptions(
      {
        targets: ['127.77.0.1'],
        exclude: ['127.77.0.2,127.77.0.3'],
        sipPorts: '5060,5062',
        maxDuration: '30',
        defaultLogin: false,
        credentials: 'c.yaml',
      },
      () => 'communities: [s3cret]\nlogins: [{ vendor: polycom, password: pw }]\n',
    );
    expect(opts).toMatchObject({
      exclude: ['127.77.0.2', '127.77.0.3'],
      sipPorts: [5060, 5062],
      maxDurationMs: 30_000,
      defaultLogin: false,
      intrusive: false,
      communities: ['public', 'private', 's3cret'],
      credentials: [{ vendor: 'polycom', password: 'pw' }],
    });
  });
});

describe('run limits', () => {
  it('--max-duration stops starting hosts, lists the hosts it cut off as incomplete, exits 2', async () => {
    const { io: i, out } = io();
    const start = performance.now();
    const code = await runAuditCommand(
      fast([`${NET}.0/24`], { snmpPort: String(port), timeout: '300', maxDuration: '1', concurrency: '2', json: true }),
      i,
    );
    // a run cut short is not a clean bill of health: exit 2, with the partial report printed
    expect(code).toBe(2);
    expect(out.stderr).toMatch(/ghostguard audit: incomplete: stopped at the time limit/);
    expect(performance.now() - start).toBeLessThan(5000);
    const report = JSON.parse(out.stdout);
    expect(report.incomplete).toMatch(/^stopped at the time limit: \d+ hosts? cut off while being probed, \d+ of 254 never started$/);
    // the hosts in flight at the deadline (concurrency 2) are named
    expect(report.incompleteHosts.length).toBeGreaterThanOrEqual(1);
    expect(report.incompleteHosts.length).toBeLessThanOrEqual(2);
    expect(report.incompleteHosts[0].reason).toBe('stopped at the time limit while this host was being probed');
    expect(report.summary.hostsScanned).toBeLessThan(254);
  });
});
