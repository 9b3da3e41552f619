/**
 * Each format: the rules it must contain, checked by the format's own tool where Debian ships one
 * (`nft -c -f`, `iptables-restore --test`, `ip6tables-restore --test`, legacy and nf_tables backends),
 * and by a line grammar (test/edge/grammar.ts) for pf and RouterOS.
 */
import { describe, expect, it } from 'vitest';
import { renderEdge } from '../../src/edge/index.js';
import { buildEdgePlan, EDGE_FORMATS, type EdgePlan } from '../../src/edge/plan.js';
import { renderIptables } from '../../src/edge/iptables.js';
import { renderMikrotik } from '../../src/edge/mikrotik.js';
import { renderNftables } from '../../src/edge/nftables.js';
import { renderPf } from '../../src/edge/pf.js';
import { device, richPlan, site, sitePolicy } from './fixtures.js';
import { checkMikrotikGrammar, checkPfGrammar } from './grammar.js';
import { checkerSkipReason, findTool, runOnFile } from './tools.js';

/** the plans every checker sees: both families, phone networks or not, forward and input, a hostname left out */
const variants: [string, EdgePlan][] = [
  ['forward, any destination', richPlan()],
  ['forward, phone networks of both families', richPlan({ phones: ['192.0.2.0/24', '2001:db8:1::/64'] })],
  ['input chain, IPv4 phones only', richPlan({ chain: 'input', phones: ['192.0.2.10'], rate: 20 })],
  [
    'IPv4-only site with a hostname left out',
    buildEdgePlan(site({ outboundProxy: 'proxy.example.net', trustedServers: [] }), [device()], sitePolicy()),
  ],
  ['odd site name', buildEdgePlan(site({ name: 'Head Office / 3rd "floor"' }), [], sitePolicy())],
];

const lines = (text: string) => text.split('\n');

describe('every format', () => {
  it('is deterministic, carries the SIP ALG reminder, and no generation time', () => {
    for (const format of EDGE_FORMATS) {
      const a = renderEdge(richPlan(), format);
      expect(renderEdge(richPlan(), format), format).toBe(a);
      expect(a, format).toMatch(/SIP ALG: switch it off/);
      expect(a, format).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}/);
      expect(a, format).toMatch(/^# .*ghostguard edge rules for site "hq"/m);
    }
  });

  it('marks a hostname that was left out', () => {
    const plan = variants[3]![1];
    for (const format of EDGE_FORMATS) {
      expect(renderEdge(plan, format), format).toContain(
        '# UNRESOLVED: outboundProxy "proxy.example.net" is a hostname and is NOT admitted',
      );
    }
  });
});

describe('nftables', () => {
  it('renders an own inet table: sets, shared limit, counters, jumps for the SIP ports', () => {
    const text = renderNftables(richPlan());
    const l = lines(text);
    expect(l[0]).toBe('#!/usr/sbin/nft -f');
    expect(l).toEqual(
      expect.arrayContaining([
        'table inet ghostguard_hq',
        'delete table inet ghostguard_hq',
        '\t\telements = { 198.51.100.0/24, 203.0.113.7 }',
        '\t\telements = { 2001:db8::5 }',
        '\tlimit trusted_rate { rate 200/second burst 400 packets }',
        '\t\ttype filter hook forward priority filter; policy accept;',
        '\t\tudp dport { 5060-5066, 5080-5086 } jump sip',
        '\t\ttcp dport { 5060-5067, 5080-5087 } jump sip',
        '\t\tip daddr @trusted_v4 accept comment "phones to their own servers"',
        '\t\tip saddr @trusted_v4 limit name "trusted_rate" accept comment "trusted, within rate"',
        '\t\tip6 saddr @trusted_v6 limit name "trusted_rate" accept comment "trusted, within rate"',
        '\t\tip saddr @trusted_v4 counter name "trusted_over_rate" drop comment "trusted, over rate"',
        '\t\tlimit rate 10/minute burst 5 packets log prefix "gg-sip-drop:hq: "',
        '\t\tcounter name "untrusted_dropped" drop comment "SIP from an untrusted source"',
      ]),
    );
    // the untrusted drop is the last rule of the SIP chain
    expect(l.indexOf('\t\tcounter name "untrusted_dropped" drop comment "SIP from an untrusted source"')).toBe(l.length - 4);
    const phones = renderNftables(richPlan({ chain: 'input', phones: ['192.0.2.0/24'] }));
    expect(phones).toContain('\t\ttype filter hook input priority filter; policy accept;');
    expect(phones).toContain('\t\tip daddr @phones_v4 udp dport { 5060-5066, 5080-5086 } jump sip');
    expect(phones).not.toContain('daddr @trusted_v4');
  });

  const reason = checkerSkipReason('nft', ['-c', '-f'], 'table inet gg_probe {\n}\n', 'nftables');
  it.skipIf(reason !== undefined)(`passes nft -c -f${reason ? ` — skipped: ${reason}` : ''}`, () => {
    const nft = findTool('nft')!;
    for (const [name, plan] of variants) {
      const r = runOnFile(nft, ['-c', '-f'], renderNftables(plan));
      expect(r.status, `${name}\n${r.output}`).toBe(0);
    }
    // the check is real: a reference to a limit that does not exist is refused
    const broken = renderNftables(richPlan()).replace('limit name "trusted_rate"', 'limit name "no_such_limit"');
    expect(runOnFile(nft, ['-c', '-f'], broken).status).not.toBe(0);
  });
});

