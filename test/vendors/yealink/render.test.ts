/** Yealink rendering: golden files per model × firmware family, plus the parameters that matter spelled out. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yealink } from '../../../vendors/yealink/index.js';
import { resolvePolicy } from '../../../src/model/policy.js';
import type { PolicyLayer } from '../../../src/model/config-types.js';
import type { FileRef } from '../../../src/model/vendor-contract.js';
import { SECRETS, testDevice } from '../../helpers/devices.js';

const GOLDEN_DIR = join(import.meta.dirname, '../../golden/yealink');
const NOTES = readFileSync(join(import.meta.dirname, '../../../firmware-notes/yealink.md'), 'utf8');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const MAC = '00:15:65:12:34:56';

const FULL: PolicyLayer = { 'sip-port-nonstandard': { enabled: true, port: 5072 }, 'sip-tls-srtp': { enabled: true } };
const FULL_POLICY = resolvePolicy([FULL]);

const CASES = [
  ['T46G', '28.72.0.1', 'legacy'],
  ['T46G', '28.80.0.95', 'v80'],
  ['T46G', '28.81.0.110', 'v81+'],
  ['T19P_E2', '53.80.0.3', 'v80'],
  ['T19P_E2', '53.84.0.125', 'v81+'],
  ['T54W', '96.86.0.45', 'v81+'],
] as const;

function fileFor(fileName: string, userAgent: string): FileRef {
  return yealink.identifyRequest({ fileName, method: 'GET', userAgent }).file;
}

function renderAll(model: string, firmware: string, layer: PolicyLayer = FULL) {
  const device = testDevice('yealink', model, MAC, Math.min(2, yealink.models.find((m) => m.id === model)!.accounts));
  const policy = resolvePolicy([layer]);
  return yealink
    .bootSequence(device.mac, model, firmware)
    .filter((s) => s.method === 'GET')
    .map((step) => {
      const file = fileFor(step.fileName, step.userAgent);
      const rendered = yealink.render({ model, firmware, policy, file, device: file.secret ? device : undefined });
      return { step, file, rendered, values: file.kind === 'boot' ? undefined : yealink.read(rendered.body) };
    });
}

function compareGolden(name: string, body: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, body);
    return;
  }
  expect(existsSync(path), `missing golden ${name}; run with UPDATE_GOLDEN=1`).toBe(true);
  expect(body).toBe(readFileSync(path, 'utf8'));
}

describe.each(CASES)('yealink %s firmware %s (%s)', (model, firmware, family) => {
  const files = renderAll(model, firmware);

  it('matches the golden files', () => {
    for (const { step, rendered } of files) compareGolden(`${model}-${firmware}-${step.fileName}`, rendered.body);
  });

  it('reports the firmware family', () => {
    for (const { rendered } of files) expect(rendered.family).toEqual({ id: family, guessed: false });
  });

  it('fetches boot files only from V81 on', () => {
    expect(files.some((f) => f.file.kind === 'boot')).toBe(family === 'v81+');
  });

  it('keeps secrets, accounts and the MAC out of shared files', () => {
    for (const { file, rendered } of files.filter((f) => !f.file.secret)) {
      for (const secret of Object.values(SECRETS)) expect(rendered.body).not.toContain(secret);
      if (file.kind === 'common') expect(rendered.body).not.toMatch(/^account\.|001565123456|auto_provision|user_password/m);
    }
  });

  it('writes the family-specific parameters', () => {
    const common = files.find((f) => f.file.kind === 'common')!.values!;
    const device = files.find((f) => f.file.kind === 'device')!.values!;
    const p = family === 'v81+' ? 'static.' : '';
    if (family === 'legacy') {
      expect(device.get('account.1.sip_trust_ctrl')).toBe('1');
      expect(device.get('account.16.sip_trust_ctrl')).toBe('1');
      expect(device.has('sip.trust_ctrl')).toBe(false);
      expect(device.get('account.1.sip_listen_port')).toBe('5072');
      expect(device.get('account.1.transport')).toBe('2');
    } else {
      expect(common.get('sip.trust_ctrl')).toBe('1');
      expect(device.get('sip.trust_ctrl')).toBe('1');
      expect(device.has('account.1.sip_trust_ctrl')).toBe(false);
      expect(common.get('sip.listen_port')).toBe('5072');
    }
    expect(device.get(family === 'v81+' ? 'account.1.sip_server.1.address' : 'account.1.sip_server_host')).toBe('127.0.0.2');
    expect(device.get(family === 'v81+' ? 'account.1.sip_server.1.transport_type' : 'account.1.transport')).toBe('2');
    expect(device.get('account.1.srtp_encryption')).toBe('1');
    expect(device.get(`${p}security.user_password`)).toBe(`admin:${SECRETS.admin}`);
    expect(device.get(`${p}auto_provision.server.password`)).toBe(SECRETS.prov);
    expect(device.get(`${p}auto_provision.server.username`)).toBe('gg-001565123456');
    expect(common.get(`${p}wui.http_enable`)).toBe('0');
    expect(common.get(`${p}wui.https_enable`)).toBe('1');
    expect(common.get('features.direct_ip_call_enable')).toBe('0');
    expect(common.get('features.intercom.allow')).toBe('0');
    expect(common.get('sip.notify_reboot_enable')).toBe(family === 'v81+' && model.startsWith('T5') ? '2' : '0'); // 2 only where the T5/CP guide documents it
    expect(common.get('network.snmp.enable')).toBe(family === 'v81+' ? undefined : '0');
    expect(device.get('account.1.reject_anonymous_call')).toBe('1');
    expect(device.get('account.1.auto_answer')).toBe('0');
  });

  it('emits only parameters documented in firmware-notes/yealink.md', () => {
    const documented = new Set([...NOTES.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    for (const { values } of files) {
      for (const key of values?.keys() ?? []) expect(documented, key).toContain(key.replace(/\.\d+(?=\.|$)/g, '.N'));
    }
  });
});

describe('yealink boot files', () => {
  const ua = 'Yealink SIP-T54W 96.86.0.45 00:15:65:12:34:56';
  const render = (fileName: string, model: string, userAgent = ua) =>
    yealink.render({ model, firmware: '96.86.0.45', policy: FULL_POLICY, file: fileFor(fileName, userAgent) }).body;

  it('common boot file maps every model to its common CFG', () => {
    const body = render('y000000000000.boot', 'T54W');
    compareGolden('y000000000000.boot', body);
    expect(body.split('\n')[0]).toBe('#!version:1.0.0.1');
    expect(body).toContain('[T46G]include:config "y000000000028.cfg"');
    expect(body).toContain('[T46U]include:config "y000000000108.cfg"');
  });

  it('MAC boot file depends only on the URL and the User-Agent', () => {
    const file = fileFor('001565123456.boot', ua);
    const withDevice = yealink.render({
      model: 'T54W',
      firmware: '96.86.0.45',
      policy: FULL_POLICY,
      file,
      device: testDevice('yealink', 'T54W', MAC),
    });
    expect(withDevice.body).toBe(render('001565123456.boot', 'T54W'));
    expect(withDevice.body).toBe('#!version:1.0.0.1\ninclude:config "y000000000096.cfg"\ninclude:config "001565123456.cfg"\n');
  });

  it('MAC boot file for an unknown model includes only the MAC CFG, lowercase', () => {
    expect(render('001565ABCDEF.boot', 'T38G', 'Yealink SIP-T38G 38.81.0.10 00:15:65:ab:cd:ef')).toBe(
      '#!version:1.0.0.1\ninclude:config "001565abcdef.cfg"\n',
    );
  });
});

describe('yealink rule edge cases', () => {
  const deviceFile = (model: string, firmware: string, layer: PolicyLayer) => {
    const device = testDevice('yealink', model, MAC, 2);
    const file = fileFor('001565123456.cfg', `Yealink SIP-${model} ${firmware} ${MAC}`);
    return yealink.render({ model, firmware, policy: resolvePolicy([layer]), file, device });
  };

  it('restricted SNMP lists the managers on V80 and below', () => {
    const r = deviceFile('T46G', '28.80.0.95', { 'snmp-locked': { mode: 'restricted', managers: ['127.0.0.5', '127.0.0.6'] } });
    const values = yealink.read(r.body);
    expect(values.get('network.snmp.enable')).toBe('1');
    expect(values.get('network.snmp.trust_ip')).toBe('127.0.0.5 127.0.0.6');
    expect(r.applied).toContain('snmp-locked');
  });

  it('a demanded SNMP community is unsupported', () => {
    const r = deviceFile('T46G', '28.80.0.95', { 'snmp-locked': { mode: 'restricted', managers: ['127.0.0.5'], community: 'x-Comm' } });
    expect(r.unsupported.map((u) => u.rule)).toContain('snmp-locked');
    expect(r.body).not.toContain('network.snmp');
  });

  it('disabled rules leave their parameters out', () => {
    const r = deviceFile('T46G', '28.81.0.110', { 'unused-accounts-off': { enabled: false }, 'web-https-only': { enabled: false } });
    expect(r.body).not.toMatch(/account\.3\.enable|wui/);
    expect(r.body).toContain('account.1.sip_server.1.transport_type = 0');
  });

  it('an unknown firmware is rendered as the newest family, flagged as a guess', () => {
    const device = testDevice('yealink', 'T46G', MAC, 2);
    const file = fileFor('001565123456.cfg', `Yealink SIP-T46G 28.81.0.110 ${MAC}`);
    const r = yealink.render({ model: 'T46G', policy: FULL_POLICY, file, device });
    expect(r.family).toEqual({ id: 'v81+', guessed: true });
    expect(r.body).toContain('firmware unknown');
  });

  it('refuses a line the model does not have', () => {
    expect(() => deviceFile('T19P_E2', '53.84.0.125', {})).toThrow(/line 2/);
  });

  it('refuses to render a device file for another device', () => {
    const file = fileFor('0015654aa937.cfg', 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37');
    expect(() =>
      yealink.render({ model: 'T46G', firmware: '28.72.0.1', policy: FULL_POLICY, file, device: testDevice('yealink', 'T46G', MAC) }),
    ).toThrow();
  });

  it('reads back what it renders and rejects boot syntax as config', () => {
    const r = deviceFile('T54W', '96.86.0.45', {});
    expect(yealink.read(r.body).get('account.2.password')).toBe(SECRETS.sip2);
    expect(() => yealink.read('#!version:1.0.0.1\n[T46G]include:config "y000000000028.cfg"\n')).toThrow();
  });
});
