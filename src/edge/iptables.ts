/**
 * EdgePlan → an `iptables-restore --noflush` file (IPv4) or `ip6tables-restore --noflush` file (IPv6).
 * Two own chains: `gg-sip-<id>` (entered from INPUT/FORWARD for SIP ports) and `gg-sip-<id>-ok` (the shared rate
 * limit of all trusted sources, entered with a goto). Admitted SIP RETURNs to the built-in chain, so the host's own
 * rules still decide about it; these rules only ever drop.
 */
import { headerLines } from './header.js';
import { ofFamily, rangeText, type PortRange } from './network.js';
import { LOG_RATE, type EdgePlan } from './plan.js';

export const iptablesChainName = (plan: EdgePlan): string => `gg-sip-${plan.id}`;

const multiport = (ranges: readonly PortRange[]) => ranges.map((r) => rangeText(r, ':')).join(',');

/** `-m multiport` takes at most 15 ports, a range counting two */
function portGroups(ranges: readonly PortRange[]): PortRange[][] {
  const groups: PortRange[][] = [];
  let current: PortRange[] = [];
  let weight = 0;
  for (const r of ranges) {
    const w = r.from === r.to ? 1 : 2;
    if (weight + w > 15) {
      groups.push(current);
      current = [];
      weight = 0;
    }
    current.push(r);
    weight += w;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export function renderIptables(plan: EdgePlan, family: 4 | 6 = 4): string {
  const tool = family === 4 ? 'iptables' : 'ip6tables';
  const chain = iptablesChainName(plan);
  const ok = `${chain}-ok`;
  const builtin = plan.chain === 'forward' ? 'FORWARD' : 'INPUT';
  const trusted = ofFamily(plan.trusted, family);
  const phones = ofFamily(plan.phones, family);
  const other = ofFamily(plan.trusted, family === 4 ? 6 : 4);
  const out = headerLines(plan, family === 4 ? 'iptables' : 'ip6tables').map((l) => `# ${l}`);
  out.push(
    `# This file holds the IPv${family} rules only${other.length > 0 ? `; the IPv${family === 4 ? 6 : 4} trusted sources are in --format ${family === 4 ? 'ip6tables' : 'iptables'}` : ''}.`,
    '# Linux: do not attach the nf_conntrack_sip helper to this traffic (no CT --helper sip; check',
    '# `lsmod | grep nf_conntrack_sip`).',
    `# Check: ${tool}-restore --test --noflush <file>   Apply: ${tool}-restore --noflush <file>`,
    `# (--noflush keeps your other rules; re-applying empties the ghostguard chains but inserts the ${builtin} jumps`,
    `# again: remove the old ones first, see \`${tool} -S ${builtin} | grep ${chain}\`). Drops: ${tool} -L ${chain} -v -n`,
  );
  if (trusted.length === 0) out.push(`# No IPv${family} trusted source: every IPv${family} SIP packet to the protected ports is dropped.`);
  out.push('*filter', `:${chain} - [0:0]`, `:${ok} - [0:0]`);

  let position = 0;
  const jump = (dst: string) => {
    for (const proto of ['udp', 'tcp'] as const) {
      for (const group of portGroups(plan.ports[proto])) {
        out.push(
          `-I ${builtin} ${++position}${dst} -p ${proto} -m multiport --dports ${multiport(group)} -m comment --comment "ghostguard ${plan.id}: SIP to phones" -j ${chain}`,
        );
      }
    }
  };
  if (plan.phones.length === 0) jump('');
  else if (phones.length === 0) out.push(`# No IPv${family} phone network given (--phones): nothing to protect over IPv${family}.`);
  else for (const p of phones) jump(` -d ${p.address}/${p.prefix}`);

  if (plan.chain === 'forward' && plan.phones.length === 0) {
    for (const t of trusted)
      out.push(`-A ${chain} -d ${t.address}/${t.prefix} -m comment --comment "phones to their own server" -j RETURN`);
  }
  for (const t of trusted)
    out.push(`-A ${chain} -s ${t.address}/${t.prefix} -m comment --comment "trusted: ${t.origins.join(' ')}" -g ${ok}`);
  out.push(
    `-A ${chain} -m limit --limit ${LOG_RATE.perMinute}/minute --limit-burst ${LOG_RATE.burst} -j LOG --log-prefix "${plan.logPrefix}"`,
    `-A ${chain} -m comment --comment "SIP from an untrusted source" -j DROP`,
    `-A ${ok} -m limit --limit ${plan.rate.perSecond}/second --limit-burst ${plan.rate.burst} -m comment --comment "trusted, within rate" -j RETURN`,
    `-A ${ok} -m comment --comment "trusted, over rate" -j DROP`,
    'COMMIT',
  );
  return out.join('\n') + '\n';
}