describe('iptables / ip6tables', () => {
  it('renders own chains, jumps inserted first, a goto into the shared trusted limit, RETURN to admit', () => {
    const l = lines(renderIptables(richPlan(), 4));
    expect(l).toEqual(
      expect.arrayContaining([
        '*filter',
        ':gg-sip-hq - [0:0]',
        ':gg-sip-hq-ok - [0:0]',
        '-I FORWARD 1 -p udp -m multiport --dports 5060:5066,5080:5086 -m comment --comment "ghostguard hq: SIP to phones" -j gg-sip-hq',
        '-I FORWARD 2 -p tcp -m multiport --dports 5060:5067,5080:5087 -m comment --comment "ghostguard hq: SIP to phones" -j gg-sip-hq',
        '-A gg-sip-hq -d 198.51.100.0/24 -m comment --comment "phones to their own server" -j RETURN',
        '-A gg-sip-hq -s 198.51.100.0/24 -m comment --comment "trusted: trustedServers[0]" -g gg-sip-hq-ok',
        '-A gg-sip-hq -s 203.0.113.7/32 -m comment --comment "trusted: trustedServers[1]" -g gg-sip-hq-ok',
        '-A gg-sip-hq -m limit --limit 10/minute --limit-burst 5 -j LOG --log-prefix "gg-sip-drop:hq: "',
        '-A gg-sip-hq -m comment --comment "SIP from an untrusted source" -j DROP',
        '-A gg-sip-hq-ok -m limit --limit 200/second --limit-burst 400 -m comment --comment "trusted, within rate" -j RETURN',
        '-A gg-sip-hq-ok -m comment --comment "trusted, over rate" -j DROP',
        'COMMIT',
      ]),
    );
    expect(l.filter((x) => !x.startsWith('#')).join('\n')).not.toContain('2001:db8');
    const v6 = renderIptables(richPlan({ phones: ['192.0.2.0/24', '2001:db8:1::/64'] }), 6);
    expect(v6).toContain('-I FORWARD 1 -d 2001:db8:1::/64 -p udp -m multiport --dports 5060:5066,5080:5086');
    expect(v6).toContain('-A gg-sip-hq -s 2001:db8::5/128 -m comment --comment "trusted: outboundProxy" -g gg-sip-hq-ok');
    expect(
      v6
        .split('\n')
        .filter((x) => !x.startsWith('#'))
        .join('\n'),
    ).not.toContain('198.51.100');
    const input = renderIptables(richPlan({ chain: 'input', phones: ['192.0.2.10'] }), 6);
    expect(input).toContain('# No IPv6 phone network given (--phones): nothing to protect over IPv6.');
    expect(input).not.toMatch(/^-I /m);
  });

  const backends = [
    ['iptables-restore', 4, 'iptables'],
    ['iptables-nft-restore', 4, 'iptables'],
    ['iptables-legacy-restore', 4, 'iptables'],
    ['ip6tables-restore', 6, 'iptables'],
    ['ip6tables-nft-restore', 6, 'iptables'],
    ['ip6tables-legacy-restore', 6, 'iptables'],
  ] as const;
  for (const [tool, family, pkg] of backends) {
    const reason = checkerSkipReason(tool, ['--test', '--noflush'], '*filter\nCOMMIT\n', pkg);
    it.skipIf(reason !== undefined)(`passes ${tool} --test${reason ? ` — skipped: ${reason}` : ''}`, () => {
      const path = findTool(tool)!;
      for (const [name, plan] of variants) {
        const r = runOnFile(path, ['--test', '--noflush'], renderIptables(plan, family));
        expect(r.status, `${name}\n${r.output}`).toBe(0);
      }
      const broken = renderIptables(richPlan(), family).replace('--limit 200/second', '--limit 200/fortnight');
      expect(runOnFile(path, ['--test', '--noflush'], broken).status).not.toBe(0);
    });
  }
});

