/**
 * Edge firewall plan: one site's SIP exposure normalised for the format renderers — which sources are trusted,
 * which destination ports the phones listen on, which destinations are protected, and the rate limit.
 * Pure: no I/O, no name resolution (a hostname cannot go into a firewall rule; it is reported, never resolved).
 */
import { createHash } from 'node:crypto';
import type { ResolvedPolicy, Site } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';
import { contains, mergeRanges, parseNetwork, type Network, type PortRange, type TrustedSource } from './network.js';

export const EDGE_FORMATS = ['nftables', 'iptables', 'ip6tables', 'pf', 'mikrotik'] as const;
export type EdgeFormat = (typeof EDGE_FORMATS)[number];
export const EDGE_CHAINS = ['forward', 'input'] as const;
export type EdgeChain = (typeof EDGE_CHAINS)[number];

export const SIP_PORT = 5060;
export const SIP_TLS_PORT = 5061;
export const DEFAULT_RATE = 200;
/** drops are logged at most this often (counters see every one) */
export const LOG_RATE = { perMinute: 10, burst: 5 } as const;

export interface EdgePlan {
  site: string;
  /** the site name made safe for table, chain, list and log names (≤ 16 characters) */
  id: string;
  chain: EdgeChain;
  trusted: TrustedSource[];
  /** protected destinations; empty: any destination */
  phones: Network[];
  ports: { udp: PortRange[]; tcp: PortRange[] };
  /** why each port is protected, for the header */
  portNotes: string[];
  /** trusted SIP (both protocols, all trusted sources) per second; burst twice that */
  rate: { perSecond: number; burst: number };
  /** ≤ 28 characters (the iptables LOG limit is 29 with the terminator) */
  logPrefix: string;
  /** config entries left out of the rules: hostnames (never resolved) */
  unresolved: { origin: string; value: string }[];
  /** config entries inside another trusted range, merged into it */
  covered: { origin: string; value: string; by: string }[];
}

/** A phone of the site as the plan needs it. */
export interface PlanDevice {
  policy: ResolvedPolicy;
  /**
   * how many local SIP ports the phone listens on, one per account spaced by two from its base port
   * (the adapter's sipPortPerAccount: its account count); 1 when all accounts share one port
   */
  accountPorts: number;
}

export interface PlanOptions {
  chain?: EdgeChain;
  /** protected destination networks (addresses or CIDRs); none: any destination */
  phones?: readonly string[];
  /** trusted SIP packets per second */
  rate?: number;
}

const usage = (message: string, details: string[] = []) => new GhostguardError('GG_ERR_USAGE', message, details);

function siteId(site: string): string {
  const safe = site.replace(/[^A-Za-z0-9_]/g, '_');
  if (safe === site && safe.length <= 16) return safe;
  const hash = createHash('sha256').update(site).digest('hex').slice(0, 4);
  return `${safe.slice(0, 11)}_${hash}`;
}

/**
 * The ports the site's phones listen on for SIP. Every phone starts at 5060, or at its policy's
 * `sip-port-nonstandard` port; 5060 stays protected even then (phones not yet re-provisioned still use it).
 * Phones with one port per account (base, base+2, ... -- the factory defaults and what ghostguard
 * writes) widen each base port to base..base+2(n-1) for the site's phone with the most such ports. TLS (site transport `tls` or `sip-tls-srtp`) adds TCP 5061 and base+1 of each account
 * port. Protecting a port nothing listens on is harmless: only trusted servers may reach it.
 */
function sipPorts(
  site: Site,
  devices: readonly PlanDevice[],
  sitePolicy: ResolvedPolicy,
): { udp: PortRange[]; tcp: PortRange[]; notes: string[] } {
  const policies = devices.length > 0 ? devices.map((d) => d.policy) : [sitePolicy];
  const accounts = Math.max(1, ...devices.map((d) => d.accountPorts));
  const bases = new Set<number>([SIP_PORT]);
  const notes = [`${SIP_PORT}: SIP default`];
  for (const p of policies) {
    const s = p['sip-port-nonstandard'];
    if (s.enabled && s.port !== undefined && !bases.has(s.port)) {
      bases.add(s.port);
      notes.push(`${s.port}: sip-port-nonstandard`);
    }
  }
  const tls = site.transport === 'tls' || policies.some((p) => p['sip-tls-srtp'].enabled);
  if (tls) notes.push(`${SIP_TLS_PORT}/tcp: SIP over TLS (${site.transport === 'tls' ? 'site transport tls' : 'sip-tls-srtp'})`);
  if (accounts > 1)
    notes.push(
      `up to ${accounts} SIP accounts with a port each (base, base+2, ...): each base port covers base..base+${2 * (accounts - 1)}`,
    );
  const span = 2 * (accounts - 1);
  const udp: PortRange[] = [];
  const tcp: PortRange[] = tls ? [{ from: SIP_TLS_PORT, to: SIP_TLS_PORT }] : [];
  for (const base of bases) {
    const to = Math.min(65535, base + span);
    udp.push({ from: base, to });
    tcp.push({ from: base, to: Math.min(65535, to + (tls ? 1 : 0)) });
  }
  return { udp: mergeRanges(udp), tcp: mergeRanges(tcp), notes };
}

