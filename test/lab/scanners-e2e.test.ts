/**
 * End to end with real scanners: 30 lab phones (10 per vendor, 9 left at factory defaults) boot from a real
 * ghostguard server; Debian's svmap sweeps the range and sipp calls from an untrusted address.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { Runtime } from '../../src/app/runtime.js';
import { LabFleet, inventoryYaml, planFleet, type PhoneManifest } from '../../src/lab/index.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('svmap', 'sipp');

const run = promisify(execFile);
const BASE = '127.0.42.1';
const SCANNER = '127.0.0.99';
const fleetOptions = { phones: 30, factory: 9, baseIp: BASE, adapters: VENDORS, ringTimeoutMs: 3000, httpPort: 18080 };

let runtime: Runtime;
let fleet: LabFleet;
let manifest: PhoneManifest[];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-scan-e2e-'));
  const planned = planFleet(fleetOptions);
  writeFileSync(
    join(dir, 'gg.yaml'),
    inventoryYaml(planned, { server: { port: 0, tls: 'auto', dataDir: join(dir, 'data'), allowPlainHttp: false } }),
  );
  runtime = await Runtime.create({ configPath: join(dir, 'gg.yaml'), vendors: VENDORS, env: {} });
  const [url] = await runtime.listen('127.0.0.1', 0);
  fleet = await LabFleet.start({ ...fleetOptions, server: `${url}/`, serverCa: runtime.tls!.cert });
  manifest = fleet.manifest();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await runtime?.close();
});

describe('lab fleet against real scanners', () => {
  it('boots 10 phones per vendor; every non-factory phone is provisioned by ghostguard', async () => {
    for (const vendor of ['yealink', 'polycom', 'grandstream']) expect(manifest.filter((p) => p.vendor === vendor)).toHaveLength(10);
    expect(manifest.filter((p) => p.factory)).toHaveLength(9);
    for (const p of manifest.filter((m) => !m.factory)) expect(p.provisioned, `${p.ip} ${p.vendor} ${p.errors.join('; ')}`).toBe(true);
    expect((await runtime.store.fetchHistory(manifest.find((p) => !p.factory)!.mac as never)).length).toBeGreaterThan(0);
  });

  it.skipIf(peers.missing)(
    `svmap finds every factory phone and no provisioned Yealink or Grandstream whose every account is hardened; provisioned Poly phones answer OPTIONS only${peers.note}`,
    async () => {
      const { stdout } = await run(peers.path('svmap'), ['-p5060', '-b', SCANNER, '-x', SCANNER, '-t', '0.01', `${BASE}-127.0.42.30`], {
        env: { ...process.env, HOME: dir },
        timeout: 60_000,
      });
      const found = new Set([...stdout.matchAll(/(127\.0\.42\.\d+):5060/g)].map((m) => m[1]));
      for (const p of manifest.filter((m) => m.factory)) expect(found.has(p.ip), `factory ${p.vendor} ${p.ip} not found`).toBe(true);
      // A provisioned phone answers only where its own configuration leaves a listener open to strangers (the lab's
      // ground truth): a firmware family without a verified trusted-source switch for some account (GRP2616 1.0.5.48,
      // accounts 5-6) — which the audit reports with the firewall fix. Every other one stays silent.
      const provisioned = manifest.filter((m) => !m.factory && m.vendor !== 'polycom');
      for (const p of provisioned)
        expect(found.has(p.ip), `provisioned ${p.vendor} ${p.model} ${p.firmware} ${p.ip}`).toBe(p.expect.ghostCall !== 'ignores');
      expect(provisioned.filter((p) => !found.has(p.ip)).length).toBeGreaterThanOrEqual(provisioned.length - 1);
      // Poly request validation guards INVITE (and NOTIFY), not OPTIONS: the real phone, and the lab, still answer a scan.
      for (const p of manifest.filter((m) => !m.factory && m.vendor === 'polycom')) expect(found.has(p.ip)).toBe(true);
      expect(stdout).toMatch(/friendly-scanner|User Agent/i);
    },
    90_000,
  );

  it.skipIf(peers.missing).each([
    ['factory', true],
    ['provisioned', false],
  ] as const)(
    `sipp calling a %s phone from an untrusted address: rings = %s${peers.note}`,
    async (kind, rings) => {
      for (const vendor of ['yealink', 'polycom', 'grandstream']) {
        const phone = manifest.find((p) => p.vendor === vendor && p.factory === (kind === 'factory'))!;
        const answers = await sippCall(phone.ip);
        if (rings) expect(answers, `${vendor} ${phone.ip}`).toMatch(/SIP\/2\.0 (180|200)/);
        else expect(answers, `${vendor} ${phone.ip}`).not.toMatch(/SIP\/2\.0 (180|183|200)/);
      }
    },
    90_000,
  );
});

/** One call with sipp's built-in UAC scenario from the scanner address; returns every status line sipp received. */
async function sippCall(target: string): Promise<string> {
  const traceDir = mkdtempSync(join(dir, 'sipp-'));
  const child = spawn(
    peers.path('sipp'),
    [
      '-sn',
      'uac',
      '-m',
      '1',
      '-i',
      SCANNER,
      '-p',
      '0',
      '-timeout',
      '4s',
      '-timeout_error',
      '-recv_timeout',
      '3000',
      '-trace_msg',
      '-message_file',
      join(traceDir, 'msg.log'),
      '-nostdin',
      `${target}:5060`,
    ],
    { cwd: traceDir, stdio: 'ignore' },
  );
  await new Promise((done) => child.once('exit', done));
  let log = '';
  try {
    log = readFileSync(join(traceDir, 'msg.log'), 'utf8');
  } catch {
    // no message file: sipp received nothing
  }
  return [...log.matchAll(/^SIP\/2\.0 \d{3}.*$/gm)].map((m) => m[0]).join('\n');
}
