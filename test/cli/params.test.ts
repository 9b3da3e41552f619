/**
 * `params:` at each policy layer: passed through to the phone (render --explain marks them), and a parameter that would
 * undo a rule fails validate with file and line and is never served (the phone gets a 500 and a weakening-override event).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';

function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

const YAML = (siteParams: string) =>
  [
    'server:',
    '  publicUrl: https://127.125.1.1:20444/',
    '  tls: auto',
    'policy:',
    '  params:',
    '    local_time.time_zone: "+1"', // line 7 once dataDir is added
    '    local_time.ntp_server1: 127.125.1.5',
    'models:',
    '  T46S:',
    '    policy:',
    '      params: { "linekey.2.type": 16, "linekey.2.value": "1002" }',
    'sites:',
    '  hq:',
    '    registrar: 127.125.1.10',
    '    policy:',
    '      params:',
    siteParams, // line 18 once dataDir is added
    'devices:',
    '  - { mac: "00:15:65:25:00:01", vendor: yealink, model: T46S, site: hq, adminPassword: generate, lines: [{ extension: "201", password: generate }],',
    '      policy: { params: { "static.network.vlan.internet_port_enable": 1, "static.network.vlan.internet_port_vid": 20 } } }',
    '  - { mac: "00:0b:82:25:00:02", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "202", password: generate }] }',
  ].join('\n') + '\n';

function workspace(siteParams: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gg-params-'));
  writeFileSync(join(dir, 'gg.yaml'), YAML(siteParams).replace('server:\n', `server:\n  dataDir: ${join(dir, 'data')}\n`));
  return dir;
}

let runtime: Runtime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('params:', () => {
  it('passes fleet, model, site and device parameters through; render --explain marks them', async () => {
    const dir = workspace('        account.1.codec.1.payload_type: PCMA');
    expect((await run(['validate', '-c', 'gg.yaml'], dir)).code).toBe(0);
    const r = await run(['render', '00:15:65:25:00:01', '-c', 'gg.yaml', '--explain'], dir);
    expect(r.code).toBe(0);
    for (const line of [
      'local_time.time_zone = +1',
      'local_time.ntp_server1 = 127.125.1.5',
      'linekey.2.type = 16',
      'account.1.codec.1.payload_type = PCMA',
      'static.network.vlan.internet_port_vid = 20',
    ])
      expect(r.out).toContain(`\n${line}\n`);
    expect(r.out).toMatch(/^# from params: local_time\.time_zone$/m);
    expect(r.out).toMatch(/^# from params: static\.network\.vlan\.internet_port_vid$/m);
    expect(r.out).not.toMatch(/^# from params: sip\.trust_ctrl$/m);
    // the Grandstream phone on the same site gets the same raw key: params are the admin's, per vendor
    const shared = await run(['render', '00:15:65:25:00:01', '-c', 'gg.yaml', '--file', 'y000000000066.cfg', '--explain'], dir);
    expect(shared.out).toContain('\nlinekey.2.value = 1002\n');
    expect(shared.out).not.toContain('payload_type'); // site params never reach a file every phone fetches
  });

  it('a parameter that would undo a rule fails validate with file and line, and is never served', async () => {
    const dir = workspace('        sip.trust_ctrl: 0');
    const v = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/gg\.yaml:18: params\.sip\.trust_ctrl: would undo sip-trusted-only/);
    runtime = await Runtime.create({ configPath: join(dir, 'gg.yaml'), vendors: VENDORS, dataDir: join(dir, 'data'), env: {} });
    const res = await runtime.app.inject({
      method: 'GET',
      url: '/001565250001.cfg',
      headers: { 'user-agent': 'Yealink SIP-T46S 66.86.0.15 00:15:65:25:00:01' },
      remoteAddress: '127.125.1.20',
    });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('trust_ctrl');
    expect((await runtime.store.events({ reason: 'weakening-override' }))[0]).toMatchObject({ mac: '001565250001', severity: 'high' });
    expect((await runtime.store.fetchHistory('001565250001' as never, 10)).filter((f) => f.status === 200)).toHaveLength(0);
  });

  it('Grandstream: P2347 = 0 (accept SIP from proxy only off) is caught on the GRP2614 it reaches', async () => {
    const dir = workspace('        P2347: 0');
    const v = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(v.code).toBe(1);
    expect(v.err).toMatch(/gg\.yaml:18: params\.P2347: would undo sip-trusted-only \(device 000b82250002/);
  });

  it("the README's per-vendor examples (time zone, NTP, codecs, BLF, VLAN) validate and reach each vendor's file", async () => {
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The rest of the configuration: `params:`'));
    const rows = section.split('\n').filter((l) => /^\| (time zone|NTP|codecs|line keys \/ BLF|VLAN) \|/.test(l));
    expect(rows).toHaveLength(5);
    // each example cell: `key: value` pairs in backticks; column 1 Yealink, 2 Poly, 3 Grandstream P-value, 4 Grandstream alias
    const pairs = (column: number) =>
      rows.flatMap((row) =>
        [...(row.split('|')[column + 2] ?? '').matchAll(/`([\w.]+): ("?[^`"]*"?)`/g)].map(
          ([, k, v]) => [k!, v!.replace(/"/g, '')] as const,
        ),
      );
    const layer = (column: number) => pairs(column).map(([k, v]) => `        ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
    const dir = mkdtempSync(join(tmpdir(), 'gg-params-readme-'));
    const yaml = [
      'server:',
      `  dataDir: ${join(dir, 'data')}`,
      '  publicUrl: https://127.153.2.1:22544/',
      '  tls: auto',
      'sites:',
      '  hq: { registrar: 127.153.2.10 }',
      'models:',
      '  T46S:\n    policy:\n      params:',
      ...layer(0),
      '  VVX_450:\n    policy:\n      params:',
      ...layer(1),
      '  GXP2140:\n    policy:\n      params:',
      ...layer(2),
      '  GRP2614:\n    policy:\n      params:',
      ...layer(3),
      'devices:',
      '  - { mac: "00:15:65:53:02:01", vendor: yealink, model: T46S, site: hq, adminPassword: generate, lines: [{ extension: "211", password: generate }] }',
      '  - { mac: "00:04:f2:53:02:02", vendor: polycom, model: VVX_450, site: hq, adminPassword: generate, lines: [{ extension: "212", password: generate }] }',
      '  - { mac: "00:0b:82:53:02:03", vendor: grandstream, model: GXP2140, site: hq, adminPassword: generate, lines: [{ extension: "213", password: generate }] }',
      '  - { mac: "00:0b:82:53:02:04", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "214", password: generate }] }',
    ].join('\n');
    writeFileSync(join(dir, 'gg.yaml'), `${yaml}\n`);
    const valid = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(valid.code, valid.err).toBe(0);
    const cases = [
      ['00:15:65:53:02:01', 'Yealink SIP-T46S 66.86.0.15 00:15:65:53:02:01', 0],
      ['00:04:f2:53:02:02', 'FileTransport PolycomVVX-VVX_450-UA/6.4.6.2700 Type/Application', 1],
      ['00:0b:82:53:02:03', 'Grandstream Model HW GXP2140 SW 1.0.5.32 DevId 000b82530203', 2],
      ['00:0b:82:53:02:04', 'Grandstream Model HW GRP2614 SW 1.0.9.103 DevId 000b82530204', 3],
    ] as const;
    for (const [mac, ua, column] of cases) {
      const r = await run(['render', mac, '-c', 'gg.yaml', '--ua', ua, '--explain'], dir);
      expect(r.code, r.err).toBe(0);
      expect(pairs(column).length, mac).toBeGreaterThanOrEqual(4);
      // Poly's device.set = 1 is also what the admin-password rule writes: a param that agrees with a rule is not a line of its own
      for (const [key] of pairs(column).filter(([k]) => k !== 'device.set'))
        expect(r.out, `${mac} ${key}`).toContain(`\n# from params: ${key}\n`);
    }
  });
});
