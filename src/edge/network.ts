/** Addresses, networks and port ranges as the edge renderers need them: parsed, compared, merged, printed. */
import ipaddr from 'ipaddr.js';

export interface Network {
  family: 4 | 6;
  /** network address, compact form */
  address: string;
  prefix: number;
  /** `address` for a single host, `address/prefix` otherwise */
  text: string;
}

export interface TrustedSource extends Network {
  /** where the config names it: `registrar`, `outboundProxy`, `trustedServers[2]` (several when repeated) */
  origins: string[];
}

export interface PortRange {
  from: number;
  /** inclusive */
  to: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** An IPv4/IPv6 address or CIDR → its network; 'hostname' for a DNS name; undefined for anything else. */
export function parseNetwork(raw: string): Network | 'hostname' | undefined {
  const text = raw.trim();
  if (text === '' || text.includes('%')) return undefined;
  const slash = text.indexOf('/');
  const addrPart = slash < 0 ? text : text.slice(0, slash);
  let family: 4 | 6;
  if (ipaddr.IPv4.isValidFourPartDecimal(addrPart)) family = 4;
  else if (addrPart.includes(':') && ipaddr.IPv6.isValid(addrPart)) family = 6;
  else return slash < 0 && HOSTNAME.test(text) && /[a-z]/i.test(text) ? 'hostname' : undefined;
  const max = family === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  const cidr = `${addrPart}/${prefix}`;
  const network = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  const address = network.toString();
  return { family, address, prefix, text: prefix === max ? address : `${address}/${prefix}` };
}

/** true when `inner` lies inside `outer` */
export function contains(outer: Network, inner: Network): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  return ipaddr.parse(inner.address).match(ipaddr.parse(outer.address), outer.prefix);
}

export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PortRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

export const rangeText = (r: PortRange, sep = '-'): string => (r.from === r.to ? String(r.from) : `${r.from}${sep}${r.to}`);

/** The plan's trusted sources and protected destinations of one address family. */
export function ofFamily<T extends Network>(items: readonly T[], family: 4 | 6): T[] {
  return items.filter((i) => i.family === family);
}
