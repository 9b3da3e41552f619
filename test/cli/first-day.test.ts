/**
 * An admin's first day, from the README and --help only: `init` in an empty directory, then every command without
 * -c uses ./ghostguard.yaml; the example devices deleted (an empty `devices:`), a CSV imported with its own line
 * numbers in every error, the same file imported twice changes nothing, and the same config read from another
 * directory derives the same passwords (its state sits beside the file, not in the current directory).
 * Expected values are the CSV lines this test writes and the example's own sites and registrars.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

const CSV_HEADER = 'mac,vendor,model,site,extension,password,displayName';

describe('the first day of a new admin', () => {
  it('init, validate, import, edge and render use ./ghostguard.yaml; passwords are the same from any directory', async () => {
    const office = mkdtempSync(join(tmpdir(), 'gg-firstday-'));
    const config = join(office, 'ghostguard.yaml');
    const init = await run(['init'], office);
    expect(init.code).toBe(0);
    expect(init.out).toContain(`wrote ${config}`);

    // the admin deletes the example devices, leaving the section header
    const text = readFileSync(config, 'utf8');
    writeFileSync(config, text.slice(0, text.indexOf('\ndevices:\n')) + '\ndevices:\n');
    const empty = await run(['validate'], office);
    expect(empty.err).toBe('');
    expect(empty.out).toBe(`${config}: valid (0 devices, 2 sites)\n`);

    // a CSV with mistakes: every error names the CSV's own line
    writeFileSync(
      join(office, 'bad.csv'),
      [
        CSV_HEADER, // line 1
        '00:15:65:00:01:01,Yealink,T46U,hq,101,generate,Reception', // 2: fine
        '', // 3: blank, skipped but counted
        '00:15:65:00:01:02,Cisco,7841,hq,102,generate,Nope', // 4: unknown vendor
        '00:15:65:00:01:03,yealink,T46U,hq,101,generate,Twin', // 5: extension 101 again on hq
        '00:15:65:00:01:01,Yealink,T46G,hq,103,generate,Reception 2', // 6: same MAC as line 2, other model
        '00:15:65:00:01:04,yealink,T46U,nowhere,104,generate,Lost', // 7: unknown site
      ].join('\n') + '\n',
    );
    const bad = await run(['import', 'bad.csv'], office);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.csv:4: vendor: unknown "Cisco"');
    expect(bad.err).toContain('bad.csv:5: extension 101: already used on site hq by 001565000101 (line 2)');
    expect(bad.err).toContain('bad.csv:6: mac 001565000101: conflicts with line 2: model T46G here, T46U there');
    expect(bad.err).toContain('bad.csv:7: site: unknown "nowhere" (sites in the configuration: hq, branch)');
    expect(bad.err).not.toContain('after import');
    expect(bad.err).toContain('import refused: 4 problem(s); nothing written');

    // a CSV without its header line is refused rather than losing its first phone
    writeFileSync(join(office, 'headless.csv'), '00:15:65:00:01:01,Yealink,T46U,hq,101,generate,Reception\n');
    const headless = await run(['import', 'headless.csv'], office);
    expect(headless.code).toBe(1);
    expect(headless.err).toMatch(/^headless\.csv:1: no header line: this is already a device; the first line must name the columns/m);

    // the brand names admins use, in any case: Yealink, Poly, POLYCOM, grandstream
    const good =
      [
        CSV_HEADER,
        '00:15:65:00:01:01,Yealink,T46U,hq,101,generate,Reception',
        '00:04:f2:00:01:02,Poly,VVX 400,hq,102,generate,Sales',
        '00:04:f2:00:01:03,POLYCOM,spip_335,branch,201,generate,',
        '00:0b:82:00:01:04,grandstream,GRP2614,branch,202,generate,Warehouse',
      ].join('\n') + '\n';
    writeFileSync(join(office, 'devices.csv'), good);
    const dry = await run(['import', 'devices.csv'], office);
    expect(dry.err).toBe('');
    expect(dry.out).toContain(`dry run on ${config}: 4 to add, 0 to update, 0 already as in the CSV`);
    const applied = await run(['import', 'devices.csv', '--apply'], office);
    expect(applied.code).toBe(0);
    expect((await run(['validate'], office)).out).toBe(`${config}: valid (4 devices, 2 sites)\n`);
    const imported = readFileSync(config, 'utf8');
    expect(imported).toContain('vendor: polycom\n    model: VVX_400');
    expect(imported).toContain('model: SPIP_335');

    // the same file again changes nothing; a changed model needs --update
    const again = await run(['import', 'devices.csv', '--apply'], office);
    expect(again.code).toBe(0);
    expect(again.out).toBe(`nothing to do: 4 device(s) in ${config} already as in devices.csv\n`);
    expect(readFileSync(config, 'utf8')).toBe(imported);
    writeFileSync(join(office, 'changed.csv'), `${CSV_HEADER}\n00:15:65:00:01:01,Yealink,T46G,hq,101,generate,Reception\n`);
    const refused = await run(['import', 'changed.csv'], office);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^changed\.csv:2: mac 001565000101: already in .*ghostguard\.yaml:\d+ with other settings \(model T46U → T46G\); --update changes it$/m,
    );
    const updated = await run(['import', 'changed.csv', '--update', '--apply'], office);
    expect(updated.code).toBe(0);
    expect(updated.out).toContain('0 added, 1 updated, 0 unchanged');
    expect((await run(['validate'], office)).out).toBe(`${config}: valid (4 devices, 2 sites)\n`);

    // edge for the example's site hq: its registrar, outbound proxy and trusted server are admitted
    const edge = await run(['edge', '--site', 'hq'], office);
    expect(edge.code).toBe(0);
    for (const server of ['127.0.0.10', '127.0.0.11', '127.0.0.12']) expect(edge.out).toContain(server);

    // passwords from the office directory and from anywhere else are the same: one data directory beside the file
    const here = await run(['render', '00:15:65:00:01:01', '--reveal'], office);
    expect(here.code).toBe(0);
    const elsewhere = mkdtempSync(join(tmpdir(), 'gg-firstday-elsewhere-'));
    const there = await run(['render', '00:15:65:00:01:01', '--reveal', '-c', config], elsewhere);
    expect(there.out).toBe(here.out);
    const viaEnv = await run(['render', '00:15:65:00:01:01', '--reveal'], elsewhere, { GHOSTGUARD_CONFIG: config });
    expect(viaEnv.out).toBe(here.out);
    expect(existsSync(join(office, '.ghostguard', 'master.key'))).toBe(true);
    expect(existsSync(join(elsewhere, '.ghostguard'))).toBe(false);
  });

  it('names the bundled example when it falls back to it, and warns before a new master key beside older state', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gg-firstday-empty-'));
    const fallback = await run(['validate'], empty);
    expect(fallback.code).toBe(0);
    expect(fallback.err).toMatch(
      /^note: no \.\/ghostguard\.yaml, -c or \$GHOSTGUARD_CONFIG: using the bundled example \S*examples\/ghostguard\.yaml/,
    );
    expect(fallback.err.trim().split('\n')).toHaveLength(1);
    expect(fallback.out).toMatch(/examples\/ghostguard\.yaml: valid \(6 devices, 2 sites\)/);
    const explicit = await run(['validate', '--example'], empty);
    expect(explicit.err).toBe('');
    expect((await run(['import', 'x.csv', '--apply'], empty)).err).toMatch(/GG_ERR_USAGE.*would edit the bundled example/);

    // state left in ./.ghostguard by an earlier run that resolved dataDir against the current directory
    const old = mkdtempSync(join(tmpdir(), 'gg-firstday-old-'));
    mkdirSync(join(old, 'conf'));
    expect((await run(['init', 'conf/ghostguard.yaml'], old)).code).toBe(0);
    mkdirSync(join(old, '.ghostguard'));
    writeFileSync(join(old, '.ghostguard', 'master.key'), `${'ab'.repeat(32)}\n`);
    const render = await run(['render', '00:15:65:00:00:01', '-c', 'conf/ghostguard.yaml'], old);
    expect(render.code).toBe(0);
    expect(render.err).toContain(
      `warning: creating a new master key in ${join(old, 'conf', '.ghostguard')}, but .ghostguard/master.key exists`,
    );
    // once made, no more warning
    expect((await run(['render', '00:15:65:00:00:01', '-c', 'conf/ghostguard.yaml'], old)).err).not.toContain('warning');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const r = await run(['--version'], tmpdir());
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${pkg.version}\n`);
  });
});
