/**
 * The DP750 DECT base (dp750-pvalue). Expected P-values are copied by hand from the public template FusionPBX ships for it,
 * resources/templates/provision/grandstream/dp750/{$mac}.xml ("Configuration template for DP750 firmware version
 * 1.0.2.16"), section by section as quoted in the comments — not from the adapter's tables.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grandstream } from '../../../vendors/grandstream/index.js';
import { resolvePolicy } from '../../../src/model/policy.js';
import type { PolicyLayer } from '../../../src/model/config-types.js';
import { IDENTIFY_LEVELS } from '../../../src/model/vendor-contract.js';
import { weakeningParams } from '../../../src/model/params-guard.js';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { SECRETS, testDevice } from '../../helpers/devices.js';

const FULL: PolicyLayer = {
  'sip-port-nonstandard': { enabled: true, port: 5072 },
  'sip-tls-srtp': { enabled: true },
  'invite-validation': { method: 'both' },
};
const UA = 'Grandstream Model HW DP750 SW 1.0.2.16 DevId 000b82123456';

function deviceFile(layer: PolicyLayer = FULL, lines = 2) {
  const device = testDevice('grandstream', 'DP750', '00:0b:82:12:34:56', lines);
  const { file } = grandstream.identifyRequest({ fileName: 'cfg000b82123456.xml', method: 'GET', userAgent: UA });
  const rendered = grandstream.render({ model: 'DP750', firmware: '1.0.2.16', policy: resolvePolicy([layer]), file, device });
  return { rendered, values: grandstream.read(rendered.body) };
}

const reason = (r: ReturnType<typeof deviceFile>['rendered'], rule: string) => r.unsupported.find((u) => u.rule === rule)?.reason ?? '';

describe('Grandstream DP750 (dp750-pvalue)', () => {
  it('is a catalogue model: identified from its provisioning request, its own family', () => {
    const id = grandstream.identifyRequest({ fileName: 'cfg000b82123456.xml', method: 'GET', userAgent: UA });
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.exact, model: 'DP750', firmware: '1.0.2.16' });
    expect(grandstream.compile({ model: 'DP750', firmware: '1.0.2.16', policy: resolvePolicy([]) }).family.id).toBe('dp750-pvalue');
    // "DECT/SIP Account Settings": SIP accounts 1 - 10
    expect(grandstream.models.find((m) => m.id === 'DP750')?.accounts).toBe(10);
  });

  it('puts the server on profile 1 and each line on a handset account that uses profile 1', () => {
    const { values } = deviceFile({ ...FULL, 'sip-tls-srtp': { enabled: false } });
    // "Profile 1/General Settings": Profile Active P271, Primary SIP Server P47, Outbound Proxy P48; SIP Transport P130 (0 - UDP)
    expect(values.get('P271')).toBe('1');
    expect(values.get('P47')).toBe('127.0.0.2');
    expect(values.get('P48')).toBe('127.0.0.3');
    expect(values.get('P130')).toBe('0');
    // "DECT/SIP Account Settings": SIP User ID P4060.., Authenticate ID P4090.., Password P4120.., SIP Name P4180..,
    // "Profile Settings for SIP account 1 - 10 ... 0 - Profile 1"
    expect([values.get('P4060'), values.get('P4061')]).toEqual(['1001', '1002']);
    expect([values.get('P4090'), values.get('P4091')]).toEqual(['1001', '1002']);
    expect([values.get('P4120'), values.get('P4121')]).toEqual([SECRETS.sip1, SECRETS.sip2]);
    expect([values.get('P4180'), values.get('P4181')]).toEqual(['Reception', 'Back office']);
    expect([values.get('P4150'), values.get('P4151')]).toEqual(['0', '0']);
    // the desk phones' account numbers are not DP750 settings: none is written
    for (const desk of ['P35', 'P36', 'P34', 'P270', 'P402', 'P404', 'P2347', 'P1310', 'P90']) expect(values.has(desk), desk).toBe(false);
  });

  it('writes the hardening the template shows, on all four profiles', () => {
    const { values, rendered } = deviceFile();
    // "Allow Incoming SIP Messages from SIP Proxy Only": P243 (profile 1), P743, P4043, P4044
    for (const p of ['P243', 'P743', 'P4043', 'P4044']) expect(values.get(p), p).toBe('1');
    // "Check SIP User ID for Incoming INVITE. 0 - No, 1 - Yes": P258, P449, P549, P649; "Authenticate incoming INVITE": P2346..P2646
    for (const p of ['P258', 'P449', 'P549', 'P649', 'P2346', 'P2446', 'P2546', 'P2646']) expect(values.get(p), p).toBe('1');
    // "Anonymous Call Rejection. 0 - No, 1 - Yes.": P129, P446, P546, P646
    for (const p of ['P129', 'P446', 'P546', 'P646']) expect(values.get(p), p).toBe('1');
    // profiles 2-4 unused: "Profile Active. 0 - no" P401, P501, P601
    for (const p of ['P401', 'P501', 'P601']) expect(values.get(p), p).toBe('0');
    // "Local SIP port": P40, P740, P640, P613; TLS "2 - TLS" P130; "SRTP Mode 2=Enabled and forced" P183
    expect(['P40', 'P740', 'P640', 'P613'].map((p) => values.get(p))).toEqual(['5072', '5074', '5076', '5078']);
    expect(values.get('P130')).toBe('2');
    expect(values.get('P183')).toBe('2');
    // "Settings/System Features": "Disable Direct IP Call. 0 - No, 1 - Yes." P277
    expect(values.get('P277')).toBe('1');
    // "Web Access Mode. 0 - HTTPS, 1 - HTTP. Default is 1 - HTTP." P1650; "Disable SSH. 0 - No, 1 - Yes. Default is 0." P276
    expect(values.get('P1650')).toBe('0');
    expect(values.get('P276')).toBe('1');
    // "Enable TR-069. 0 - No, 1 - Yes" P1409; DHCP "Option 43 and Option 66" P20719 and "Option 66" P145, both "Default is 1"
    expect(values.get('P1409')).toBe('0');
    expect(values.get('P20719')).toBe('0');
    expect(values.get('P145')).toBe('0');
    // "Admin password" P2, "User Password" P196; provisioning P237 / P212 ("2 - HTTPS Upgrade") / P1360 / P1361
    expect(values.get('P2')).toBe(SECRETS.admin);
    expect(values.get('P196')).toBe(SECRETS.user);
    expect(values.get('P212')).toBe('2');
    expect(values.get('P1361')).toBe(SECRETS.prov);
    for (const rule of ['sip-trusted-only', 'invite-validation', 'reject-anonymous', 'unused-accounts-off', 'tr069-off', 'ssh-off'])
      expect(rendered.applied).toContain(rule);
  });

  it('reports what the template has no setting for as unsupported, with the reason', () => {
    const { rendered } = deviceFile({ ...FULL, 'snmp-locked': { mode: 'off' } });
    expect(reason(rendered, 'no-auto-answer')).toMatch(/no auto-answer/);
    expect(reason(rendered, 'no-remote-reboot')).toMatch(/no "Allow SIP Reset"/);
    expect(reason(rendered, 'refer-validation')).toMatch(/no "Allow Unsolicited REFER"/);
    expect(reason(rendered, 'snmp-locked')).toMatch(/no SNMP/);
  });

  it('params: a DP750 P-value that would undo a rule is refused, a desk-phone number that means nothing there is not', () => {
    const device = testDevice('grandstream', 'DP750', '00:0b:82:12:34:56', 1);
    const compiled = grandstream.compile({ model: 'DP750', firmware: '1.0.2.16', policy: resolvePolicy([FULL]), device });
    const conflicts = (params: Record<string, string>) =>
      weakeningParams(compiled, params, grandstream.apiSetting).map((c) => `${c.key}=${c.value} ${c.rule}`);
    expect(conflicts({ P243: '0' })).toEqual(['P243=0 sip-trusted-only']);
    expect(conflicts({ P277: '0' })).toEqual(['P277=0 no-direct-ip-calls']);
    expect(conflicts({ P1650: '1' })).toEqual(['P1650=1 web-https-only']);
    expect(conflicts({ P20719: '1' })).toEqual(['P20719=1 provisioning-pinned']);
    expect(conflicts({ P64: 'TZC+1' })).toEqual([]);
  });

  it('imports, validates and renders through the CLI; a DP752 (no template of its own) is refused at validate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-dp750-'));
    const yaml = (model: string) =>
      [
        'server:',
        `  dataDir: ${join(dir, 'data')}`,
        '  publicUrl: https://127.153.7.1:22543/',
        '  tls: auto',
        'sites:',
        '  hq: { registrar: 127.153.7.10 }',
        'devices:',
        `  - { mac: "00:0b:82:53:07:01", vendor: grandstream, model: ${model}, site: hq, adminPassword: generate, lines: [{ extension: "701", password: generate }, { extension: "702", password: generate }] }`,
      ].join('\n') + '\n';
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: dir, isTty: false };
    writeFileSync(join(dir, 'gg.yaml'), yaml('DP750'));
    expect(await main(['validate', '-c', 'gg.yaml'], io)).toBe(0);
    expect(
      await main(['render', '00:0b:82:53:07:01', '-c', 'gg.yaml', '--ua', UA.replace('000b82123456', '000b82530701'), '--explain'], io),
    ).toBe(0);
    expect(out).toContain('→ family dp750-pvalue');
    expect(out).toContain('<P47>127.153.7.10</P47>');
    expect(out).toContain('<P4061>702</P4061>');
    expect(out).toContain('<P4121>********</P4121>');
    expect(out).toContain('\n# policy sip-trusted-only: on → applied\n');
    expect(out).toMatch(/^# unsupported: no-auto-answer: the DP750 1\.0\.2\.16 template has no auto-answer/m);
    out = '';
    err = '';
    writeFileSync(join(dir, 'gg.yaml'), yaml('DP752'));
    expect(await main(['validate', '-c', 'gg.yaml'], io)).toBe(1);
    expect(err).toMatch(/gg\.yaml:8: devices\[0\]\.model: Grandstream DP752 belongs to no line ghostguard has a parameter table for/);
    expect(err).not.toMatch(/served the settings of its firmware family/);
    // the admin's word that the DP750's settings fit: like: borrows them
    writeFileSync(join(dir, 'gg.yaml'), yaml('DP752, like: DP750'));
    expect(await main(['validate', '-c', 'gg.yaml'], io)).toBe(0);
    out = '';
    expect(await main(['render', '00:0b:82:53:07:01', '-c', 'gg.yaml', '--explain'], io)).toBe(0);
    expect(out).toContain('# model DP752 is not in the catalogue: settings of DP750 (like:)');
    expect(out).toContain('<P243>1</P243>');
  });
});
