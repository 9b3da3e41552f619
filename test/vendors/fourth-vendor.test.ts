/**
 * A fourth vendor is one folder: test/fixtures/vendors/acme/ plus one line in the vendor list below. With nothing else
 * changed, its phones are provisioned by the real server over HTTPS, run in the lab, and are identified and checked by
 * the auditor. This file's range: 127.127.1.0/24, web port 20080, SNMP port 20161; the server on 127.0.0.1 (its certificate's
 * address), an ephemeral port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { runAudit } from '../../src/auditor/audit.js';
import type { AuditReport } from '../../src/auditor/findings.js';
import { LabFleet, planFleet, type FleetOptions } from '../../src/lab/fleet.js';
import { inventoryYaml, LAB_REGISTRAR } from '../../src/lab/inventory-yaml.js';
import type { PhoneManifest } from '../../src/lab/phone-manifest.js';
import { VENDORS } from '../../vendors/index.js';
import { acme } from '../fixtures/vendors/acme/index.js';
import type { SipResponse } from '../../src/lab/sip-message.js';
import { SipProbe } from '../lab/sip-probe.js';

const vendors = [...VENDORS, acme];

const BASE = '127.127.1.1';
const options: Omit<FleetOptions, 'server'> = {
  phones: 4,
  factory: 1,
  baseIp: BASE,
  adapters: vendors,
  vendors: ['acme'],
  httpPort: 20080,
  snmpPort: 20161,
  macSeed: 0x27,
};
let dir: string;
let runtime: Runtime;
let fleet: LabFleet;
let manifest: PhoneManifest[];
let report: AuditReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-acme-'));
  const config = join(dir, 'ghostguard.yaml');
  writeFileSync(
    config,
    inventoryYaml(planFleet(options), { server: { port: 0, publicUrl: 'https://127.0.0.1:8443/', dataDir: dir, tls: 'auto' } }),
  );
  runtime = await Runtime.create({ configPath: config, vendors, dataDir: dir });
  const url = (await runtime.listen('127.0.0.1', 0))[0]!.replace('localhost', '127.0.0.1');
  fleet = await LabFleet.start({ ...options, server: url, serverCa: runtime.tls!.cert });
  manifest = fleet.manifest();
  report = await runAudit(
    {
      targets: [`${BASE}-127.127.1.4`],
      sipPorts: [5060],
      httpPorts: [20080],
      httpsPorts: [],
      snmpPort: 20161,
      timeoutMs: 300,
      retries: 0,
      hostGapMs: 0,
      concurrency: 4,
      plainHttpLogin: true,
    },
    { vendors, inventory: runtime.config.inventory, store: runtime.store, neighbours: async () => undefined },
  );
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  await runtime?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const provisioned = () => manifest.filter((p) => !p.factory);
const factory = () => manifest.filter((p) => p.factory);
const hostOf = (p: PhoneManifest) => report.hosts.find((h) => h.host === p.ip);

describe('a fourth vendor written only as its folder', () => {
  it('the lab runs its phones, both of its models', () => {
    expect(manifest.map((p) => p.vendor)).toEqual(['acme', 'acme', 'acme', 'acme']);
    expect(new Set(manifest.map((p) => p.model))).toEqual(new Set(['AP100', 'AP200']));
    expect(factory()).toHaveLength(1);
  });

  it('is provisioned by the real server: each phone fetched its shared and its own file over HTTPS and applied them', async () => {
    expect(provisioned()).toHaveLength(3);
    for (const p of provisioned()) {
      expect(p.provisioned, p.errors.join('; ')).toBe(true);
      const files = (await runtime.store.fetchHistory(p.mac)).map((f) => f.file);
      // the shared acme.cfg is fetched without credentials: not the device's history (only authenticated deliveries are)
      expect(files).toEqual(expect.arrayContaining([`acme-${p.mac}.cfg`]));
      expect(p.expect).toMatchObject({ trustedOnly: true, autoAnswer: false, defaultAdminPassword: false, ringsForStrangers: false });
      expect(p.expect.trustedSources).toEqual([LAB_REGISTRAR]);
    }
    for (const p of factory()) expect(p.expect).toMatchObject({ trustedOnly: false, autoAnswer: true, ringsForStrangers: true });
  });

  it("a stranger's INVITE rings the factory phone and is dropped by the provisioned ones", async () => {
    const probe = await SipProbe.open('127.127.1.250');
    try {
      for (const p of manifest) {
        const ids = probe.send({ ip: p.ip, port: p.sipPort! }, { method: 'INVITE' });
        const ours = (r: SipResponse) => r.headers.some(([n, v]) => n === 'call-id' && v === ids.callId);
        if (p.factory) expect(await probe.expect((r) => ours(r) && (r.status === 180 || r.status === 200)), p.ip).toBeDefined();
        else expect(await probe.expect(ours, 300), p.ip).toBeUndefined();
        probe.drain();
      }
    } finally {
      await probe.close();
    }
  });

  it('the auditor identifies every phone as Acme, with model and firmware', () => {
    for (const p of manifest) {
      expect(hostOf(p), p.ip).toMatchObject({ vendor: 'acme', model: p.model, firmware: p.firmware });
    }
  });

  it('the auditor reads sip-trusted-only back through the adapter and checks it: pass when provisioned, fail at factory', () => {
    for (const p of provisioned()) {
      const f = hostOf(p)!.findings.find((x) => x.check === 'sip-trusted-only')!;
      expect(f.state, f.evidence.join(' | ')).toBe('pass');
    }
    for (const p of factory()) {
      const f = hostOf(p)!.findings.find((x) => x.check === 'sip-trusted-only')!;
      expect(f.state, f.evidence.join(' | ')).toBe('fail');
    }
  });
});
