/** The kernel's neighbour (ARP) table: IP → MAC for hosts on the same LAN. Read at most once a second. */
import { readFile } from 'node:fs/promises';
import { isUnicastMac, parseMac, type Mac } from '../model/mac.js';
import type { Clock } from './scheduler.js';

/** Parses /proc/net/arp: `IP address  HW type  Flags  HW address  Mask  Device`; only complete entries (flag 0x2). */
export function parseArpTable(text: string): Map<string, Mac> {
  const out = new Map<string, Mac>();
  for (const line of text.split('\n').slice(1, 100_001)) {
    const [ip, , flags, hw] = line.trim().split(/\s+/);
    if (!ip || !flags || !hw) continue;
    if ((parseInt(flags, 16) & 0x2) === 0) continue;
    const mac = parseMac(hw);
    if (mac && isUnicastMac(mac)) out.set(ip, mac);
  }
  return out;
}

export type NeighbourLookup = (ip: string) => Promise<Mac | undefined>;

export function neighbourTable(clock: Clock, read: () => Promise<string> = () => readFile('/proc/net/arp', 'utf8')): NeighbourLookup {
  let cached: Map<string, Mac> | undefined;
  let at = -Infinity;
  let pending: Promise<Map<string, Mac>> | undefined;
  const refresh = async (): Promise<Map<string, Mac>> => {
    try {
      return parseArpTable(await read());
    } catch {
      return new Map();
    }
  };
  return async (ip) => {
    if (!cached || clock.now() - at > 1000) {
      pending ??= refresh().finally(() => {
        pending = undefined;
      });
      cached = await pending;
      at = clock.now();
    }
    return cached.get(ip);
  };
}
