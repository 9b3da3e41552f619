/** Grandstream rendering: golden files per model × family, plus the parameters that matter asserted by name. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grandstream } from '../../../vendors/grandstream/index.js';
import { resolvePolicy } from '../../../src/model/policy.js';
import type { PolicyLayer } from '../../../src/model/config-types.js';
import { SECRETS, testDevice } from '../../helpers/devices.js';

const GOLDEN_DIR = join(import.meta.dirname, '../../golden/grandstream');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const FULL: PolicyLayer = {
  'sip-port-nonstandard': { enabled: true, port: 5072 },
  'sip-tls-srtp': { enabled: true },
  'invite-validation': { method: 'both' },
};
const MAC = '00:0b:82:12:34:56';

function renderAll(model: string, firmware: string, layer: PolicyLayer = FULL, lines = 2) {
  const device = testDevice('grandstream', model, MAC, lines);
  return grandstream.bootSequence(device.mac, model, firmware).map((step) => {
    const { file } = grandstream.identifyRequest(step);
    const rendered = grandstream.render({
      model,
      firmware,
      policy: resolvePolicy([layer]),
      file,
      device: file.secret ? device : undefined,
    });
    return { fileName: step.fileName, rendered, values: grandstream.read(rendered.body) };
  });
}

const deviceFile = (model: string, firmware: string, layer?: PolicyLayer, lines?: number) => renderAll(model, firmware, layer, lines)[0]!;

describe('grandstream golden files', () => {
  const cases = [
    ['GXP2140', '1.0.9.14'],
    ['GXP1625', '1.0.7.79'],
    ['GRP2614', '1.0.5.15'],
    ['GRP2614', '1.0.9.103'],
    ['GRP2616', '1.0.13.59'],
  ] as const;
  it.each(cases)('%s firmware %s', (model, firmware) => {
    for (const { fileName, rendered } of renderAll(model, firmware)) {
      const path = join(GOLDEN_DIR, `${model}-${firmware}-${fileName}`);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(path, rendered.body);
      }
      expect(existsSync(path), path).toBe(true);
      expect(rendered.body).toBe(readFileSync(path, 'utf8'));
    }
  });
});

describe('grandstream families', () => {
  it('picks the family from series and firmware', () => {
    const fam = (model: string, firmware?: string) => grandstream.compile({ model, firmware, policy: resolvePolicy([]) }).family;
    expect(fam('GXP2140', '1.0.9.14')).toEqual({ id: 'gxp-pvalue', guessed: false });
    expect(fam('GRP2614', '1.0.3.6')).toEqual({ id: 'grp-pvalue', guessed: false });
    expect(fam('GRP2614', '1.0.9.102')).toEqual({ id: 'grp-pvalue', guessed: false });
    expect(fam('GRP2614', '1.0.9.103')).toEqual({ id: 'grp-alias', guessed: false });
    expect(fam('GRP2616', '1.0.13.59')).toEqual({ id: 'grp-alias', guessed: false });
    expect(fam('GRP2614')).toEqual({ id: 'grp-alias', guessed: true });
    expect(fam('GXP1625', 'weird')).toEqual({ id: 'gxp-pvalue', guessed: true });
  });
});

describe('grandstream P-value families', () => {
  it('hardens every account of a GXP2140 and disables the unused ones', () => {
    const { values, rendered } = deviceFile('GXP2140', '1.0.9.14');
    for (const p of [
      'P2347',
      'P2447',
      'P2547',
      'P2647',
      'P258',
      'P449',
      'P549',
      'P649',
      'P2346',
      'P2446',
      'P2546',
      'P2646',
      'P129',
      'P446',
      'P546',
      'P646',
    ])
      expect(values.get(p), p).toBe('1');
    for (const p of ['P90', 'P425', 'P525', 'P625', 'P298', 'P438', 'P538', 'P638']) expect(values.get(p), p).toBe('0');
    expect([values.get('P271'), values.get('P401'), values.get('P501'), values.get('P601')]).toEqual(['1', '1', '0', '0']);
    expect([values.get('P40'), values.get('P413'), values.get('P513'), values.get('P613')]).toEqual(['5072', '5074', '5076', '5078']);
    expect(values.get('P1310')).toBe('1');
    expect(values.get('P1650')).toBe('0');
    expect(values.get('P2')).toBe(SECRETS.admin);
    expect(rendered.body).toContain('<mac>000b82123456</mac>');
    // GXP21xx 1.0.5.32 template: P145 DHCP override (default 1), P1409 TR-069 (default 0), P276 "Disable SSH" (default 0),
    // P196 end-user password; the GXP P-value templates have no "Allow Unsolicited REFER"
    expect([values.get('P145'), values.get('P1409'), values.get('P276'), values.get('P196')]).toEqual(['0', '0', '1', SECRETS.user]);
    expect(rendered.unsupported.map((u) => u.rule).sort()).toEqual(['no-remote-reboot', 'refer-validation', 'snmp-locked']);
  });

  it('has no TR-069 switch on GXP16xx P-value firmware, but SSH and the DHCP override', () => {
    const { values, rendered } = deviceFile('GXP1625', '1.0.7.79');
    expect(values.has('P1409')).toBe(false);
    expect([values.get('P145'), values.get('P276'), values.get('P196')]).toEqual(['0', '1', SECRETS.user]);
    expect(rendered.unsupported.map((u) => u.rule)).toContain('tr069-off');
  });

  it('gives the older GXP2100-GXP2124 (outside the catalogue) no P1409, and the GXP2124 no P1650: their templates have neither', () => {
    // FusionPBX gxp2100/{$mac}.xml: P2347/P2447/P2547/P2647, P1310, P1650, P276, P145, no P1409; gxp2124/{$mac}.xml: no P1650 either
    for (const model of ['GXP2100', 'GXP2110', 'GXP2120', 'GXP2124']) {
      const { values, rendered } = deviceFile(model, '1.0.8.6');
      expect(rendered.family.id, model).toBe('gxp-pvalue');
      expect(values.has('P1409'), model).toBe(false);
      expect(rendered.unsupported.find((u) => u.rule === 'tr069-off')?.reason, model).toMatch(/GXP2100–GXP2124/);
      expect([values.get('P2347'), values.get('P1310'), values.get('P276'), values.get('P145')], model).toEqual(['1', '1', '1', '0']);
      expect(values.has('P1650'), model).toBe(model !== 'GXP2124');
    }
    expect(deviceFile('GXP2124', '1.0.8.6').rendered.unsupported.find((u) => u.rule === 'web-https-only')?.reason).toMatch(
      /no web access mode/,
    );
    expect(deviceFile('GXP2140', '1.0.5.32').values.get('P1409')).toBe('0');
  });

  it('writes line registration and provisioning credentials', () => {
    const { values } = deviceFile('GXP2140', '1.0.9.14', {});
    expect(Object.fromEntries(['P270', 'P47', 'P48', 'P35', 'P36', 'P34', 'P3', 'P130'].map((k) => [k, values.get(k)]))).toEqual({
      P270: 'Reception',
      P47: '127.0.0.2',
      P48: '127.0.0.3',
      P35: '1001',
      P36: '1001',
      P34: SECRETS.sip1,
      P3: 'Reception',
      P130: '0',
    });
    expect(values.get('P406')).toBe(SECRETS.sip2);
    expect([values.get('P237'), values.get('P212'), values.get('P1360'), values.get('P1361')]).toEqual([
      '127.0.0.1:8443',
      '2',
      'gg-000b82123456',
      SECRETS.prov,
    ]);
    expect(values.has('P2346')).toBe(false);
  });

  it('uses TLS and forced SRTP on configured lines only', () => {
    const { values } = deviceFile('GXP2140', '1.0.9.14');
    expect([values.get('P130'), values.get('P183'), values.get('P448'), values.get('P443')]).toEqual(['2', '2', '2', '2']);
    expect(values.has('P548')).toBe(false);
  });

  it('locks GRP P-value firmware with SNMP off and SIP reset off', () => {
    const { values, rendered } = deviceFile('GRP2614', '1.0.5.15');
    expect(values.get('P21896')).toBe('0');
    for (const p of ['P26015', 'P26115', 'P26215', 'P26315']) expect(values.get(p), p).toBe('0');
    // GRP26xx 1.0.3.6: "Allow Unsolicited REFER" P26023/P26123/P26223/P26323, 0 = Disabled
    for (const p of ['P26023', 'P26123', 'P26223', 'P26323']) expect(values.get(p), p).toBe('0');
    // that template lists the TR-069 ACS settings but no enable switch
    expect(rendered.unsupported.map((u) => u.rule)).toEqual(['tr069-off']);
  });

  it('reports restricted SNMP as unsupported', () => {
    const { rendered } = deviceFile('GRP2614', '1.0.5.15', {
      'snmp-locked': { mode: 'restricted', managers: ['127.0.0.9'], community: 'x' },
    });
    expect(rendered.unsupported.map((u) => u.rule)).toEqual(['snmp-locked', 'tr069-off']);
    expect(rendered.body).not.toContain('P21896');
  });

  it('keeps shared files free of secrets and per-device data', () => {
    for (const [model, firmware] of [
      ['GXP2140', '1.0.9.14'],
      ['GRP2614', '1.0.5.15'],
      ['GRP2616', '1.0.13.59'],
    ] as const) {
      for (const { rendered } of renderAll(model, firmware).slice(1)) {
        for (const s of [...Object.values(SECRETS), '000b82123456', '1001', 'Reception']) expect(rendered.body).not.toContain(s);
      }
    }
    const shared = renderAll('GRP2614', '1.0.5.15')[1]!;
    expect([...shared.values.entries()]).toEqual([
      ['P1310', '1'],
      ['P1650', '0'],
      ['P21896', '0'],
      ['P276', '1'],
    ]);
  });
});

describe('grandstream alias family', () => {
  it('writes account.N items with alias words', () => {
    const { values, rendered } = deviceFile('GRP2616', '1.0.13.59');
    expect(rendered.body).toContain('<config version="2">');
    for (let n = 1; n <= 6; n++) {
      expect(values.get(`account.${n}.sip.validate.incomingServer`)).toBe('Yes');
      expect(values.get(`account.${n}.sip.validate.userIdforInvite`)).toBe('Yes');
      expect(values.get(`account.${n}.sip.authenticateIncomingInvite`)).toBe('Yes');
      expect(values.get(`account.${n}.call.autoAnswer`)).toBe('No');
      expect(values.get(`account.${n}.intercom.allowAutoAnswer`)).toBe('No');
      expect(values.get(`account.${n}.call.rejectAnonymousCall`)).toBe('Yes');
      expect(values.get(`account.${n}.sip.allowSipReset`)).toBe('No');
      expect(values.get(`account.${n}.sip.localPort`)).toBe(String(5070 + 2 * n));
      expect(values.get(`account.${n}.enable`)).toBe(n <= 2 ? 'Yes' : 'No');
      // GRP261x 1.0.9.103 alias template: "Allow Unsolicited REFER" Disabled, Enabled, EnabledOrForceAuth
      expect(values.get(`account.${n}.sip.allowUnsolicitedRefer`)).toBe('Disabled');
    }
    // same template: DHCP option 43/66 override No/Yes, TR-069 enable, security.ssh (inverse of P276 "Disable SSH")
    expect(values.get('provisioning.override.dhcp.allowCommonOptions')).toBe('No');
    expect(values.get('tr069.enable')).toBe('No');
    expect(values.get('security.ssh')).toBe('No');
    expect(values.get('users.user.password')).toBe(SECRETS.user);
    expect(values.get('call.ipcall.enable')).toBe('No');
    expect(values.get('security.webAccessMode')).toBe('HTTPS');
    expect(values.get('network.snmp.enable')).toBe('No');
    expect(values.get('users.admin.password')).toBe(SECRETS.admin);
    expect(values.get('account.1.sip.transport')).toBe('TlsOrTcp');
    expect(values.get('account.1.audio.srtpMode')).toBe('EnabledAndForced');
    expect(values.get('provisioning.config.protocol')).toBe('HTTPS');
    expect(values.get('provisioning.config.password')).toBe(SECRETS.prov);
    expect([...values.keys()].some((k) => /^P\d+$/.test(k))).toBe(false);
  });
});

describe('grandstream limits', () => {
  it('refuses accounts without a verified P-value on GRP P-value firmware', () => {
    const { rendered } = deviceFile('GRP2616', '1.0.5.15');
    expect(rendered.unsupported.map((u) => u.rule)).toContain('sip-trusted-only');
    expect(rendered.unsupported.find((u) => u.rule === 'sip-trusted-only')!.reason).toMatch(/account 5/);
  });

  it('rejects a device file rendered without its device', () => {
    const { file } = grandstream.identifyRequest({ fileName: 'cfg000b82123456.xml', method: 'GET', userAgent: '' });
    expect(() => grandstream.render({ model: 'GXP2140', firmware: '1.0.9.14', policy: resolvePolicy([]), file })).toThrow();
  });

  it('reads both formats and rejects foreign XML', () => {
    expect(grandstream.read('<gs_provision version="1"><config version="1"><P1310>1</P1310></config></gs_provision>').get('P1310')).toBe(
      '1',
    );
    expect(() => grandstream.read('<polycomConfig/>')).toThrow();
  });
});
