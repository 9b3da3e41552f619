/** Addresses in the trace analysis: one spelling per address (so `::ffff:127.0.0.1` and `127.0.0.1` meet), and report order. */
import ipaddr from 'ipaddr.js';

export function ipLiteral(host: string): boolean {
  return ipaddr.isValid(host) && (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':'));
}

export function normalise(addr: string): string {
  try {
    return ipaddr.process(addr).toString();
  } catch {
    return addr.toLowerCase();
  }
}

/** IPv4 before IPv6, each in numeric order; names last. */
export function compareAddr(a: string, b: string): number {
  const ka = addrKey(a);
  const kb = addrKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function addrKey(a: string): string {
  if (ipaddr.isValid(a)) {
    const p = ipaddr.process(a);
    return `${p.kind() === 'ipv4' ? 4 : 6}:${p
      .toByteArray()
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('')}`;
  }
  return `9:${a}`;
}
