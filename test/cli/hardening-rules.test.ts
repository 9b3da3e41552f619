/**
 * The #14 hardening rules through the CLI: `render --explain` shows every rule's policy knobs and what became of the rule
 * for this phone; a rule turned off in the policy is left out. Expected parameters and values are the vendors' template
 * ones (Grandstream GRP261x 1.0.9.103 alias template, GXP21xx 1.0.5.32 P-value template, Yealink V86 common template).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

const GRP_UA = 'Grandstream Model HW GRP2614 SW 1.0.9.103 DevId 000b82350002';
const GXP_UA = 'Grandstream Model HW GXP2140 SW 1.0.5.32 DevId 000b82350003';
const T46S_UA = 'Yealink SIP-T46S 66.86.0.15 00:15:65:35:00:01';

function workspace(fleetRules: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gg-hardening-'));
  const yaml = [
    'server:',
    `  dataDir: ${join(dir, 'data')}`,
    '  publicUrl: https://127.135.1.1:20443/',
    '  tls: auto',
    'policy:',
    '  rules:',
    fleetRules,
    'sites:',
    '  hq: { registrar: 127.135.1.10 }',
    'devices:',
    '  - { mac: "00:15:65:35:00:01", vendor: yealink, model: T46S, site: hq, adminPassword: generate, lines: [{ extension: "301", password: generate }] }',
    '  - { mac: "00:0b:82:35:00:02", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "302", password: generate }] }',
    '  - { mac: "00:0b:82:35:00:03", vendor: grandstream, model: GXP2140, site: hq, adminPassword: generate, lines: [{ extension: "303", password: generate }] }',
    '  - { mac: "00:04:f2:35:00:06", vendor: polycom, model: VVX 450, site: hq, adminPassword: generate, lines: [{ extension: "306", password: generate }] }',
    '  - { mac: "00:04:f2:35:00:07", vendor: polycom, model: SPIP_335, site: hq, adminPassword: generate, lines: [{ extension: "307", password: generate }] }',
  ].join('\n');
  writeFileSync(join(dir, 'gg.yaml'), `${yaml}\n`);
  return dir;
}

describe('hardening rules from #14', () => {
  it('render --explain shows each rule with its knobs and outcome; the Grandstream alias phone gets the template values', async () => {
    const dir = workspace('    sip-port-nonstandard: { enabled: true, port: 5072 }');
    expect((await run(['validate', '-c', 'gg.yaml'], dir)).code).toBe(0);
    const r = await run(['render', '00:0b:82:35:00:02', '-c', 'gg.yaml', '--ua', GRP_UA, '--explain'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('<item name="provisioning.override.dhcp.allowCommonOptions">No</item>');
    expect(r.out).toContain('<item name="tr069.enable">No</item>');
    expect(r.out).toContain('<item name="security.ssh">No</item>');
    expect(r.out).toContain('<item name="account.4.sip.allowUnsolicitedRefer">Disabled</item>');
    expect(r.out).toContain('<item name="users.user.password">********</item>');
    for (const line of [
      '# policy provisioning-pinned: on → applied',
      '# policy user-password-set: on → applied',
      '# policy tr069-off: on → applied',
      '# policy ssh-off: on → applied',
      '# policy refer-validation: on → applied',
      '# policy sip-port-nonstandard: on (port=5072) → applied',
      '# policy invite-validation: on (method=source) → applied',
      '# policy snmp-locked: on (mode=off) → applied',
    ])
      expect(r.out).toContain(`\n${line}\n`);
    // the end-user password is derived per device, different from the admin password, and shown only with --reveal
    const revealed = await run(['render', '00:0b:82:35:00:02', '-c', 'gg.yaml', '--ua', GRP_UA, '--reveal'], dir);
    const user = /<item name="users\.user\.password">([A-Za-z0-9]{16})<\/item>/.exec(revealed.out)?.[1];
    const admin = /<item name="users\.admin\.password">([^<]+)<\/item>/.exec(revealed.out)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toBe(admin);
    expect(r.out).not.toContain(user!);
  });

  it('reports what a vendor or family cannot honour, and leaves out a rule the policy turns off', async () => {
    const dir = workspace('    ssh-off: false');
    const gxp = await run(['render', '00:0b:82:35:00:03', '-c', 'gg.yaml', '--ua', GXP_UA, '--explain'], dir);
    expect(gxp.code).toBe(0);
    // GXP21xx 1.0.5.32 P-values: P145 DHCP override 0, P1409 TR-069 0; no "Allow Unsolicited REFER" in that template
    expect(gxp.out).toContain('<P145>0</P145>');
    expect(gxp.out).toContain('<P1409>0</P1409>');
    expect(gxp.out).not.toContain('<P276>');
    expect(gxp.out).toContain('\n# policy ssh-off: off → turned off by policy\n');
    expect(gxp.out).toMatch(/^# unsupported: refer-validation: the GXP P-value templates have no "Allow Unsolicited REFER"/m);

    const yealink = await run(['render', '00:15:65:35:00:01', '-c', 'gg.yaml', '--ua', T46S_UA, '--explain'], dir);
    expect(yealink.code).toBe(0);
    for (const line of [
      'static.auto_provision.pnp_enable = 0',
      'static.auto_provision.dhcp_option.enable = 0',
      'static.managementserver.enable = 0',
    ])
      expect(yealink.out).toContain(`\n${line}\n`);
    // two lines of the one login key, admin's and user's (V86 template; the user login's factory password is "user")
    expect(yealink.out).toContain('\nstatic.security.user_password = admin:********\n');
    expect(yealink.out).toContain('\nstatic.security.user_password = user:********\n');
    expect(yealink.out).toContain('\n# policy user-password-set: on → applied\n');
    expect(yealink.out).toMatch(/^# unsupported: refer-validation: no verified Yealink parameter/m);
    expect(yealink.out).toContain('\n# policy ssh-off: off → turned off by policy\n');
    expect(yealink.out).not.toMatch(/^# unsupported: ssh-off/m);
  });

  it('a rule whose value is already the factory default is reported as re-asserted, not as a change', async () => {
    const dir = workspace('    ssh-off: true');
    const factoryDefault = 'applied (the factory default, re-asserted: no change on a factory-fresh phone)';
    // GRP26xx 1.0.3.6 template: "Allow SIP Reset" P26015, default 0 ("No"); the GRP261x alias template's sip.allowSipReset, default No
    const grp = await run(['render', '00:0b:82:35:00:02', '-c', 'gg.yaml', '--ua', GRP_UA, '--explain'], dir);
    expect(grp.out).toContain('<item name="account.1.sip.allowSipReset">No</item>');
    expect(grp.out).toContain(`\n# policy no-remote-reboot: on → ${factoryDefault}\n`);
    // P276 = 1 is a change (SSH is on from the factory): plain "applied"
    expect(grp.out).toContain('\n# policy ssh-off: on → applied\n');
    const grpPvalue = await run(
      ['render', '00:0b:82:35:00:02', '-c', 'gg.yaml', '--ua', GRP_UA.replace('1.0.9.103', '1.0.5.15'), '--explain'],
      dir,
    );
    expect(grpPvalue.out).toContain('<P26015>0</P26015>');
    expect(grpPvalue.out).toContain(`\n# policy no-remote-reboot: on → ${factoryDefault}\n`);
    // Yealink V86 common template: managementserver.enable defaults to 0
    const yealink = await run(['render', '00:15:65:35:00:01', '-c', 'gg.yaml', '--ua', T46S_UA, '--explain'], dir);
    expect(yealink.out).toContain('\nstatic.managementserver.enable = 0\n');
    expect(yealink.out).toContain(`\n# policy tr069-off: on → ${factoryDefault}\n`);
    expect(yealink.out).toContain('\n# policy provisioning-pinned: on → applied\n');
  });

  it('validate warns where invite-validation "both" meets a site behind an outbound proxy (the source check wants the registrar)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-both-'));
    const yaml = [
      'server:',
      `  dataDir: ${join(dir, 'data')}`,
      '  publicUrl: https://127.135.1.1:20443/',
      '  tls: auto',
      'policy:',
      '  rules:',
      '    invite-validation: { method: both }',
      'sites:',
      '  direct: { registrar: 127.135.1.10 }',
      '  hq:',
      '    registrar: 127.135.1.10',
      '    outboundProxy: 127.135.1.11',
      'devices:',
      '  - { mac: "00:04:f2:35:00:04", vendor: polycom, model: VVX_450, site: hq, adminPassword: generate, lines: [{ extension: "304", password: generate }] }',
      '  - { mac: "00:04:f2:35:00:05", vendor: polycom, model: VVX_450, site: direct, adminPassword: generate, lines: [{ extension: "305", password: generate }] }',
    ].join('\n');
    writeFileSync(join(dir, 'gg.yaml'), `${yaml}\n`);
    const r = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /gg\.yaml:12: sites\.hq\.outboundProxy: invite-validation method "both" .*outbound proxy 127\.135\.1\.11.*use method "digest" here \(warning\)/,
    );
    expect(r.err).not.toMatch(/sites\.direct/);
    writeFileSync(
      join(dir, 'gg.yaml'),
      `${yaml.replace('    outboundProxy: 127.135.1.11', '    outboundProxy: 127.135.1.11\n    policy: { rules: { invite-validation: { method: digest } } }')}\n`,
    );
    const fixed = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(fixed.code).toBe(0);
    expect(fixed.err).not.toMatch(/method "both"/);
  });

  it('Poly: REFER request validation and the local user password on UC Software; SIP 3.x has no user password to set', async () => {
    const dir = workspace('    invite-validation: { method: digest }');
    const ucs = await run(
      [
        'render',
        '00:04:f2:35:00:06',
        '-c',
        'gg.yaml',
        '--ua',
        'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2700 Type/Application',
        '--explain',
      ],
      dir,
    );
    expect(ucs.code, ucs.err).toBe(0);
    // UC Software 4.1.6 reference: voIpProt.SIP.requestValidation.x.request lists REFER; .method source | digest | both
    expect(ucs.out).toMatch(/voIpProt\.SIP\.requestValidation\.3\.request="REFER"/);
    expect(ucs.out).toMatch(/voIpProt\.SIP\.requestValidation\.3\.method="digest"/);
    expect(ucs.out).toMatch(/device\.auth\.localUserPassword="\*{8}"/);
    expect(ucs.out).toContain('\n# policy refer-validation: on → applied\n');
    expect(ucs.out).toContain('\n# policy user-password-set: on → applied\n');
    // SIP 3.2: the same REFER slot; no verified local user password parameter on that family
    const sip3 = await run(
      ['render', '00:04:f2:35:00:07', '-c', 'gg.yaml', '--ua', 'FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078', '--explain'],
      dir,
    );
    expect(sip3.code, sip3.err).toBe(0);
    expect(sip3.out).toMatch(/voIpProt\.SIP\.requestValidation\.3\.request="REFER"/);
    expect(sip3.out).not.toMatch(/device\.auth\.localUserPassword=/);
    expect(sip3.out).toMatch(/^# unsupported: user-password-set: device\.auth\.localUserPassword is sourced for UC Software/m);
  });
});
