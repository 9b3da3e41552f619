/** Poly rendering: golden files for every GET of the boot sequence, plus the key parameters asserted one by one. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../../src/model/policy.js';
import type { PolicyLayer } from '../../../src/model/config-types.js';
import type { FileRef, RenderedFile } from '../../../src/model/vendor-contract.js';
import { polycom } from '../../../vendors/polycom/index.js';
import { SECRETS, testDevice } from '../../helpers/devices.js';

const GOLDEN_DIR = join(import.meta.dirname, '../../golden/polycom');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const MAC = '00:04:f2:12:34:56';
const FULL: PolicyLayer = { 'sip-port-nonstandard': { enabled: true, port: 5072 }, 'sip-tls-srtp': { enabled: true } };

const CASES = [
  ['SPIP_335', '3.2.1.0078'], // sip3
  ['VVX_400', '4.1.4.7430'], // ucs
  ['VVX_150', '6.4.1.2280'], // ucs
  ['Trio_8800', '7.2.2.1094'], // ucs
] as const;

function fileFor(model: string, firmware: string, kind: FileRef['kind']): FileRef {
  const device = testDevice('polycom', model, MAC);
  const step = polycom.bootSequence(device.mac, model, firmware).find((s) => polycom.identifyRequest(s).file.kind === kind)!;
  return polycom.identifyRequest(step).file;
}

function renderDevice(model: string, firmware: string, layer: PolicyLayer = FULL, lines = 2): RenderedFile {
  const device = testDevice('polycom', model, MAC, lines);
  return polycom.render({ model, firmware, policy: resolvePolicy([layer]), file: fileFor(model, firmware, 'device'), device });
}

const settingsOf = (r: RenderedFile): Map<string, string> => polycom.read(r.body);
const reasonOf = (r: RenderedFile, rule: string): string | undefined => r.unsupported.find((u) => u.rule === rule)?.reason;

describe('polycom golden files', () => {
  for (const [model, firmware] of CASES) {
    it(`${model} ${firmware}: every GET of the boot sequence`, () => {
      const device = testDevice('polycom', model, MAC);
      const policy = resolvePolicy([FULL]);
      for (const step of polycom.bootSequence(device.mac, model, firmware).filter((s) => s.method === 'GET')) {
        const { file } = polycom.identifyRequest(step);
        const body = polycom.render({ model, firmware, policy, file, device: file.secret ? device : undefined }).body;
        const path = join(GOLDEN_DIR, `${model}-${firmware}-${step.fileName}`);
        if (UPDATE) {
          mkdirSync(GOLDEN_DIR, { recursive: true });
          writeFileSync(path, body);
        }
        expect(existsSync(path), `${path} missing; run with UPDATE_GOLDEN=1`).toBe(true);
        expect(body).toBe(readFileSync(path, 'utf8'));
      }
    });
  }
});

describe('polycom device file', () => {
  it('sip3: local port, provisioning credentials and admin password (device.*, as Wazo writes device.* on SIP 3.2.4)', () => {
    const r = renderDevice('SPIP_335', '3.2.1.0078');
    const s = settingsOf(r);
    expect(r.family).toEqual({ id: 'sip3', guessed: false });
    expect(s.get('voIpProt.SIP.local.port')).toBe('5072');
    expect(s.get('device.set')).toBe('1');
    expect(s.get('device.prov.password')).toBe(SECRETS.prov);
    expect(s.get('device.auth.localAdminPassword')).toBe(SECRETS.admin);
    expect(r.applied).toContain('admin-password-set');
  });

  it('ucs: admin password and provisioning credentials, local port unsupported', () => {
    for (const [model, firmware] of CASES.slice(1)) {
      const r = renderDevice(model, firmware);
      const s = settingsOf(r);
      expect(r.family).toEqual({ id: 'ucs', guessed: false });
      expect(s.get('device.set')).toBe('1');
      expect(s.get('device.auth.localAdminPassword.set')).toBe('1');
      expect(s.get('device.auth.localAdminPassword')).toBe(SECRETS.admin);
      expect(s.get('device.prov.user')).toBe('gg-0004f2123456');
      expect(s.get('device.prov.password')).toBe(SECRETS.prov);
      expect(s.has('voIpProt.SIP.local.port')).toBe(false);
      expect(reasonOf(r, 'sip-port-nonstandard')).toMatch(/unverified/);
      expect(r.applied).toContain('admin-password-set');
    }
  });

  it('both families: request validation for INVITE and NOTIFY, no auto-answer, TLS + SRTP, registration', () => {
    for (const [model, firmware] of CASES) {
      const s = settingsOf(renderDevice(model, firmware));
      expect(s.get('voIpProt.SIP.requestValidation.1.request')).toBe('INVITE');
      expect(s.get('voIpProt.SIP.requestValidation.1.method')).toBe('source');
      expect(s.get('voIpProt.SIP.requestValidation.2.request')).toBe('NOTIFY');
      expect(s.get('voIpProt.SIP.requestValidation.2.method')).toBe('source');
      expect(s.get('call.autoAnswer.SIP')).toBe('0');
      expect(s.get('reg.1.server.1.transport')).toBe('TLS');
      expect(s.get('reg.2.outboundProxy.transport')).toBe('TLS');
      expect(s.get('sec.srtp.require')).toBe('1');
      expect(s.get('reg.1.address')).toBe('1001');
      expect(s.get('reg.1.auth.password')).toBe(SECRETS.sip1);
      expect(s.get('reg.2.auth.password')).toBe(SECRETS.sip2);
      expect(s.get('reg.1.server.1.address')).toBe('127.0.0.2');
      expect(s.get('reg.1.outboundProxy.address')).toBe('127.0.0.3');
    }
  });

  it('follows the policy method; digest leaves no separate source filter', () => {
    const digest = renderDevice('VVX_150', '6.4.1.2280', { 'invite-validation': { method: 'digest' } });
    expect(settingsOf(digest).get('voIpProt.SIP.requestValidation.1.method')).toBe('digest');
    expect(settingsOf(digest).get('voIpProt.SIP.requestValidation.2.method')).toBe('digest');
    expect(reasonOf(digest, 'sip-trusted-only')).toBe('policy chose digest request validation; Poly has no separate source filter');
    const both = renderDevice('VVX_150', '6.4.1.2280', { 'invite-validation': { method: 'both' } });
    expect(both.applied).toContain('sip-trusted-only');
    expect(settingsOf(both).get('voIpProt.SIP.requestValidation.1.method')).toBe('both');
  });

  it('uses the site transport and no SRTP when sip-tls-srtp is off', () => {
    const s = settingsOf(renderDevice('VVX_400', '4.1.4.7430', {}));
    expect(s.get('reg.1.server.1.transport')).toBe('UDPOnly');
    expect(s.has('sec.srtp.enable')).toBe(false);
  });

  it('reports the rules Poly cannot honour, with reasons', () => {
    const r = renderDevice('VVX_400', '4.1.4.7430');
    for (const rule of ['reject-anonymous', 'no-direct-ip-calls', 'unused-accounts-off', 'web-https-only', 'snmp-locked']) {
      expect(reasonOf(r, rule), rule).toBeTruthy();
    }
  });

  it('marks every secret setting secret', () => {
    const device = testDevice('polycom', 'VVX_400', MAC);
    const compiled = polycom.compile({ model: 'VVX_400', firmware: '4.1.4.7430', policy: resolvePolicy([FULL]), device });
    const all = [...compiled.base, ...[...compiled.rules.values()].flatMap((c) => (c.status === 'applied' ? c.settings : []))];
    const secretKeys = all
      .filter((s) => s.secret)
      .map((s) => s.key)
      .sort();
    expect(secretKeys).toEqual([
      'device.auth.localAdminPassword',
      'device.auth.localUserPassword',
      'device.prov.password',
      'reg.1.auth.password',
      'reg.2.auth.password',
    ]);
  });

  it('refuses more lines than the model has accounts', () => {
    const device = testDevice('polycom', 'Trio_8800', MAC);
    device.lines.push({ ...device.lines[0]!, index: 3 });
    const file = fileFor('Trio_8800', '7.2.2.1094', 'device');
    expect(() => polycom.render({ model: 'Trio_8800', firmware: '7.2.2.1094', policy: resolvePolicy([]), file, device })).toThrow(
      /accounts/,
    );
  });

  it('guesses the newest family when the firmware is unknown', () => {
    const device = testDevice('polycom', 'VVX_400', MAC);
    const compiled = polycom.compile({ model: 'VVX_400', policy: resolvePolicy([]), device });
    expect(compiled.family).toEqual({ id: 'ucs', guessed: true });
  });

  it('compiles nothing secret or per-device without a device', () => {
    const compiled = polycom.compile({ model: 'VVX_400', firmware: '4.1.4.7430', policy: resolvePolicy([FULL]) });
    expect(compiled.base).toEqual([]);
    expect(compiled.rules.has('admin-password-set')).toBe(false);
    expect(compiled.rules.has('sip-tls-srtp')).toBe(false);
    expect(compiled.rules.get('sip-trusted-only')?.status).toBe('applied');
  });
});

describe('polycom shared and override files', () => {
  it('serves one master to every phone, naming the device file', () => {
    const policy = resolvePolicy([FULL]);
    const bodies = ['000000000000.cfg', '0004f2123456.cfg', '64167f999999.cfg'].map((fileName) => {
      const { file } = polycom.identifyRequest({ fileName, method: 'GET', userAgent: '' });
      return polycom.render({ model: 'VVX_400', firmware: '4.1.4.7430', policy, file }).body;
    });
    expect(new Set(bodies).size).toBe(1);
    expect(polycom.read(bodies[0]!)).toEqual(
      new Map([
        ['APP_FILE_PATH', 'sip.ld'],
        ['CONFIG_FILES', '[PHONE_MAC_ADDRESS]-ghostguard.cfg'],
      ]),
    );
  });

  it('answers an override GET with an empty, well-formed document', () => {
    const device = testDevice('polycom', 'VVX_400', MAC);
    const r = polycom.render({
      model: 'VVX_400',
      firmware: '4.1.4.7430',
      policy: resolvePolicy([FULL]),
      file: fileFor('VVX_400', '4.1.4.7430', 'override'),
      device,
    });
    expect(polycom.read(r.body).size).toBe(0);
    expect(r.applied).toEqual([]);
    expect(r.body).not.toContain(SECRETS.sip1);
  });

  it('does not render log uploads', () => {
    const file: FileRef = { name: '0004f2123456-app.log', kind: 'log', secret: false, upload: true };
    expect(() => polycom.render({ model: 'VVX_400', firmware: '4.1.4.7430', policy: resolvePolicy([]), file })).toThrow(/not rendered/);
  });

  it('rejects malformed XML on read', () => {
    for (const bad of ['', 'garbage', '<unclosed', '<a b="1"><c></a>', '<!DOCTYPE x><polycomConfig/>'])
      expect(() => polycom.read(bad)).toThrow();
  });
});

describe('polycom outbound proxy', () => {
  it('a host:port outbound proxy goes out as reg.N.outboundProxy.address and .port (FusionPBX UCS 6 template form)', () => {
    const device = testDevice('polycom', 'VVX_411', MAC, 1);
    const withPort = { ...device, site: { ...device.site, outboundProxy: '127.0.0.3:5070' } };
    const r = polycom.render({
      model: 'VVX_411',
      firmware: '6.4.6',
      policy: resolvePolicy([]),
      file: fileFor('VVX_411', '6.4.6', 'device'),
      device: withPort,
    });
    const s = polycom.read(r.body);
    expect(s.get('reg.1.outboundProxy.address')).toBe('127.0.0.3');
    expect(s.get('reg.1.outboundProxy.port')).toBe('5070');
  });
});
