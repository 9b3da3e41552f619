/**
 * EdgePlan → an `nft -f` script: its own `inet` table (re-applying replaces it; other tables are untouched), sets of
 * trusted sources and protected destinations, a named limit shared by all trusted SIP and named counters for drops.
 * An `accept` here ends this table's chain only: the host's other tables still see the packet.
 */
import { headerLines } from './header.js';
import { ofFamily, rangeText, type Network, type PortRange } from './network.js';
import { LOG_RATE, type EdgePlan } from './plan.js';

export const nftTableName = (plan: EdgePlan): string => `ghostguard_${plan.id}`;

const ports = (ranges: readonly PortRange[]) => `{ ${ranges.map((r) => rangeText(r)).join(', ')} }`;

function set(name: string, family: 4 | 6, items: readonly Network[]): string[] {
  return [
    `\tset ${name} {`,
    `\t\ttype ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`,
    '\t\tflags interval',
    `\t\telements = { ${items.map((i) => i.text).join(', ')} }`,
    '\t}',
  ];
}

export function renderNftables(plan: EdgePlan): string {
  const table = nftTableName(plan);
  const out = ['#!/usr/sbin/nft -f', ...headerLines(plan, 'nftables').map((l) => `# ${l}`)];
  out.push(
    '# Linux: do not attach the nf_conntrack_sip helper to this traffic (no `ct helper` for SIP; check',
    '# `lsmod | grep nf_conntrack_sip`). Check: nft -c -f <file>   Apply: nft -f <file>',
    `# Drops: nft list counters table inet ${table}`,
    '',
    '# create-then-delete makes re-applying replace the table instead of adding rules twice',
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
  );
  const fam = {
    4: { trusted: ofFamily(plan.trusted, 4), phones: ofFamily(plan.phones, 4), kw: 'ip' },
    6: { trusted: ofFamily(plan.trusted, 6), phones: ofFamily(plan.phones, 6), kw: 'ip6' },
  } as const;
  for (const f of [4, 6] as const) {
    if (fam[f].trusted.length > 0) out.push(...set(`trusted_v${f}`, f, fam[f].trusted));
    if (fam[f].phones.length > 0) out.push(...set(`phones_v${f}`, f, fam[f].phones));
  }
  out.push(
    `\tlimit trusted_rate { rate ${plan.rate.perSecond}/second burst ${plan.rate.burst} packets }`,
    '\tcounter trusted_over_rate { }',
    '\tcounter untrusted_dropped { }',
    '',
    `\tchain ${plan.chain} {`,
    `\t\ttype filter hook ${plan.chain} priority filter; policy accept;`,
  );
  const jumps = (prefix: string) => [
    `\t\t${prefix}udp dport ${ports(plan.ports.udp)} jump sip`,
    `\t\t${prefix}tcp dport ${ports(plan.ports.tcp)} jump sip`,
  ];
  if (plan.phones.length === 0) out.push(...jumps(''));
  else for (const f of [4, 6] as const) if (fam[f].phones.length > 0) out.push(...jumps(`${fam[f].kw} daddr @phones_v${f} `));
  out.push('\t}', '', '\tchain sip {');
  if (plan.chain === 'forward' && plan.phones.length === 0) {
    for (const f of [4, 6] as const) {
      if (fam[f].trusted.length > 0) out.push(`\t\t${fam[f].kw} daddr @trusted_v${f} accept comment "phones to their own servers"`);
    }
  }
  for (const f of [4, 6] as const) {
    if (fam[f].trusted.length > 0)
      out.push(`\t\t${fam[f].kw} saddr @trusted_v${f} limit name "trusted_rate" accept comment "trusted, within rate"`);
  }
  for (const f of [4, 6] as const) {
    if (fam[f].trusted.length > 0)
      out.push(`\t\t${fam[f].kw} saddr @trusted_v${f} counter name "trusted_over_rate" drop comment "trusted, over rate"`);
  }
  out.push(
    `\t\tlimit rate ${LOG_RATE.perMinute}/minute burst ${LOG_RATE.burst} packets log prefix "${plan.logPrefix}"`,
    '\t\tcounter name "untrusted_dropped" drop comment "SIP from an untrusted source"',
    '\t}',
    '}',
  );
  return out.join('\n') + '\n';
}
