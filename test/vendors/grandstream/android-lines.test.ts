/**
 * GXV33xx/34xx, WP810, WP820 and WP8x6: each its own family. Expected names and values are copied by hand from the
 * public templates named in firmware-notes/grandstream.md (FusionPBX provision/grandstream/<line>), not from the adapter.
 */
import { describe, expect, it } from 'vitest';
import { grandstream } from '../../../vendors/grandstream/index.js';
import { resolvePolicy } from '../../../src/model/policy.js';
import type { PolicyLayer } from '../../../src/model/config-types.js';
import { IDENTIFY_LEVELS } from '../../../src/model/vendor-contract.js';
import { weakeningParams } from '../../../src/model/params-guard.js';
import { testDevice } from '../../helpers/devices.js';

const FULL: PolicyLayer = {
  'sip-port-nonstandard': { enabled: true, port: 5072 },
  'sip-tls-srtp': { enabled: true },
  'invite-validation': { method: 'both' },
};

function deviceFile(model: string, firmware: string, layer: PolicyLayer = FULL) {
  const device = testDevice('grandstream', model, '00:0b:82:12:34:56', 2);
  const [step] = grandstream.bootSequence(device.mac, model, firmware);
  const { file } = grandstream.identifyRequest(step!);
  const rendered = grandstream.render({ model, firmware, policy: resolvePolicy([layer]), file, device });
  return { rendered, values: grandstream.read(rendered.body) };
}

const reason = (r: ReturnType<typeof deviceFile>['rendered'], rule: string) => r.unsupported.find((u) => u.rule === rule)?.reason ?? '';

describe('Grandstream GXV33xx/34xx (gxv-alias)', () => {
  it('identifies the video phones from the provisioning User-Agent Wazo records (hardware revision, two spaces)', () => {
    const id = grandstream.identifyRequest({
      fileName: 'cfgc074ad150b88.xml',
      method: 'GET',
      userAgent: 'Grandstream Model HW GXV3350  V1.3A SW 1.0.1.8 DevId c074ad150b88',
    });
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.exact, model: 'GXV3350', firmware: '1.0.1.8', uaMac: 'c074ad150b88' });
  });

  it('writes the GXV template items with its words', () => {
    const { values, rendered } = deviceFile('GXV3370', '1.0.1.33');
    expect(rendered.body).toContain('<config version="2">');
    expect(values.get('account.1.sip.subscriber.userId')).toBe('1001');
    expect(values.has('account.1.sip.subscriber.userid')).toBe(false);
    expect(values.get('account.1.sip.validate.incomingServer')).toBe('Yes');
    expect(values.get('account.2.sip.validate.userIdforInvite')).toBe('Yes');
    expect(values.get('account.1.sip.authenticateIncomingInvite')).toBe('Yes');
    expect(values.get('account.1.call.autoAnswer')).toBe('No');
    expect(values.get('account.1.sip.allowSipReset')).toBe('No');
    expect(values.get('account.1.sip.allowUnsolicitedRefer')).toBe('Disabled');
    expect(values.get('account.1.sip.transport')).toBe('TlsOrTcp');
    expect(values.get('account.1.audio.srtpMode')).toBe('EnabledAndForced');
    // "Access Method: HTTP, HTTPS"
    expect(values.get('security.webAccessMode')).toBe('HTTPS');
    expect(values.get('tr069.enable')).toBe('No');
    expect(values.get('provisioning.override.dhcp.allowCommonOptions')).toBe('No');
    // 16 accounts: the unused 3..16 are switched off
    expect(values.get('account.16.enable')).toBe('No');
    expect(values.has('account.17.enable')).toBe(false);
  });

  it('reports what the GXV templates do not show as unsupported, with the reason', () => {
    const { values, rendered } = deviceFile('GXV3480', '1.0.1.09', { ...FULL, 'snmp-locked': { mode: 'off' } });
    expect(values.has('security.ssh')).toBe(false);
    expect(reason(rendered, 'ssh-off')).toMatch(/polarity/);
    expect(values.has('call.ipcall.enable')).toBe(false);
    expect(reason(rendered, 'no-direct-ip-calls')).toMatch(/no verified GXV3480 parameter/);
    expect(values.has('account.1.intercom.allowAutoAnswer')).toBe(false);
    expect(reason(rendered, 'snmp-locked')).toMatch(/no SNMP/);
  });
});

