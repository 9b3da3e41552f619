/** `ghostguard edge` driven in-process like a user would. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { checkMikrotikGrammar } from './grammar.js';

function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

function workspace(sites: string, devices = '', policy = '') {
  const dir = mkdtempSync(join(tmpdir(), 'gg-edge-cli-'));
  const yaml =
    [
      'server:',
      `  dataDir: ${join(dir, 'data')}`,
      ...(policy ? ['policy:', '  rules:', policy] : []),
      'sites:',
      sites,
      ...(devices ? ['devices:', devices] : []),
    ].join('\n') + '\n';
  writeFileSync(join(dir, 'gg.yaml'), yaml);
  return dir;
}

const SITES = [
  '  hq:',
  '    registrar: 198.51.100.10',
  '    outboundProxy: 2001:db8::5',
  '    trustedServers: [203.0.113.0/28]',
  '    transport: tls',
  '  branch:',
  '    registrar: pbx.example.com',
  '    trustedServers: [198.51.100.20]',
].join('\n');
const DEVICES = [
  '  - { mac: "00:0b:82:00:00:51", vendor: grandstream, model: GRP2614, site: hq, adminPassword: generate, lines: [{ extension: "1", password: generate }] }',
  '  - { mac: "00:15:65:00:00:51", vendor: yealink, model: T46U, site: branch, adminPassword: generate, lines: [{ extension: "2", password: generate }] }',
].join('\n');

describe('ghostguard edge', () => {
  it('prints nftables rules for the bundled example without touching any state', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gg-edge-cwd-'));
    const r = await run(['edge', '--site', 'hq', '--example'], cwd);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^#!\/usr\/sbin\/nft -f\n/);
    expect(r.out).toContain('elements = { 127.0.0.10, 127.0.0.11, 127.0.0.12 }');
    expect(existsSync(join(cwd, '.ghostguard'))).toBe(false);
  });

  it('derives ports from the policy and the phones (Grandstream: one port per account), writes --output', async () => {
    const dir = workspace(SITES, DEVICES, '    sip-port-nonstandard: { enabled: true, port: 5080 }');
    const r = await run(
      [
        'edge',
        '-c',
        'gg.yaml',
        '--site',
        'hq',
        '--format',
        'mikrotik',
        '--output',
        'hq.rsc',
        '--phones',
        '192.0.2.0/24, 2001:db8:1::/64',
        '--rate',
        '50',
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/hq\.rsc: mikrotik rules for site "hq" \(3 trusted source\(s\), forward chain\)/);
    const text = readFileSync(join(dir, 'hq.rsc'), 'utf8');
    // GRP2614: 4 accounts → base..base+6; TLS → +1 on TCP; 5060 and the policy's 5080
    expect(text).toContain('add chain=forward protocol=udp dst-port=5060-5066,5080-5086 dst-address-list=gg-sip-phones-hq action=jump');
    expect(text).toContain('add chain=forward protocol=tcp dst-port=5060-5067,5080-5087 dst-address-list=gg-sip-phones-hq action=jump');
    expect(text).toContain('limit=50/1s,100:packet');
    expect(checkMikrotikGrammar(text)).toEqual([]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('leaves a hostname out, marks it, warns on stderr and exits 1', async () => {
    const dir = workspace(SITES, DEVICES);
    const r = await run(['edge', '-c', 'gg.yaml', '--site', 'branch', '--format', 'iptables', '--chain', 'input'], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('# UNRESOLVED: registrar "pbx.example.com" is a hostname and is NOT admitted');
    expect(r.out).toContain('-I INPUT 1 -p udp -m multiport --dports 5060 ');
    expect(r.out).toContain('-A gg-sip-branch -s 198.51.100.20/32');
    expect(r.err).toMatch(/warning: sites\.branch\.registrar "pbx\.example\.com" is a hostname and is not admitted/);
  });

  it('refuses a site with no trusted address, unknown sites, formats and chains', async () => {
    const dir = workspace('  dns:\n    registrar: pbx.example.com\n');
    const none = await run(['edge', '-c', 'gg.yaml', '--site', 'dns'], dir);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/GG_ERR_USAGE: site "dns" has no trusted server address/);
    expect(none.out).toBe('');
    const unknown = await run(['edge', '-c', 'gg.yaml', '--site', 'nowhere'], dir);
    expect(unknown.err).toMatch(/GG_ERR_USAGE: unknown site "nowhere" \(sites: dns\)/);
    expect((await run(['edge', '-c', 'gg.yaml'], dir)).err).toMatch(/give --site <site>/);
    expect((await run(['edge', '--site', 'hq', '--format', 'cisco'], dir)).err).toMatch(
      /--format must be one of nftables, iptables, ip6tables, pf, mikrotik/,
    );
    expect((await run(['edge', '--site', 'hq', '--chain', 'output'], dir)).err).toMatch(/--chain must be forward or input/);
    expect((await run(['edge', '--site', 'hq', '--rate', 'fast'], dir)).code).toBe(2);
    const bad = workspace('  hq:\n    registrar: 198.51.100.1:5060\n');
    expect((await run(['edge', '-c', 'gg.yaml', '--site', 'hq'], bad)).err).toMatch(
      /sites\.hq\.registrar: "198\.51\.100\.1:5060" is not an IPv4\/IPv6 address or CIDR/,
    );
  });
});