/**
 * The plan for one site. Throws GG_ERR_USAGE for an entry that is neither an address, a CIDR nor a hostname,
 * for a trusted range that admits every address, and when no trusted address is left (the rules would cut the
 * phones off). Hostnames are returned in `unresolved`: the caller reports them and exits non-zero.
 */
export function buildEdgePlan(site: Site, devices: readonly PlanDevice[], sitePolicy: ResolvedPolicy, options: PlanOptions = {}): EdgePlan {
  const chain = options.chain ?? 'forward';
  const rate = options.rate ?? DEFAULT_RATE;
  if (!Number.isInteger(rate) || rate < 1 || rate > 1_000_000)
    throw usage(`--rate must be a whole number of packets per second between 1 and 1000000 (got ${rate})`);

  const entries: { origin: string; value: string }[] = [];
  if (site.registrar) entries.push({ origin: 'registrar', value: site.registrar });
  if (site.outboundProxy) entries.push({ origin: 'outboundProxy', value: site.outboundProxy });
  site.trustedServers.forEach((value, i) => {
    entries.push({ origin: `trustedServers[${i}]`, value });
  });

  const invalid: string[] = [];
  const unresolved: EdgePlan['unresolved'] = [];
  const candidates: TrustedSource[] = [];
  for (const { origin, value } of entries) {
    const n = parseNetwork(value);
    if (n === 'hostname') unresolved.push({ origin, value });
    else if (!n) invalid.push(`sites.${site.name}.${origin}: "${value}" is not an IPv4/IPv6 address or CIDR`);
    else if (n.prefix === 0) invalid.push(`sites.${site.name}.${origin}: "${value}" admits every address`);
    else {
      const same = candidates.find((c) => c.family === n.family && c.text === n.text);
      if (same) same.origins.push(origin);
      else candidates.push({ ...n, origins: [origin] });
    }
  }
  if (invalid.length > 0) throw usage(`site "${site.name}": trusted servers that cannot go into a firewall rule`, invalid);

  const covered: EdgePlan['covered'] = [];
  const trusted = candidates.filter((c) => {
    const outer = candidates.find((o) => o !== c && contains(o, c)); // identical entries were merged above
    if (outer) covered.push({ origin: c.origins.join(', '), value: c.text, by: `${outer.text} (${outer.origins.join(', ')})` });
    return !outer;
  });
  if (trusted.length === 0) {
    throw usage(`site "${site.name}" has no trusted server address: the rules would drop all SIP to its phones`, [
      ...unresolved.map(
        (u) =>
          `sites.${site.name}.${u.origin}: "${u.value}" is a hostname (not resolved); list its addresses in sites.${site.name}.trustedServers`,
      ),
    ]);
  }

  const phones: Network[] = [];
  for (const raw of options.phones ?? []) {
    const n = parseNetwork(raw);
    if (!n || n === 'hostname') throw usage(`--phones: "${raw}" is not an IPv4/IPv6 address or CIDR`);
    if (!phones.some((p) => p.family === n.family && p.text === n.text)) phones.push(n);
  }

  const { udp, tcp, notes } = sipPorts(site, devices, sitePolicy);
  const id = siteId(site.name);
  return {
    site: site.name,
    id,
    chain,
    trusted,
    phones,
    ports: { udp, tcp },
    portNotes: notes,
    rate: { perSecond: rate, burst: rate * 2 },
    logPrefix: `gg-sip-drop:${id}: `.slice(0, 28),
    unresolved,
    covered,
  };
}
