/**
 * EdgePlan → a RouterOS script (`/import file-name=…`). It switches the SIP ALG off (`/ip firewall service-port set
 * sip disabled=yes` — the SIP helper is RouterOS's SIP ALG), replaces the ghostguard address lists and rules of the
 * site (found by list name and comment prefix), and puts the checks in an own chain. Admitted SIP returns to the
 * calling chain, so the router's own rules still decide about it; these rules only ever drop.
 */
import { headerLines } from './header.js';
import { ofFamily, rangeText, type PortRange } from './network.js';
import { LOG_RATE, type EdgePlan } from './plan.js';

export const mikrotikNames = (plan: EdgePlan) => ({
  chain: `gg-sip-${plan.id}`,
  trusted: `gg-sip-trusted-${plan.id}`,
  phones: `gg-sip-phones-${plan.id}`,
  comment: `ghostguard ${plan.id}:`,
});

const ports = (ranges: readonly PortRange[]) => ranges.map((r) => rangeText(r)).join(',');

export function renderMikrotik(plan: EdgePlan): string {
  const n = mikrotikNames(plan);
  const out = headerLines(plan, 'mikrotik').map((l) => `# ${l}`);
  out.push(
    `# Import: /import file-name=<file>. Re-importing replaces the rules commented "${n.comment} ...".`,
    `# The jump rules are appended to the ${plan.chain} chain: move them above any rule that accepts SIP.`,
    `# Drops: /ip firewall filter print stats where chain=${n.chain}`,
    '',
    '# The SIP ALG of RouterOS:',
    '/ip firewall service-port set sip disabled=yes',
  );
  for (const family of [4, 6] as const) {
    const menu = family === 4 ? '/ip' : '/ipv6';
    const trusted = ofFamily(plan.trusted, family);
    const phones = ofFamily(plan.phones, family);
    out.push('', `# IPv${family}`);
    if (plan.phones.length > 0 && phones.length === 0) {
      out.push(`# No IPv${family} phone network given (--phones): nothing to protect over IPv${family}.`);
      continue;
    }
    if (trusted.length === 0)
      out.push(`# No IPv${family} trusted source: every IPv${family} SIP packet to the protected ports is dropped.`);
    out.push(`${menu} firewall address-list`, `remove [find where list="${n.trusted}"]`, `remove [find where list="${n.phones}"]`);
    for (const t of trusted) out.push(`add list=${n.trusted} address=${t.text} comment="${n.comment} ${t.origins.join(' ')}"`);
    for (const p of phones) out.push(`add list=${n.phones} address=${p.text} comment="${n.comment} phones"`);
    out.push(`${menu} firewall filter`, `remove [find where comment~"^${n.comment}"]`);
    const dst = phones.length > 0 ? ` dst-address-list=${n.phones}` : '';
    for (const proto of ['udp', 'tcp'] as const) {
      out.push(
        `add chain=${plan.chain} protocol=${proto} dst-port=${ports(plan.ports[proto])}${dst} action=jump jump-target=${n.chain} comment="${n.comment} SIP to phones"`,
      );
    }
    if (trusted.length > 0) {
      if (plan.chain === 'forward' && plan.phones.length === 0) {
        out.push(`add chain=${n.chain} dst-address-list=${n.trusted} action=return comment="${n.comment} phones to their own servers"`);
      }
      out.push(
        `add chain=${n.chain} src-address-list=${n.trusted} limit=${plan.rate.perSecond}/1s,${plan.rate.burst}:packet action=return comment="${n.comment} trusted, within rate"`,
        `add chain=${n.chain} src-address-list=${n.trusted} action=drop comment="${n.comment} trusted, over rate"`,
      );
    }
    out.push(
      `add chain=${n.chain} limit=${LOG_RATE.perMinute}/1m,${LOG_RATE.burst}:packet action=log log-prefix="${plan.logPrefix.trim()}" comment="${n.comment} log untrusted"`,
      `add chain=${n.chain} action=drop comment="${n.comment} SIP from an untrusted source"`,
    );
  }
  return out.join('\n') + '\n';
}
