/** The CLI driven in-process like a user would: validate, render, import, init, enroll, rotate. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { fleetYaml } from '../helpers/runtime.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

function workspace(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'gg-cli-'));
  writeFileSync(join(dir, 'gg.yaml'), yaml.replace('server:\n', `server:\n  dataDir: ${join(dir, 'data')}\n`));
  return dir;
}

describe('ghostguard validate', () => {
  it('accepts the bundled example', async () => {
    const r = await run(['validate', '--example'], tmpdir());
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(6 devices, 2 sites\)/);
  });

  it('reports every problem with file, line and field, and exits 1 without printing secrets', async () => {
    const yaml = [
      'sites:',
      '  hq: { registrar: 127.0.0.10 }',
      '  empty: { transport: udp }',
      'policy:',
      '  rules:',
      '    no-such-rule: true',
      'devices:',
      '  - { mac: "00:15:65:zz:00:01", vendor: yealink, model: T46U, site: hq, adminPassword: TopSecret-1, lines: [] }',
      '  - { mac: "00:15:65:00:00:02", vendor: cisco, model: X, site: hq, adminPassword: TopSecret-2, lines: [] }',
      '  - { mac: "00:15:65:00:00:03", vendor: yealink, model: T99, site: hq, adminPassword: TopSecret-3, lines: [] }',
      '  - { mac: "00:15:65:00:00:04", vendor: yealink, model: T46U, site: empty, adminPassword: TopSecret-4, lines: [{ extension: "1", password: TopSecret-5 }] }',
      '  - { mac: "00:15:65:00:00:04", vendor: yealink, model: T46U, site: hq, lines: [{ extension: "2" }] }',
      '  - { mac: "00:15:65:00:00:05", vendor: yealink, model: T46U, site: hq, adminPassword: "env:GG_MISSING", lines: [] }',
    ].join('\n');
    const dir = workspace(yaml);
    const r = await run(['validate', '--config', 'gg.yaml'], dir);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    const expectOne = (re: RegExp) =>
      expect(
        lines.filter((l) => re.test(l)),
        re.source,
      ).toHaveLength(1);
    expectOne(/gg\.yaml:6: policy\.rules\.no-such-rule: unknown rule id/);
    expectOne(/gg\.yaml:8: devices\[0\]\.mac: "00:15:65:zz:00:01" is not a valid unicast MAC/);
    expectOne(/gg\.yaml:9: devices\[1\]\.vendor: unknown vendor "cisco"/);
    expectOne(/gg\.yaml:10: devices\[2\]\.model: unknown yealink model "T99"/);
    expectOne(/gg\.yaml:11: devices\[3\]\.lines\[0\]: line has no SIP server/);
    expectOne(/gg\.yaml:12: devices\[4\]\.mac: duplicate MAC \(first declared on line 11\)/);
    expectOne(/gg\.yaml:12: devices\[4\]\.adminPassword: missing secret/);
    expectOne(/gg\.yaml:12: devices\[4\]\.lines\[0\]\.password: missing secret/);
    expect(r.err).not.toMatch(/TopSecret/);
  });

  it('names an unset environment secret', async () => {
    const dir = workspace(
      fleetYaml([{ mac: '00:15:65:00:00:09', vendor: 'yealink', model: 'T46U' }]).replace(
        'adminPassword: generate',
        'adminPassword: "env:GG_ADMIN_PW"',
      ),
    );
    const r = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing secret: environment variable GG_ADMIN_PW is not set/);
    expect((await run(['validate', '-c', 'gg.yaml'], dir, { GG_ADMIN_PW: 'x-Secret-1' })).code).toBe(0);
  });

  it('names an unset webhook secret, as serve would refuse to start on it', async () => {
    const yaml =
      fleetYaml([{ mac: '00:15:65:00:00:09', vendor: 'yealink', model: 'T46U' }]) +
      '\nschedules:\n  - name: nightly\n    targets: [127.0.94.0/24]\n    every: 24h\n    webhook:\n      url: "http://127.0.0.1:9/"\n      secret: env:GG_HOOK\n';
    const dir = workspace(yaml);
    const r = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(r.code).toBe(1);
    const [, line] =
      /gg\.yaml:(\d+): schedules\[0\] \(nightly\) webhook\.secret: missing secret: environment variable GG_HOOK is not set\n$/.exec(
        r.err,
      ) ?? [];
    expect(readFileSync(join(dir, 'gg.yaml'), 'utf8').split('\n')[Number(line) - 1]).toContain('secret: env:GG_HOOK');
    expect((await run(['validate', '-c', 'gg.yaml'], dir, { GG_HOOK: 'a-long-enough-webhook-secret' })).code).toBe(0);
  });
});

describe('ghostguard render', () => {
  const dir = workspace(
    fleetYaml([
      { mac: '00:15:65:00:00:31', vendor: 'yealink', model: 'T46G' },
      { mac: '00:0b:82:00:00:31', vendor: 'grandstream', model: 'GRP2614' },
    ]),
  );

  it('prints what the phone would receive for its firmware, secrets masked, rules on stderr', async () => {
    const legacy = await run(['render', '00:15:65:00:00:31', '-c', 'gg.yaml', '--ua', 'Yealink SIP-T46G 28.72.0.1 00:15:65:00:00:31'], dir);
    expect(legacy.code).toBe(0);
    expect(legacy.out).toMatch(/^#!version:1\.0\.0\.1/);
    expect(legacy.out).toContain('account.1.sip_trust_ctrl = 1');
    expect(legacy.out).toContain('********');
    expect(legacy.err).toMatch(/family legacy/);
    expect(legacy.err).toMatch(/unsupported: invite-validation/);
    const modern = await run(
      ['render', '001565000031', '-c', 'gg.yaml', '--ua', 'Yealink SIP-T46G 28.81.0.110 00:15:65:00:00:31', '--explain'],
      dir,
    );
    expect(modern.out).toContain('sip.trust_ctrl = 1');
    expect(modern.out).toContain('static.security.user_password = admin:********');
    expect(modern.out).toMatch(/# applied: .*sip-trusted-only/);
  });

  it("without --ua: the phone's last fetch decides the firmware, else it says which firmware it assumed", async () => {
    const assumed = await run(['render', '00:15:65:00:00:31', '-c', 'gg.yaml'], dir);
    expect(assumed.code).toBe(0);
    expect(assumed.err).toMatch(
      /^note: 001565000031 has no recorded fetch and no --ua was given: assuming firmware \S+ \(family v81\+\), the newest ghostguard knows for the T46G/m,
    );
    expect(assumed.out).toContain('sip.trust_ctrl = 1');
    // the phone enrols with legacy firmware 28.72 (its device file, inside the enrolment window)
    const runtime = await Runtime.create({ configPath: join(dir, 'gg.yaml'), vendors: VENDORS, env: {} });
    const ua = 'Yealink SIP-T46G 28.72.0.1 00:15:65:00:00:31';
    expect(
      (await runtime.app.inject({ method: 'GET', url: '/001565000031.cfg', headers: { 'user-agent': ua }, remoteAddress: '127.126.5.1' }))
        .statusCode,
    ).toBe(200);
    await runtime.close();
    const fromHistory = await run(['render', '00:15:65:00:00:31', '-c', 'gg.yaml'], dir);
    expect(fromHistory.err).not.toContain('note:');
    expect(fromHistory.err).toContain(`firmware 28.72.0.1 (from its last fetch (User-Agent "${ua}")) → family legacy`);
    expect(fromHistory.out).toContain('account.1.sip_trust_ctrl = 1');
  });

  it('renders a named shared file and the alias format by firmware', async () => {
    const shared = await run(
      [
        'render',
        '00:0b:82:00:00:31',
        '-c',
        'gg.yaml',
        '--file',
        'cfggrp2614.xml',
        '--ua',
        'Grandstream Model HW GRP2614 SW 1.0.9.103 DevId 000b82000031',
      ],
      dir,
    );
    expect(shared.code).toBe(0);
    expect(shared.out).toContain('<config version="2">');
    expect(shared.out).not.toContain('********');
    const missing = await run(['render', '00:0b:82:00:00:31', '-c', 'gg.yaml', '--file', 'nope.xml'], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/GG_ERR_FILE_UNKNOWN/);
    expect((await run(['render', '00:0b:82:99:99:99', '-c', 'gg.yaml'], dir)).err).toMatch(/GG_ERR_DEVICE_UNKNOWN/);
  });
});

describe('ghostguard import, init, enroll, rotate', () => {
  it('dry-runs, refuses bad rows with their CSV line, then applies', async () => {
    const dir = workspace(fleetYaml([{ mac: '00:15:65:00:00:41', vendor: 'yealink', model: 'T46U' }]));
    writeFileSync(
      join(dir, 'bad.csv'),
      'mac,vendor,model,site,extension,password\n00:15:65:00:00:42,yealink,T46U,hq,201,pw-1\nnot-a-mac,yealink,T46U,hq,202,pw-2\n',
    );
    const bad = await run(['import', 'bad.csv', '-c', 'gg.yaml'], dir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.csv:3: mac: "not-a-mac" is not a MAC address/);
    writeFileSync(
      join(dir, 'good.csv'),
      'mac,vendor,model,site,extension,password,displayName\n00:15:65:00:00:42,yealink,T46U,hq,201,pw-1,Desk\n00:15:65:00:00:42,yealink,T46U,hq,202,pw-2,\n00:04:f2:00:00:42,polycom,VVX_400,hq,203,pw-3,Lobby\n',
    );
    const dry = await run(['import', 'good.csv', '-c', 'gg.yaml'], dir);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/dry run on .*gg\.yaml: 2 to add, 0 to update, 0 already as in the CSV/);
    expect(readFileSync(join(dir, 'gg.yaml'), 'utf8')).not.toContain('001565000042');
    const applied = await run(['import', 'good.csv', '-c', 'gg.yaml', '--apply'], dir);
    expect(applied.code).toBe(0);
    expect((await run(['validate', '-c', 'gg.yaml'], dir)).out).toMatch(/valid \(3 devices/);
  });

  it('init writes a starter config that validates; enroll and rotate work on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-init-'));
    expect((await run(['init', 'my.yaml'], dir)).code).toBe(0);
    expect((await run(['init', 'my.yaml'], dir)).code).toBe(2);
    writeFileSync(
      join(dir, 'my.yaml'),
      readFileSync(join(dir, 'my.yaml'), 'utf8').replace('dataDir: .ghostguard', `dataDir: ${join(dir, 'data')}`),
    );
    expect((await run(['validate', '-c', 'my.yaml'], dir)).code).toBe(0);
    const enroll = await run(['enroll', '00:15:65:00:00:01', '-c', 'my.yaml', '--hours', '2'], dir);
    expect(enroll.out).toMatch(/enrolment window for 001565000001 open until/);
    const site = await run(['enroll', '--site', 'branch', '-c', 'my.yaml'], dir);
    expect(site.code).toBe(0);
    // the example's branch site has three phones
    expect(site.out.trim().split('\n')).toHaveLength(3);
    expect(site.err).toMatch(/^3 device\(s\) of site branch may fetch once without credentials until /);
    expect((await run(['enroll', '-c', 'my.yaml'], dir)).err).toMatch(/GG_ERR_USAGE: give a MAC address or --site/);
    const rotate = await run(['rotate', '--site', 'hq', '-c', 'my.yaml'], dir);
    expect(rotate.code).toBe(0);
    expect(rotate.out.trim().split('\n')).toHaveLength(3);
    // each rotation is a security event in both sinks, as the server's are: the state store and events.jsonl
    const logged = readFileSync(join(dir, 'data', 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reason: string; mac?: string });
    expect(logged.filter((e) => e.reason === 'credentials-rotated')).toHaveLength(3);
    const runtime = await Runtime.create({ configPath: join(dir, 'my.yaml'), vendors: VENDORS, env: {} });
    try {
      const stored = await runtime.store.events({ reason: 'credentials-rotated' });
      expect(stored.map((e) => e.mac).sort()).toEqual(
        logged
          .filter((e) => e.reason === 'credentials-rotated')
          .map((e) => e.mac)
          .sort(),
      );
    } finally {
      await runtime.close();
    }
    expect((await run(['rotate', '-c', 'my.yaml'], dir)).err).toMatch(/GG_ERR_USAGE/);
  });
});
