/**
 * After `rotate --sip` the PBX needs the new passwords: `sip-credentials` prints the provisioned SIP accounts as CSV,
 * Asterisk res_pjsip sections (laid out as docs.asterisk.org's "endpoint with a single SIP phone" example) and
 * FreeSWITCH directory users (as its conf/directory/default/1000.xml). Expected text is written out by hand here.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

const YAML =
  [
    'server:',
    '  dataDir: data',
    'sites:',
    '  hq: { registrar: 127.0.0.10 }',
    '  branch: { registrar: 127.0.0.20 }',
    'devices:',
    '  - { mac: "00:15:65:00:12:67", vendor: yealink, model: T46U, site: hq, adminPassword: generate, lines: [{ extension: "6001", password: "s3cret-6001", displayName: Reception }] }',
    '  - { mac: "00:15:65:00:12:68", vendor: yealink, model: T46U, site: branch, adminPassword: generate, lines: [{ extension: "7001", password: generate }] }',
  ].join('\n') + '\n';

describe('ghostguard sip-credentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gg-sipcreds-'));
  writeFileSync(join(dir, 'ghostguard.yaml'), YAML);

  it('pjsip: endpoint, auth and aor sections per account', async () => {
    const r = await run(['sip-credentials', '--site', 'hq', '--format', 'pjsip'], dir);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        '; SIP accounts provisioned by ghostguard (set context= and codecs to your dialplan on each endpoint)',
        '',
        '; 001565001267 site hq, extension 6001',
        '[6001]',
        'type=endpoint',
        'auth=auth6001',
        'aors=6001',
        'callerid="Reception" <6001>',
        '',
        '[auth6001]',
        'type=auth',
        'auth_type=userpass',
        'password=s3cret-6001',
        'username=6001',
        '',
        '[6001]',
        'type=aor',
        'max_contacts=1',
        '',
      ].join('\n'),
    );
  });

  it('freeswitch: a directory user with its password param', async () => {
    const r = await run(['sip-credentials', '00:15:65:00:12:67', '--format', 'freeswitch'], dir);
    expect(r.out).toBe(
      [
        '<include>',
        '  <!-- SIP accounts provisioned by ghostguard -->',
        '  <user id="6001">',
        '    <params>',
        '      <param name="password" value="s3cret-6001"/>',
        '    </params>',
        '    <variables>',
        '      <variable name="effective_caller_id_name" value="Reception"/>',
        '      <variable name="effective_caller_id_number" value="6001"/>',
        '    </variables>',
        '  </user>',
        '</include>',
        '',
      ].join('\n'),
    );
  });

  it('csv after rotate --sip: the generated password changes, the literal one stays; --output is 0600', async () => {
    const before = (await run(['sip-credentials'], dir)).out.split('\r\n');
    expect(before[0]).toBe('mac,site,registrar,extension,authUser,password,displayName');
    expect(before[1]).toBe('001565001267,hq,127.0.0.10,6001,6001,s3cret-6001,Reception');
    expect(before[2]).toMatch(/^001565001268,branch,127\.0\.0\.20,7001,7001,[^,]{12,},7001$/);
    const rotate = await run(['rotate', '--site', 'branch', '--sip'], dir);
    expect(rotate.err).toContain(
      'the PBX needs the new SIP passwords: ghostguard sip-credentials --site branch --format csv|pjsip|freeswitch',
    );
    const written = await run(['sip-credentials', '--output', 'accounts.csv'], dir);
    expect(written.err).toMatch(/accounts\.csv: 2 SIP account\(s\) as csv \(mode 0600/);
    const after = readFileSync(join(dir, 'accounts.csv'), 'utf8').split('\r\n');
    expect(statSync(join(dir, 'accounts.csv')).mode & 0o777).toBe(0o600);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[2]).toMatch(/^001565001268,branch,127\.0\.0\.20,7001,7001,[^,]{12,},7001$/);
  });
});
