/** Sites and plans shared by the edge tests. Documentation ranges only (RFC 5737, RFC 3849). */
import { buildEdgePlan, type PlanDevice, type PlanOptions } from '../../src/edge/plan.js';
import type { PolicyLayer, Site } from '../../src/model/config-types.js';
import { resolvePolicy } from '../../src/model/policy.js';

export function site(overrides: Partial<Site> = {}): Site {
  return {
    name: 'hq',
    registrar: '198.51.100.10',
    outboundProxy: '2001:db8::5',
    trustedServers: ['198.51.100.0/24', '203.0.113.7'],
    transport: 'udp',
    policy: {},
    ...overrides,
  };
}

export function device(layer: PolicyLayer = {}, accountPorts = 1): PlanDevice {
  return { policy: resolvePolicy([layer]), accountPorts };
}

export const sitePolicy = (layer: PolicyLayer = {}) => resolvePolicy([layer]);

/** a site with every feature the renderers must express: both families, a CIDR, TLS, a second base port, accounts */
export function richPlan(options: PlanOptions = {}) {
  return buildEdgePlan(
    site({ transport: 'tls' }),
    [device({ 'sip-port-nonstandard': { enabled: true, port: 5080 } }, 4), device()],
    sitePolicy(),
    options,
  );
}
