/** Phones simulated by their real boot sequences and User-Agents against the real provisioning app. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { join } from 'node:path';
import { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { fleetYaml, startRuntime, writeTempConfig, type TestDeviceSpec } from '../helpers/runtime.js';

const DEVICES: TestDeviceSpec[] = [
  { mac: '00:15:65:4a:a9:37', vendor: 'yealink', model: 'T46G' },
  { mac: '00:15:65:00:00:11', vendor: 'yealink', model: 'T46U' },
  { mac: '00:04:f2:00:00:11', vendor: 'polycom', model: 'VVX_400' },
  { mac: '00:04:f2:00:00:12', vendor: 'polycom', model: 'SPIP_335' },
  { mac: '00:0b:82:00:00:11', vendor: 'grandstream', model: 'GRP2614' },
  { mac: '00:0b:82:00:00:12', vendor: 'grandstream', model: 'GXP2140' },
];

let runtime: Runtime;
beforeAll(async () => {
  ({ runtime } = await startRuntime(fleetYaml(DEVICES)));
});
afterAll(async () => runtime.close());

const get = (url: string, userAgent: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
  runtime.app.inject({ method, url, headers: { 'user-agent': userAgent, ...headers }, remoteAddress: '127.0.3.1' });

describe.each(DEVICES.map((d) => [`${d.vendor} ${d.model}`, d] as const))('%s boots', (_name, spec) => {
  const vendor = VENDORS.find((v) => v.id === spec.vendor)!;
  const model = vendor.models.find((m) => m.id === spec.model)!;
  const mac = parseMac(spec.mac)!;

  it.each(model.firmwares.map((f) => [f]))(
    'firmware %s: every boot file answers, the device file carries the line and hardening',
    async (firmware) => {
      await runtime.store.openEnrolment(mac, new Date(Date.now() + 3600_000));
      let sawDevice = false;
      for (const step of vendor.bootSequence(mac, model.id, firmware)) {
        if (step.method === 'PUT') continue;
        const res = await get(`/${step.fileName}`, step.userAgent);
        const { file } = vendor.identifyRequest({ ...step });
        if (file.kind === 'override' && res.statusCode === 404) continue;
        expect(res.statusCode, `${step.fileName}: ${res.body}`).toBe(200);
        expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
        expect(res.headers['content-type']).toMatch(/text\/plain|xml/);
        if (file.kind === 'device') {
          sawDevice = true;
          const values = vendor.read(res.body);
          expect([...values.values()].some((v) => v.includes('127.0.0.10'))).toBe(true);
          expect(res.headers['cache-control']).toBe('no-store');
        }
        const again = await get(`/${step.fileName}`, step.userAgent, { 'if-none-match': String(res.headers.etag) });
        if (again.statusCode !== 401) expect(again.statusCode).toBe(304);
      }
      expect(sawDevice).toBe(true);
      await runtime.store.closeEnrolment(mac, undefined, new Date(Date.now() - 3600_000));
    },
  );

  it('after enrolment, the device file needs the per-device Digest credentials it was given', async () => {
    await runtime.store.closeEnrolment(mac, undefined, new Date(Date.now() - 3600_000));
    const step = vendor.bootSequence(mac, model.id, model.firmwares[0]!).find((s) => vendor.identifyRequest(s).file.kind === 'device')!;
    const url = `/${step.fileName}`;
    const challenge = await get(url, step.userAgent);
    expect(challenge.statusCode).toBe(401);
    const inv = runtime.config.inventory;
    const auth = digestHeader(
      inv.provisioningUsername(mac),
      inv.provisioningPassword(mac, 0),
      'GET',
      url,
      nonceFrom(challenge.headers['www-authenticate']),
    );
    const ok = await get(url, step.userAgent, { authorization: auth });
    expect(ok.statusCode).toBe(200);
    const head = await get(url, step.userAgent, { authorization: auth }, 'HEAD');
    expect(head.statusCode).toBe(401); // same nonce-count again is a replay
    const history = await runtime.store.fetchHistory(mac);
    expect(history[0]).toMatchObject({ file: step.fileName, auth: 'digest', status: 200, source: '127.0.3.1' });
    expect(history[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('captured User-Agents', () => {
  it('Yealink T46G 28.72.0.1 (legacy family) gets per-account trust control', async () => {
    const mac = parseMac('00:15:65:4a:a9:37')!;
    await runtime.store.openEnrolment(mac, new Date(Date.now() + 3600_000));
    const res = await get('/0015654aa937.cfg', 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^#!version:1\.0\.0\.1/);
    expect(res.body).toMatch(/account\.1\.sip_trust_ctrl = 1/);
    expect(res.body).toMatch(/features\.direct_ip_call_enable = 0/);
  });

  it('unknown firmware gets the newest family and a warning event', async () => {
    const mac = parseMac('00:0b:82:00:00:11')!;
    await runtime.store.openEnrolment(mac, new Date(Date.now() + 3600_000));
    const res = await get('/cfg000b82000011.xml', 'Grandstream Model HW GRP2614 SW 1.0.x DevId 000b82000011');
    expect(res.statusCode).toBe(200);
    expect((await runtime.store.events({ reason: 'firmware-unknown' })).length).toBeGreaterThan(0);
  });
});

describe('a device whose secret lives in the environment', () => {
  it('is refused like any denial while the variable is unset, and served once it is set', async () => {
    const yaml = fleetYaml([{ mac: '00:15:65:00:00:61', vendor: 'yealink', model: 'T46U' }]).replace(
      'password: generate }',
      'password: "env:GG_TEST_SIP_61" }',
    );
    const ua = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:61';
    for (const [env, status] of [
      [{}, 401],
      [{ GG_TEST_SIP_61: 'line-secret-61' }, 200],
    ] as const) {
      const { path, dir } = writeTempConfig(yaml);
      const rt = await Runtime.create({ configPath: path, vendors: VENDORS, dataDir: join(dir, 'data'), env });
      try {
        const res = await rt.app.inject({
          method: 'GET',
          url: '/001565000061.cfg',
          headers: { 'user-agent': ua },
          remoteAddress: '127.0.3.61',
        });
        expect(res.statusCode).toBe(status);
        if (status === 200) expect(res.body).toContain('line-secret-61');
        else expect(res.body).toBe('Unauthorized\n');
      } finally {
        await rt.close();
      }
    }
  });
});