describe('Grandstream WP810 / WP820 (P-value, their own tables)', () => {
  it('WP810: GXP numbering for accounts 1-2, HTTPS is 0, Call-Info auto answer off, no REFER switch', () => {
    const { values, rendered } = deviceFile('WP810', '1.0.9.17');
    expect(values.get('P2347')).toBe('1');
    expect(values.get('P2447')).toBe('1');
    expect(values.get('P298')).toBe('0');
    expect(values.get('P438')).toBe('0');
    expect(values.get('P1310')).toBe('1');
    expect(values.get('P1650')).toBe('0');
    expect(values.get('P130')).toBe('2');
    expect(values.get('P183')).toBe('2');
    expect(values.get('P276')).toBe('1');
    expect(values.get('P1409')).toBe('0');
    expect(values.get('P26015')).toBe('0');
    expect(values.has('P196')).toBe(false);
    expect(values.has('P501')).toBe(false);
    expect(rendered.unsupported.map((u) => u.rule)).toEqual(expect.arrayContaining(['refer-validation', 'user-password-set']));
  });

  it('WP820: "Access Mode. 0 - HTTP, 1 - HTTPS", REFER P26023/P26123, SRTP unsupported (account sections swapped)', () => {
    const { values, rendered } = deviceFile('WP820', '1.0.1.16');
    expect(values.get('P1650')).toBe('1');
    expect(values.get('P26023')).toBe('0');
    expect(values.get('P26123')).toBe('0');
    expect(values.get('P90')).toBe('0');
    expect(values.has('P298')).toBe(false);
    expect(values.has('P1310')).toBe(false);
    expect(values.has('P183')).toBe(false);
    expect(reason(rendered, 'sip-tls-srtp')).toMatch(/P183 under account 2/);
    expect(reason(rendered, 'no-direct-ip-calls')).toMatch(/no verified WP820 parameter/);
  });
});

describe('Grandstream WP8x6 (wp8x6-alias)', () => {
  it('writes its own words: "Tls Or Tcp", Call-Info auto answer as a number, "Enable SSH" No, "Enable Direct IP Call" No', () => {
    const { values } = deviceFile('WP826', '1.0.1.44');
    expect(values.get('account.1.sip.transport')).toBe('Tls Or Tcp');
    expect(values.get('account.1.intercom.allowAutoAnswer')).toBe('0');
    expect(values.get('security.ssh')).toBe('No');
    expect(values.get('call.ipcall.enable')).toBe('No');
    expect(values.get('security.webAccessMode')).toBe('HTTPS');
    expect(values.get('account.3.enable')).toBe('No');
    expect(values.has('users.user.password')).toBe(false);
  });

  it('gives a WP8x6 outside the catalogue the line settings, and refuses lines it has no table for', () => {
    expect(grandstream.compile({ model: 'WP816', firmware: '1.0.1.44', policy: resolvePolicy([]) }).family.id).toBe('wp8x6-alias');
    expect(grandstream.compile({ model: 'GXV3450', firmware: '1.0.1.1', policy: resolvePolicy([]) }).family.id).toBe('gxv-alias');
    for (const model of ['DP752', 'DP720', 'HT802', 'GXV3240'])
      expect(() => grandstream.compile({ model, firmware: '1.0.2.16', policy: resolvePolicy([]) }), model).toThrow(
        /no line ghostguard has a parameter table/,
      );
  });
});

describe("params: on the Android and Wi-Fi lines are compared in the line's own terms", () => {
  const conflicts = (model: string, firmware: string, params: Record<string, string>) => {
    const device = testDevice('grandstream', model, '00:0b:82:12:34:56', 2);
    const compiled = grandstream.compile({ model, firmware, policy: resolvePolicy([FULL]), device });
    return weakeningParams(compiled, params, grandstream.apiSetting).map((c) => `${c.key}=${c.value} ${c.rule}`);
  };

  it('GXV: "P1650: 0" is HTTP there (HTTPS is 1), so it is refused; "P1650: 1" agrees with the rule', () => {
    expect(conflicts('GXV3370', '1.0.1.33', { P1650: '0' })).toEqual(['P1650=0 web-https-only']);
    expect(conflicts('GXV3370', '1.0.1.33', { P1650: '1' })).toEqual([]);
    expect(conflicts('GXV3370', '1.0.1.33', { 'security.webAccessMode': 'HTTP' })).toEqual(['security.webAccessMode=HTTP web-https-only']);
  });

  it('GXV: a desk-phone P-value on an account hardening item is refused, not slipped past the guard', () => {
    expect(conflicts('GXV3370', '1.0.1.33', { P2347: '0' })).toEqual(['P2347=0 sip-trusted-only']);
  });

  it('WP820: "P1650: 0" is refused; the GRP lines keep their own numbering ("P1650: 0" is HTTPS there)', () => {
    expect(conflicts('WP820', '1.0.1.16', { P1650: '0' })).toEqual(['P1650=0 web-https-only']);
    expect(conflicts('GRP2614', '1.0.9.103', { P1650: '0' })).toEqual([]);
    expect(conflicts('GRP2614', '1.0.9.103', { P1650: '1' })).toEqual(['P1650=1 web-https-only']);
  });
});
