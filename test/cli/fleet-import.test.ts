/**
 * An office CSV of 60 everyday phones, as a new user would bring it: model names as printed on the box ("VVX 411"),
 * three vendors, one and two lines. It imports, validates and renders for every row, through the CLI.
 * Also: a phone outside the catalogue (warning, family settings), `like:`, and an audit-only `provision: false` row.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

const MODELS = [
  ['yealink', 'T46S', '00:15:65'],
  ['yealink', 'T54W', '80:5e:c0'],
  ['yealink', 'T46U', '24:9a:d8'],
  ['polycom', 'VVX 411', '00:04:f2'],
  ['polycom', 'VVX 450', '48:25:67'],
  ['grandstream', 'GRP2614', 'c0:74:ad'],
  ['grandstream', 'GXP2170', '00:0b:82'],
] as const;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gg-fleet-'));
  writeFileSync(
    join(dir, 'gg.yaml'),
    [
      'server:',
      `  dataDir: ${join(dir, 'data')}`,
      '  publicUrl: https://127.125.0.1:20443/',
      'sites:',
      '  hq: { registrar: 127.125.0.10 }',
      '  branch: { registrar: 127.125.0.20, outboundProxy: "127.125.0.21:5070" }',
      'devices: []',
    ].join('\n') + '\n',
  );
  return dir;
}

function officeCsv(): { csv: string; macs: string[] } {
  const rows = ['mac,vendor,model,site,extension,password,displayName'];
  const macs: string[] = [];
  for (let i = 0; i < 60; i++) {
    const [vendor, model, oui] = MODELS[i % MODELS.length]!;
    const mac = `${oui}:00:${String(Math.floor(i / 7)).padStart(2, '0')}:${(i + 16).toString(16).padStart(2, '0')}`;
    macs.push(mac);
    const site = i % 3 === 0 ? 'branch' : 'hq';
    rows.push(`${mac},${vendor},${model},${site},${2000 + i},generate,Desk ${i}`);
    // every fifth phone has a second line
    if (i % 5 === 0) rows.push(`${mac},${vendor},${model},${site},${3000 + i},generate,`);
  }
  return { csv: rows.join('\n') + '\n', macs };
}

describe('a 60-phone office CSV', () => {
  it('imports, validates and renders every row', async () => {
    const dir = workspace();
    const { csv, macs } = officeCsv();
    writeFileSync(join(dir, 'office.csv'), csv);
    const imported = await run(['import', 'office.csv', '-c', 'gg.yaml', '--apply'], dir);
    expect(imported.err).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/: 60 added/);
    const yaml = readFileSync(join(dir, 'gg.yaml'), 'utf8');
    expect(yaml).toContain('model: VVX_411');
    expect(yaml).not.toContain('VVX 411');
    const valid = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(valid.err).toBe('');
    expect(valid.out).toMatch(/valid \(60 devices, 2 sites\)/);
    for (const [i, mac] of macs.entries()) {
      const r = await run(['render', mac, '-c', 'gg.yaml', '--explain'], dir);
      expect(r.code, `${mac}: ${r.err}`).toBe(0);
      expect(r.out, mac).toMatch(/# applied: .*sip-trusted-only|# applied: .*no-direct-ip-calls/);
      expect(r.out, mac).toContain(String(2000 + i));
      expect(r.out, mac).toContain(i % 3 === 0 ? '127.125.0.20' : '127.125.0.10');
    }
  }, 120_000);

  it('takes a model outside the catalogue with a warning, like: borrows a catalogue model, provision: false is audit only', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'more.csv'),
      [
        'mac,vendor,model,like,provision,site,extension,password',
        '00:15:65:77:00:01,yealink,T46X,,,hq,401,generate',
        '00:15:65:77:00:02,yealink,T46X,T46S,,hq,402,generate',
        '00:04:f2:77:00:03,polycom,VVX 411,,false,hq,,',
        // no public source gives the CCX provisioning User-Agent (firmware-notes/polycom.md): outside the catalogue
        '00:04:f2:77:00:04,polycom,CCX 500,,,hq,404,generate',
        // Grandstream's video line, its own family
        '00:0b:82:77:00:05,grandstream,GXV3370,,,hq,405,generate',
        // the DECT base: its own family, the line on handset account 1 of profile 1
        '00:0b:82:77:00:06,grandstream,DP750,,,hq,406,generate',
        // lines the issue lists whose newer models have no account count in any source here: their family, with a warning
        '00:15:65:77:00:09,yealink,CP925,,,hq,409,generate',
        '00:0b:82:77:00:0a,grandstream,GRP2602,,,hq,410,generate',
      ].join('\n') + '\n',
    );
    const imported = await run(['import', 'more.csv', '-c', 'gg.yaml', '--apply'], dir);
    expect(imported.code).toBe(0);
    expect(imported.err).toMatch(/devices\[0\]\.model: unknown yealink model "T46X".*\(warning\)/);
    expect(imported.err).toMatch(/unknown polycom model "CCX 500": served the settings of its firmware family.*\(warning\)/);
    expect(imported.err).toMatch(/unknown yealink model "CP925": served the settings of its firmware family.*\(warning\)/);
    expect(imported.err).toMatch(/unknown grandstream model "GRP2602": served the settings of its firmware family.*\(warning\)/);
    expect(imported.err.trim().split('\n')).toHaveLength(4);
    const cp = await run(
      ['render', '00:15:65:77:00:09', '-c', 'gg.yaml', '--ua', 'Yealink CP925 148.86.0.5 00:15:65:77:00:09', '--explain'],
      dir,
    );
    expect(cp.code, cp.err).toBe(0);
    expect(cp.out).toContain('→ family v81+');
    expect(cp.out).toMatch(/^static\.security\.user_password = admin:\*{8}$/m);
    const grp = await run(
      ['render', '00:0b:82:77:00:0a', '-c', 'gg.yaml', '--ua', 'Grandstream Model HW GRP2602 SW 1.0.13.59 DevId 000b8277000a', '--explain'],
      dir,
    );
    expect(grp.code, grp.err).toBe(0);
    expect(grp.out).toContain('→ family grp-alias');
    expect(grp.out).toContain('<item name="account.1.sip.validate.incomingServer">Yes</item>');
    const ccx = await run(['render', '00:04:f2:77:00:04', '-c', 'gg.yaml', '--explain'], dir);
    expect(ccx.code, ccx.err).toBe(0);
    expect(ccx.out).toMatch(/voIpProt\.SIP\.requestValidation/);
    const gxv = await run(['render', '00:0b:82:77:00:05', '-c', 'gg.yaml', '--explain'], dir);
    expect(gxv.code, gxv.err).toBe(0);
    expect(gxv.out).toMatch(/account\.1\.sip\.validate\.incomingServer.*Yes/);
    expect(gxv.out).toMatch(/# unsupported: ssh-off: .*polarity/);
    const dp = await run(['render', '00:0b:82:77:00:06', '-c', 'gg.yaml', '--explain'], dir);
    expect(dp.code, dp.err).toBe(0);
    expect(dp.out).toContain('<P4060>406</P4060>');
    expect(dp.out).toContain('<P243>1</P243>');
    const valid = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(valid.code).toBe(0);
    expect(valid.err).toMatch(/unknown yealink model "T46X"/);
    const unknown = await run(['render', '00:15:65:77:00:01', '-c', 'gg.yaml', '--explain'], dir);
    expect(unknown.code).toBe(0);
    expect(unknown.out).toMatch(/^sip\.trust_ctrl = 1$/m);
    expect(unknown.out).toMatch(/# unsupported: unused-accounts-off: .*account count is unknown/);
    const like = await run(['render', '00:15:65:77:00:02', '-c', 'gg.yaml', '--explain'], dir);
    expect(like.out).toMatch(/settings of T46S \(like:\)/);
    expect(like.out).toMatch(/^account\.16\.enable = 0$/m);
  });

  it('refuses a row whose model belongs to a line without a parameter table, at its CSV line, and writes nothing', async () => {
    const dir = workspace();
    writeFileSync(
      join(dir, 'dect.csv'),
      [
        'mac,vendor,model,site,extension,password',
        '00:0b:82:77:00:07,grandstream,DP750,hq,407,generate',
        '00:0b:82:77:00:08,grandstream,DP752,hq,408,generate',
      ].join('\n') + '\n',
    );
    const r = await run(['import', 'dect.csv', '-c', 'gg.yaml', '--apply'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/dect\.csv:3: model: Grandstream DP752 belongs to no line ghostguard has a parameter table for/);
    expect(r.err).toContain('import refused: 1 problem(s); nothing written');
    expect(r.err).not.toMatch(/served the settings of its firmware family/);
  });
});
