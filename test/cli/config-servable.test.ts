/**
 * A config that validates is one the server can serve: text a phone's config file cannot carry (line breaks, tabs, NUL,
 * other control characters) is refused by `validate` with its file and line, and `import --apply` refuses env:NAME
 * secrets that are not set — driven through the CLI.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { fleetYaml } from '../helpers/runtime.js';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

function workspace(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gg-servable-'));
  writeFileSync(join(dir, 'gg.yaml'), yaml.replace('server:\n', `server:\n  dataDir: ${join(dir, 'data')}\n`));
  return dir;
}

const BASE = fleetYaml([{ mac: '00:15:65:00:12:61', vendor: 'yealink', model: 'T46U' }]);

describe('validate refuses text a phone config cannot carry', () => {
  it('names the file and line of a line break in a displayName, NUL in a password, a tab in a registrar, C1 in a password', async () => {
    const yaml =
      BASE.replace('    registrar: 127.0.0.10', '    registrar: "127.0.0.10\\t"') +
      [
        '  - mac: "00:04:f2:00:12:62"',
        '    vendor: polycom',
        '    model: VVX_400',
        '    site: hq',
        '    adminPassword: "adm\\0in-pass"',
        '    lines:',
        '      - extension: "201"',
        '        password: generate',
        '        displayName: "Front desk\\nservice.prov.server=evil"',
        '  - mac: "00:0b:82:00:12:63"',
        '    vendor: grandstream',
        '    model: GRP2614',
        '    site: hq',
        '    adminPassword: generate',
        '    lines:',
        '      - { extension: "202", password: "line\\u0085pw" }',
      ].join('\n') +
      '\n';
    const dir = workspace(yaml);
    const text = readFileSync(join(dir, 'gg.yaml'), 'utf8').split('\n');
    const lineOf = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
    const res = await run(['validate', '-c', 'gg.yaml'], dir);
    expect(res.code).toBe(1);
    expect(res.err).toContain(
      `gg.yaml:${lineOf('Front desk')}: devices[1].lines[0].displayName: contains a control character (U+000A, a line break)`,
    );
    expect(res.err).toContain(`gg.yaml:${lineOf('adm\\0in')}: devices[1].adminPassword: contains a control character (U+0000, NUL)`);
    expect(res.err).toContain(`gg.yaml:${lineOf('127.0.0.10\\t')}: sites.hq.registrar: contains a control character (U+0009, a tab)`);
    expect(res.err).toContain(`gg.yaml:${lineOf('line\\u0085pw')}: devices[2].lines[0].password: contains a control character (U+0085)`);
    // the secret itself is never printed
    expect(res.err).not.toContain('in-pass');
    expect(res.err).not.toContain('evil');
    const json = await run(['validate', '-c', 'gg.yaml', '--json'], dir);
    expect(JSON.parse(json.out)).toMatchObject({ valid: false });
  });

  it('refuses an env:NAME secret whose value holds a line break, as it refuses an unset one', async () => {
    const dir = workspace(BASE.replace('adminPassword: generate', 'adminPassword: env:DESK_ADMIN'));
    expect((await run(['validate', '-c', 'gg.yaml'], dir, { DESK_ADMIN: 'good-admin-pass' })).code).toBe(0);
    const broken = await run(['validate', '-c', 'gg.yaml'], dir, { DESK_ADMIN: 'first\nsecond' });
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/gg\.yaml:\d+: device 001565001261: environment variable DESK_ADMIN holds a control character/);
    expect(broken.err).not.toContain('first');
    expect((await run(['validate', '-c', 'gg.yaml'], dir)).err).toMatch(/missing secret: environment variable DESK_ADMIN is not set/);
  });
});

describe('import --apply refuses unset env: secrets', () => {
  it('names the CSV line, writes nothing; with the variable set it applies', async () => {
    const dir = workspace(BASE);
    writeFileSync(
      join(dir, 'devices.csv'),
      'mac,vendor,model,site,extension,password,adminPassword\n00:15:65:00:12:64,yealink,T46U,hq,301,env:LOBBY_SIP,generate\n00:15:65:00:12:65,yealink,T46U,hq,302,pw-302-longer,env:LOBBY_ADMIN\n',
    );
    const before = readFileSync(join(dir, 'gg.yaml'), 'utf8');
    const refused = await run(['import', 'devices.csv', '-c', 'gg.yaml', '--apply'], dir, { LOBBY_ADMIN: 'admin-secret-1' });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('devices.csv:2: lines[0].password: missing secret: environment variable LOBBY_SIP is not set');
    expect(refused.err).not.toContain('LOBBY_ADMIN');
    expect(refused.err).toMatch(/nothing written/);
    expect(readFileSync(join(dir, 'gg.yaml'), 'utf8')).toBe(before);
    const applied = await run(['import', 'devices.csv', '-c', 'gg.yaml', '--apply'], dir, {
      LOBBY_ADMIN: 'admin-secret-1',
      LOBBY_SIP: 'sip-secret-1',
    });
    expect(applied.code, applied.err).toBe(0);
    expect(readFileSync(join(dir, 'gg.yaml'), 'utf8')).toContain('env:LOBBY_SIP');
  });
});
