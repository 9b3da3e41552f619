/** The audit's defaults, and the SIP ports and SNMP communities the inventory's policy layers add to a run. */
import type { Inventory } from '../model/inventory.js';

export const AUDIT_DEFAULTS = {
  httpPorts: [80],
  httpsPorts: [443],
  snmpPort: 161,
  concurrency: 32,
  rate: 200,
  hostGapMs: 20,
  timeoutMs: 1000,
  retries: 1,
  maxDurationMs: 60 * 60_000,
  staleDays: 14,
} as const;

/** 5060 plus every port the inventory's policy layers ask for (sip-port-nonstandard), at most 8. */
export function policySipPorts(inventory?: Inventory): number[] {
  const ports = new Set<number>([5060]);
  const c = inventory?.config;
  const layers = c
    ? [c.fleetPolicy, ...Object.values(c.sites).map((s) => s.policy), ...Object.values(c.modelPolicy), ...c.devices.map((d) => d.policy)]
    : [];
  for (const layer of layers) {
    const port = layer['sip-port-nonstandard']?.port;
    if (port !== undefined) ports.add(port);
  }
  return [...ports].slice(0, 8);
}

/** Communities the inventory's policy gives SNMP (snmp-locked, restricted mode), so the audit can see who answers to them. */
export function policyCommunities(inventory?: Inventory): string[] {
  const c = inventory?.config;
  const layers = c
    ? [c.fleetPolicy, ...Object.values(c.sites).map((s) => s.policy), ...Object.values(c.modelPolicy), ...c.devices.map((d) => d.policy)]
    : [];
  return [...new Set(layers.map((l) => l['snmp-locked']?.community).filter((x): x is string => !!x))].slice(0, 4);
}
