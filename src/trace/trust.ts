/**
 * Who is trusted (may make phones ring):
 *  - the registrar, outbound proxy and trusted servers of every site in the config (`--config`), and `--trusted`
 *    addresses or CIDR ranges;
 *  - only when neither is given, a heuristic from the capture itself: hosts that answered a REGISTER with 2xx, 401 or
 *    407 (registrars) and hosts whose REGISTER was accepted with 2xx (registered phones). Everyone else — in particular
 *    anything that never registered anywhere — is untrusted;
 *  - a source showing scanner signatures is never trusted (the analysis applies that one).
 */
import ipaddr from 'ipaddr.js';
import { normalise } from './addresses.js';

export type TrustSource = 'config' | 'option' | 'inferred-registrar' | 'inferred-registered';

export interface TrustedEntry {
  /** an address, a CIDR range, or (from a config) a host name, matched literally */
  address: string;
  source: TrustSource;
  /** where it came from, e.g. `site hq registrar` */
  note?: string;
}

export interface TrustResolution {
  /** the configured entries, then the inferred ones */
  trusted: TrustedEntry[];
  /** inferred registrars */
  servers: Set<string>;
  /** inferred registrars and registered phones */
  trustedSources: Set<string>;
}

export class TrustTracker {
  private readonly registrars = new Map<string, number>();
  private readonly registered = new Map<string, number>();
  private readonly cache = new Map<string, TrustedEntry | null>();
  private readonly matchers: { entry: TrustedEntry; test: (a: string) => boolean }[];

  /** `infer`: learn registrars and registered phones from the REGISTER transactions in the capture */
  constructor(
    private readonly configured: readonly TrustedEntry[],
    private readonly infer: boolean,
  ) {
    this.matchers = configured.map((entry) => ({ entry, test: matcher(entry.address) }));
  }

  /** A response from `responder` to a REGISTER that `sender` sent. */
  register(responder: string, sender: string, status: number, packet: number): void {
    if ((status >= 200 && status < 300) || status === 401 || status === 407) bump(this.registrars, responder, packet);
    if (status >= 200 && status < 300) bump(this.registered, sender, packet);
  }

  isRegistered(addr: string): boolean {
    return this.registered.has(addr);
  }

  /** The configured trust entry an address falls under. */
  configuredTrust(addr: string): TrustedEntry | undefined {
    let hit = this.cache.get(addr);
    if (hit === undefined) {
      hit = this.matchers.find((m) => m.test(addr))?.entry ?? null;
      if (this.cache.size < 65_536) this.cache.set(addr, hit);
    }
    return hit ?? undefined;
  }

  resolve(): TrustResolution {
    const trusted: TrustedEntry[] = [...this.configured];
    const servers = new Set<string>();
    const trustedSources = new Set<string>();
    if (this.infer) {
      for (const [addr, packet] of this.registrars) {
        trusted.push({ address: addr, source: 'inferred-registrar', note: `answered a REGISTER (#${packet})` });
        servers.add(addr);
        trustedSources.add(addr);
      }
      for (const [addr, packet] of this.registered) {
        if (servers.has(addr)) continue;
        trusted.push({ address: addr, source: 'inferred-registered', note: `registered (#${packet})` });
        trustedSources.add(addr);
      }
    }
    return { trusted, servers, trustedSources };
  }
}

function bump(map: Map<string, number>, addr: string, packet: number): void {
  if (!map.has(addr) && map.size < 4096) map.set(addr, packet);
}

function matcher(spec: string): (a: string) => boolean {
  const s = spec.trim();
  if (s.includes('/') && ipaddr.isValidCIDR(s)) {
    const [range, bits] = ipaddr.parseCIDR(s);
    return (a) => {
      if (!ipaddr.isValid(a)) return false;
      const addr = ipaddr.process(a);
      return addr.kind() === range.kind() && addr.match(range, bits);
    };
  }
  if (ipaddr.isValid(s)) {
    const want = normalise(s);
    return (a) => a === want;
  }
  const name = s.toLowerCase();
  return (a) => a === name;
}