describe('pf', () => {
  it('renders tables, port macros, block of untrusted, rate-limited pass of trusted, block over the rate', () => {
    const l = lines(renderPf(richPlan()));
    expect(l).toEqual(
      expect.arrayContaining([
        'sip_udp = "{ 5060:5066, 5080:5086 }"',
        'sip_tcp = "{ 5060:5067, 5080:5087 }"',
        'table <gg_trusted> const { 2001:db8::5, 198.51.100.0/24, 203.0.113.7 }',
        'block drop in log quick proto udp from ! <gg_trusted> to ! <gg_trusted> port $sip_udp label "gg-sip-untrusted"',
        'pass in quick proto tcp from <gg_trusted> to ! <gg_trusted> port $sip_tcp max-pkt-rate 200/1 label "gg-sip-trusted"',
        'block drop in log quick proto udp from <gg_trusted> to ! <gg_trusted> port $sip_udp label "gg-sip-over-rate"',
      ]),
    );
    const phones = renderPf(richPlan({ phones: ['192.0.2.0/24'] }));
    expect(phones).toContain('table <gg_phones> const { 192.0.2.0/24 }');
    expect(phones).toContain('from ! <gg_trusted> to <gg_phones> port $sip_udp');
    expect(renderPf(richPlan({ chain: 'input' }))).toContain('from ! <gg_trusted> to self port $sip_tcp');
  });

  it('parses with the pf line grammar', () => {
    for (const [name, plan] of variants) expect(checkPfGrammar(renderPf(plan)), name).toEqual([]);
    // the grammar is real: it refuses what pfctl would
    const refuses = (text: string, why: RegExp) =>
      expect(checkPfGrammar(text)).toEqual(expect.arrayContaining([expect.stringMatching(why)]));
    refuses(
      'table <t> const { 198.51.100.1 }\nblock drop in quick proto udp from <nope> to any port 5060\n',
      /table <nope> used before it is defined/,
    );
    refuses('pass in proto udp from any to any port 70000\n', /bad port 70000/);
    refuses('block in proto udp from any to any port 5060 max-pkt-rate 5/1\n', /max-pkt-rate on a block rule/);
    refuses('p = "{ 5060 }"\npass in proto sctp from any to any port $p\n', /bad protocol/);
    refuses('table <t> const { 198.51.100.1/40 }\npass in proto udp from <t> to any\n', /bad table entry/);
  });
});

describe('mikrotik (RouterOS)', () => {
  it('switches the SIP ALG off, replaces its address lists and rules, and checks in an own chain', () => {
    const text = renderMikrotik(richPlan());
    const l = lines(text);
    expect(l).toEqual(
      expect.arrayContaining([
        '/ip firewall service-port set sip disabled=yes',
        '/ip firewall address-list',
        'remove [find where list="gg-sip-trusted-hq"]',
        'add list=gg-sip-trusted-hq address=198.51.100.0/24 comment="ghostguard hq: trustedServers[0]"',
        '/ip firewall filter',
        'remove [find where comment~"^ghostguard hq:"]',
        'add chain=forward protocol=udp dst-port=5060-5066,5080-5086 action=jump jump-target=gg-sip-hq comment="ghostguard hq: SIP to phones"',
        'add chain=gg-sip-hq src-address-list=gg-sip-trusted-hq limit=200/1s,400:packet action=return comment="ghostguard hq: trusted, within rate"',
        'add chain=gg-sip-hq src-address-list=gg-sip-trusted-hq action=drop comment="ghostguard hq: trusted, over rate"',
        'add chain=gg-sip-hq action=drop comment="ghostguard hq: SIP from an untrusted source"',
        '/ipv6 firewall address-list',
        'add list=gg-sip-trusted-hq address=2001:db8::5 comment="ghostguard hq: outboundProxy"',
      ]),
    );
    // the ALG switch comes before any rule
    expect(l.indexOf('/ip firewall service-port set sip disabled=yes')).toBeLessThan(l.indexOf('/ip firewall filter'));
    const phones = renderMikrotik(richPlan({ phones: ['192.0.2.0/24'] }));
    expect(phones).toContain('add list=gg-sip-phones-hq address=192.0.2.0/24 comment="ghostguard hq: phones"');
    expect(phones).toContain('dst-address-list=gg-sip-phones-hq action=jump');
    expect(phones).toContain('# No IPv6 phone network given (--phones): nothing to protect over IPv6.');
  });

  it('parses with the RouterOS line grammar', () => {
    for (const [name, plan] of variants) expect(checkMikrotikGrammar(renderMikrotik(plan)), name).toEqual([]);
    const ok =
      '/ip firewall service-port set sip disabled=yes\n/ip firewall address-list\nadd list=l address=198.51.100.1\n/ip firewall filter\n';
    const refuses = (text: string, why: RegExp) =>
      expect(checkMikrotikGrammar(text)).toEqual(expect.arrayContaining([expect.stringMatching(why)]));
    refuses(`${ok}add chain=forward action=drop src-address-list=l limit=5,10\n`, /bad limit/);
    refuses(`${ok}add chain=forward action=jump jump-target=nowhere\n`, /jump to chain nowhere that has no rules/);
    refuses(`${ok}add chain=forward protocol=udp dst-port=5066-5060 action=drop\n`, /bad dst-port/);
    refuses(`${ok}add chain=forward action=drop comment=two words\n`, /not key=value/);
    refuses('/ipv6 firewall address-list\nadd list=l address=198.51.100.1\n', /not an IPv6 address/);
    refuses('/ip firewall filter\nadd chain=forward action=drop\n', /SIP ALG/);
  });
});
