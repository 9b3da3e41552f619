/**
 * The auditor against the emulated lab fleet, provisioned by the real ghostguard server. The lab manifest is the
 * ground truth: what each phone's applied settings make it do. This file's range: 127.77.30.0/24 (+ the lab registrar).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/auditor/audit.js';
import type { AuditReport, HostReport } from '../../src/auditor/findings.js';
import { LabFleet, planFleet, type FleetOptions } from '../../src/lab/fleet.js';
import { inventoryYaml } from '../../src/lab/inventory-yaml.js';
import type { PhoneManifest } from '../../src/lab/phone-manifest.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';

const BASE = '127.77.30.1';
let options: Omit<FleetOptions, 'server'>;
let dir: string;
let runtime: Runtime;
let fleet: LabFleet;
let manifest: PhoneManifest[];
let report: AuditReport;

beforeAll(async () => {
  options = {
    phones: 9,
    factory: 3,
    baseIp: BASE,
    adapters: VENDORS,
    httpPort: await freeTcpPort(BASE),
    httpsPort: await freeTcpPort(BASE),
    snmpPort: await freeUdpPort(BASE),
    macSeed: 0x77,
    // a GRP26xx whose administrator switched SNMPv2c on with the community `public` (vendors/grandstream/lab/variants.ts)
    variants: ['snmp-public-community'],
  };
  dir = mkdtempSync(join(tmpdir(), 'gg-lab-audit-'));
  const config = join(dir, 'ghostguard.yaml');
  writeFileSync(
    config,
    inventoryYaml(planFleet(options), { server: { port: 0, publicUrl: 'https://127.0.0.1:8443/', dataDir: dir, tls: 'auto' } }),
  );
  runtime = await Runtime.create({ configPath: config, vendors: VENDORS, dataDir: dir });
  const url = (await runtime.listen('127.0.0.1', 0))[0]!.replace('localhost', '127.0.0.1');
  fleet = await LabFleet.start({ ...options, server: url, serverCa: runtime.tls!.cert });
  manifest = fleet.manifest();
  const sipPorts = [...new Set([5060, ...manifest.flatMap((p) => p.sipPorts)])].sort((a, b) => a - b).slice(0, 8);
  report = await runAudit(
    {
      targets: [`${BASE}-127.77.30.10`],
      sipPorts,
      httpPorts: [options.httpPort!],
      httpsPorts: [options.httpsPort!],
      snmpPort: options.snmpPort!,
      timeoutMs: 300,
      retries: 0,
      hostGapMs: 0,
      intrusive: true,
      concurrency: 10,
      plainHttpLogin: true,
    },
    { vendors: VENDORS, inventory: runtime.config.inventory, store: runtime.store, neighbours: async () => undefined },
  );
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hostOf = (p: PhoneManifest): HostReport => report.hosts.find((h) => h.host === p.ip)!;
const state = (p: PhoneManifest, check: string) => hostOf(p).findings.find((f) => f.check === check);
const name = (p: PhoneManifest) => `${p.vendor} ${p.model} ${p.firmware} ${p.factory ? 'factory' : 'provisioned'}`;

describe('audit of the lab fleet (manifest = ground truth)', () => {
  it('finds and identifies every phone', () => {
    expect(manifest.filter((p) => !p.factory).every((p) => p.provisioned)).toBe(true);
    for (const p of manifest) {
      const h = hostOf(p);
      expect(h, name(p)).toBeDefined();
      expect(h.vendor, name(p)).toBe(p.vendor);
      expect(h.model, name(p)).toBe(p.model);
      expect(h.firmware, name(p)).toBe(p.firmware);
    }
  });

  it('where settings can be read back, hardened phones pass sip-trusted-only from the read-back itself', () => {
    const checked1 = manifest.filter((m) => !m.factory && (m.vendor === 'grandstream' || m.expect.restApi));
    expect(checked1.length).toBeGreaterThan(0);
    for (const p of checked1) {
      const f = state(p, 'sip-trusted-only')!;
      expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).toBe('pass');
    }
  });

  it('GXP16xx firmware in the CVE-2026-2329 range is critical; its vulnerable endpoint is left alone', () => {
    const checked2 = manifest.filter((m) => /^GXP16/.test(m.model));
    expect(checked2.length).toBeGreaterThan(0);
    for (const p of checked2) {
      const f = state(p, 'firmware-current')!;
      expect(f).toMatchObject({ state: 'fail', severity: 'critical' });
      expect(hostOf(p).findings.find((x) => x.check === 'no-direct-ip-calls')!.reason).toMatch(/CVE-2026-2329/);
    }
  });

  it('phones that ring for strangers fail sip-trusted-only; hardened ones do not', () => {
    for (const p of manifest) {
      const f = state(p, 'sip-trusted-only')!;
      if (p.expect.ringsForStrangers) expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).toBe('fail');
      else expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).not.toBe('fail');
    }
  });

  it('factory passwords are caught where a login API exists; provisioned ones pass', () => {
    const checked3 = manifest.filter((m) => m.vendor !== 'yealink');
    expect(checked3.length).toBeGreaterThan(0);
    for (const p of checked3) {
      const f = state(p, 'admin-password-set')!;
      const loginApi = p.vendor === 'grandstream' || p.expect.restApi === true;
      if (!loginApi) continue;
      expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).toBe(p.expect.defaultAdminPassword ? 'fail' : 'pass');
    }
  });

  it('web-https-only follows the phone: HTTPS with plain HTTP refused passes, a web UI on plain HTTP fails', () => {
    const httpsOnly = manifest.filter((p) => p.expect.webHttps);
    expect(httpsOnly.length).toBeGreaterThanOrEqual(4);
    for (const p of httpsOnly) {
      const f = state(p, 'web-https-only')!;
      expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).toBe('pass');
      expect(f.evidence.join(' ')).toContain(`plain HTTP on tcp/${options.httpPort} refuses connections`);
    }
    const checked4 = manifest.filter((m) => m.httpPort !== undefined);
    expect(checked4.length).toBeGreaterThan(0);
    for (const p of checked4) {
      expect(state(p, 'web-https-only')!.state, `${name(p)}: ${JSON.stringify(state(p, 'web-https-only'))}`).toBe('fail');
    }
  });

  it('SNMP answering a default community fails snmp-locked; SNMP off passes or is not shown failing', () => {
    const checked5 = manifest.filter((m) => m.expect.snmpEnabled && m.expect.snmpDefaultCommunity);
    expect(checked5.length).toBeGreaterThan(0);
    for (const p of checked5) {
      const f = state(p, 'snmp-locked')!;
      expect(f.state, `${name(p)}: ${f.evidence.join(' | ')}`).toBe('fail');
      expect(f.evidence.join(' '), name(p)).toContain('public');
    }
    for (const p of manifest.filter((m) => !m.expect.snmpEnabled)) {
      expect(state(p, 'snmp-locked')?.state, name(p)).not.toBe('fail');
    }
  });

  it('provisioned phones are matched to the inventory and run what ghostguard served', () => {
    const checked6 = manifest.filter((m) => !m.factory);
    expect(checked6.length).toBeGreaterThan(0);
    for (const p of checked6) {
      expect(hostOf(p).mac, name(p)).toBe(p.mac);
      expect(state(p, 'device-inventory')!.state, name(p)).toBe('pass');
      const drift = state(p, 'config-drift')!;
      expect(drift.state, `${name(p)}: ${drift.evidence.join(' | ')}`).toBe('pass');
    }
  });
});
