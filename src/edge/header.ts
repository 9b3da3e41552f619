/** The comment block every rule format starts with: what is admitted, what is dropped, what was left out and why. */
import type { EdgeFormat, EdgePlan } from './plan.js';
import { rangeText } from './network.js';

/** Site names come from YAML keys: keep header comments on one line and printable. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** Header lines shared by every format (without the comment marker). */
export function headerLines(plan: EdgePlan, format: EdgeFormat): string[] {
  const dst = plan.phones.length > 0 ? plan.phones.map((p) => p.text).join(', ') : 'any destination';
  const lines = [
    `ghostguard edge rules for site "${printable(plan.site)}" (${format}, ${plan.chain} chain)`,
    `SIP to the phones is admitted only from the site's trusted servers, at most ${plan.rate.perSecond} packets/s`,
    `(burst ${plan.rate.burst}); everything else to those ports is counted, logged (rate-limited) and dropped.`,
    `Protected destinations: ${dst}`,
    `Protected ports: udp ${plan.ports.udp.map((r) => rangeText(r)).join(', ')}; tcp ${plan.ports.tcp.map((r) => rangeText(r)).join(', ')}`,
    ...plan.portNotes.map((n) => `  ${n}`),
    'Trusted sources:',
    ...plan.trusted.map((t) => `  ${t.text} (${t.origins.join(', ')})`),
    ...plan.covered.map((c) => `  ${c.value} (${c.origin}) is inside ${c.by}`),
  ];
  for (const u of plan.unresolved) {
    lines.push(`UNRESOLVED: ${u.origin} "${printable(u.value)}" is a hostname and is NOT admitted by these rules (nothing is resolved);`);
    lines.push(`  list its addresses in sites.${printable(plan.site)}.trustedServers, then generate again.`);
  }
  lines.push(
    'SIP ALG: switch it off on every router/NAT between the phones and their servers. An ALG rewrites SIP and',
    'opens media pinholes on its own, which undoes source filtering and breaks registrations.',
  );
  return lines;
}
