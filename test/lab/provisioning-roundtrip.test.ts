import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { Runtime } from '../../src/app/runtime.js';
import { inventoryYaml, LAB_REGISTRAR } from '../../src/lab/inventory-yaml.js';
import { LabFleet, planFleet, type FleetOptions } from '../../src/lab/fleet.js';
import type { PhoneManifest } from '../../src/lab/phone-manifest.js';
import { byStatus, SipProbe } from './sip-probe.js';

// this file's own loopback range: 127.0.26.0/24 (and the lab registrar 127.0.0.10, bound on a random port)
const HTTP_PORT = 18083;
const HTTPS_PORT = 18483;
const options: Omit<FleetOptions, 'server'> = {
  phones: 9,
  factory: 3,
  baseIp: '127.0.26.1',
  adapters: VENDORS,
  httpPort: HTTP_PORT,
  httpsPort: HTTPS_PORT,
  macSeed: 0x26,
};

let dir: string;
let runtime: Runtime;
let url: string;
let fleet: LabFleet;
let manifest: PhoneManifest[];
let probe: SipProbe;
let registrar: SipProbe;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-lab-rt-'));
  const config = join(dir, 'ghostguard.yaml');
  writeFileSync(
    config,
    inventoryYaml(planFleet(options), { server: { port: 0, publicUrl: 'https://127.0.0.1:8443/', dataDir: dir, tls: 'auto' } }),
  );
  runtime = await Runtime.create({ configPath: config, vendors: VENDORS, dataDir: dir });
  url = (await runtime.listen('127.0.0.1', 0))[0]!.replace('localhost', '127.0.0.1');
  fleet = await LabFleet.start({ ...options, server: url, serverCa: runtime.tls!.cert });
  manifest = fleet.manifest();
  probe = await SipProbe.open('127.0.26.250');
  registrar = await SipProbe.open(LAB_REGISTRAR);
});

afterAll(async () => {
  await probe?.close();
  await registrar?.close();
  await fleet?.stop();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

const provisioned = () => manifest.filter((p) => !p.factory);
const sipTarget = (p: PhoneManifest) => ({ ip: p.ip, port: p.sipPort! });

describe('lab fleet against the real provisioning server', () => {
  it('every enrolled phone fetched and applied its own files over TLS; factory phones fetched nothing', async () => {
    for (const p of provisioned()) {
      expect(p.provisioned, `${p.vendor} ${p.model} ${p.firmware}: ${p.errors.join('; ')}`).toBe(true);
      expect(p.errors).toEqual([]);
    }
    for (const p of manifest.filter((m) => m.factory)) expect(p).toMatchObject({ provisioned: false, expect: { ringsForStrangers: true } });
    for (const p of provisioned()) expect(p.expect.ringsForStrangers).toBe(false);
    // the server saw each provisioned phone from its own address with its own User-Agent
    for (const p of provisioned()) {
      const history = await runtime.store.fetchHistory(p.mac);
      expect(history.length).toBeGreaterThan(0);
      expect(history.every((f) => f.source === p.ip)).toBe(true);
      expect(history.every((f) => f.userAgent.includes(p.model))).toBe(true);
    }
  });

  it('provisioned phones carry the hardening their vendor can express', () => {
    for (const p of provisioned()) {
      const what = `${p.vendor} ${p.model} ${p.firmware}`;
      expect(p.expect.defaultAdminPassword, what).toBe(false);
      expect(p.expect.trustedSources, what).toContain(LAB_REGISTRAR);
      if (p.vendor === 'polycom') expect(p.expect.requestValidation, what).toBe('source');
      else expect(p.expect.trustedOnly, what).toBe(true);
      if (p.vendor === 'grandstream') expect(p.sipPorts, what).toEqual([5060]);
    }
  });

  it('a stranger makes factory phones ring, but not provisioned ones; the registrar still can', async () => {
    for (const p of manifest) {
      const ids = probe.send(sipTarget(p), { method: 'INVITE' });
      const expected = p.factory ? 180 : p.vendor === 'polycom' ? 403 : undefined;
      if (expected) expect(await probe.expect(byStatus(expected, ids.callId)), `${p.vendor} ${p.model}`).toBeDefined();
      else expect(await probe.expect((r) => r.headers.some(([n, v]) => n === 'call-id' && v === ids.callId), 300)).toBeUndefined();
      if (!p.factory) {
        // addressed to the phone's own line: Grandstream checks the Request-URI user (invite-validation)
        const user = runtime.config.inventory.resolve(p.mac, await runtime.store.credentials(p.mac))!.lines[0]!.extension;
        const call = registrar.send(sipTarget(p), { method: 'INVITE', user });
        expect(await registrar.expect(byStatus(180, call.callId)), `${p.vendor} ${p.model} from registrar`).toBeDefined();
        registrar.send(sipTarget(p), { method: 'CANCEL', callId: call.callId, branch: call.branch });
        expect(await registrar.expect(byStatus(487, call.callId))).toBeDefined();
      }
      probe.drain();
    }
  });

  it('the provisioned admin password opens the management API — now over HTTPS only — and the factory one no longer does', async () => {
    // a phone's own self-signed certificate: nothing to verify it against, as with real phones
    const dispatcher = new Agent({ localAddress: '127.0.26.251', keepAliveTimeout: 10, connect: { rejectUnauthorized: false } });
    try {
      const gs = provisioned().find((p) => p.vendor === 'grandstream')!;
      const admin = runtime.config.inventory.resolve(gs.mac, await runtime.store.credentials(gs.mac))!.adminPassword;
      const login = async (pw: string) => {
        const res = await request(`https://${gs.ip}:${HTTPS_PORT}/cgi-bin/dologin`, {
          dispatcher,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `username=admin&password=${encodeURIComponent(pw)}`,
        });
        return (await res.body.json()) as { response: string };
      };
      expect((await login('admin')).response).toBe('error');
      expect((await login(admin)).response).toBe('success');
      await expect(request(`http://${gs.ip}:${HTTP_PORT}/`, { dispatcher })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await dispatcher.close();
    }
  });

  it('after enrolment closes, a reboot fetches the device files with Digest and the delivered credentials', async () => {
    for (const p of fleet.phones.filter((ph) => !ph.spec.factory)) {
      await runtime.store.closeEnrolment(p.identity.mac, p.ip, new Date(Date.now() - 3600_000));
      const report = await p.boot(url, { ca: runtime.tls!.cert });
      const device = report.files.filter((f) => f.outcome === 'applied' && f.file.includes(p.identity.mac));
      expect(device.length, `${p.identity.vendor}: ${JSON.stringify(report.files)}`).toBeGreaterThan(0);
      expect(device.every((f) => f.auth === 'digest')).toBe(true);
      expect(report.errors).toEqual([]);
    }
    expect(await runtime.store.events({ reason: 'bad-credentials' })).toEqual([]);
  });
});
