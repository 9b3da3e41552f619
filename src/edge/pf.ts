/**
 * EdgePlan → pf rules for an anchor (OpenBSD ≥ 6.6 / FreeBSD ≥ 14 pf: `max-pkt-rate`). Tables hold IPv4 and IPv6
 * alike. pf can only rate-limit on a pass rule, so trusted SIP within the rate is passed (`quick`) here;
 * untrusted SIP and trusted SIP over the rate are blocked and logged to pflog. One rate bucket per protocol.
 */
import { headerLines } from './header.js';
import { rangeText, type PortRange } from './network.js';
import type { EdgePlan } from './plan.js';

export const pfAnchorName = (plan: EdgePlan): string => `ghostguard/${plan.id}`;

const portList = (ranges: readonly PortRange[]) => `{ ${ranges.map((r) => rangeText(r, ':')).join(', ')} }`;

export function renderPf(plan: EdgePlan): string {
  const anchor = pfAnchorName(plan);
  const out = headerLines(plan, 'pf').map((l) => `# ${l}`);
  out.push(
    '# pf has no SIP ALG of its own; the reminder is for the routers/NATs in the path.',
    `# Load: pfctl -a "${anchor}" -f <file>   (pf.conf needs: anchor "ghostguard/*")   Check: pfctl -n -a "${anchor}" -f <file>`,
    `# Drops: pfctl -a "${anchor}" -v -s rules; blocked packets are logged to pflog0.`,
    '',
    `sip_udp = "${portList(plan.ports.udp)}"`,
    `sip_tcp = "${portList(plan.ports.tcp)}"`,
    `table <gg_trusted> const { ${plan.trusted.map((t) => t.text).join(', ')} }`,
  );
  if (plan.phones.length > 0) out.push(`table <gg_phones> const { ${plan.phones.map((p) => p.text).join(', ')} }`);
  // what the rules protect: this host, the listed phone networks, or anything but the trusted servers (the phones'
  // own SIP towards their servers passes a forwarding gateway untouched)
  const dst = plan.chain === 'input' ? 'self' : plan.phones.length > 0 ? '<gg_phones>' : '! <gg_trusted>';
  const rate = `max-pkt-rate ${plan.rate.perSecond}/1`;
  for (const proto of ['udp', 'tcp'] as const) {
    out.push(`block drop in log quick proto ${proto} from ! <gg_trusted> to ${dst} port $sip_${proto} label "gg-sip-untrusted"`);
  }
  for (const proto of ['udp', 'tcp'] as const) {
    out.push(`pass in quick proto ${proto} from <gg_trusted> to ${dst} port $sip_${proto} ${rate} label "gg-sip-trusted"`);
  }
  for (const proto of ['udp', 'tcp'] as const) {
    out.push(`block drop in log quick proto ${proto} from <gg_trusted> to ${dst} port $sip_${proto} label "gg-sip-over-rate"`);
  }
  return out.join('\n') + '\n';
}
