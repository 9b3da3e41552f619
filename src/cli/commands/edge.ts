/**
 * `ghostguard edge --site <site> --format nftables|iptables|ip6tables|pf|mikrotik`: firewall rules for the gateway
 * (or host) in front of a site's phones that admit SIP only from the site's trusted servers, rate-limited.
 * Read-only: it needs the configuration, not the state database or the master key. Nothing is resolved: a hostname
 * among the trusted servers is left out of the rules, marked in the output and on stderr, and the exit status is 1.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildEdgePlan, EDGE_CHAINS, EDGE_FORMATS, renderEdge, type EdgeChain, type EdgeFormat } from '../../edge/index.js';
import { GhostguardError } from '../../model/errors.js';
import { Inventory } from '../../model/inventory.js';
import type { VendorAdapter } from '../../model/vendor-contract.js';
import { loadConfig, vendors } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface EdgeOptions {
  config?: string;
  site?: string;
  format?: string;
  chain?: string;
  /** comma-separated addresses or CIDRs */
  phones?: string;
  rate?: number;
  output?: string;
}

const usage = (message: string) => new GhostguardError('GG_ERR_USAGE', message);

/** one local SIP port per account when the adapter says so (sipPortPerAccount); otherwise the accounts share one */
function accountPorts(vendor: VendorAdapter | undefined, model: string): number {
  return vendor?.sipPortPerAccount ? (vendor.models.find((m) => m.id === model)?.accounts ?? 1) : 1;
}

export function edgeCommand(options: EdgeOptions, io: CliIo): number {
  const format = (options.format ?? 'nftables') as EdgeFormat;
  if (!EDGE_FORMATS.includes(format)) throw usage(`--format must be one of ${EDGE_FORMATS.join(', ')} (got "${options.format}")`);
  const chain = (options.chain ?? 'forward') as EdgeChain;
  if (!EDGE_CHAINS.includes(chain)) throw usage(`--chain must be forward or input (got "${options.chain}")`);

  const { config } = loadConfig(options, io);
  const known = Object.keys(config.sites);
  if (!options.site) throw usage(`give --site <site> (sites: ${known.join(', ') || 'none'})`);
  const site = config.sites[options.site];
  if (!site) throw usage(`unknown site "${options.site}" (sites: ${known.join(', ') || 'none'})`);

  // Only policyFor is used; the key is a throwaway so no secret this command could derive means anything.
  const inventory = new Inventory(config, { masterKey: randomBytes(32), env: {} }, 0);
  const devices = inventory.devices
    .filter((d) => d.site === site.name)
    .map((d) => ({
      policy: inventory.policyFor(d),
      accountPorts: accountPorts(
        vendors.find((v) => v.id === d.vendor),
        d.model,
      ),
    }));
  const sitePolicy = inventory.policyFor({ model: '', site: site.name, policy: {} });
  const phones = options.phones
    ?.split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const plan = buildEdgePlan(site, devices, sitePolicy, { chain, phones, rate: options.rate });
  const text = renderEdge(plan, format);

  if (options.output) {
    const file = resolve(io.cwd, options.output);
    writeFileSync(file, text, { mode: 0o644 });
    io.err(`${file}: ${format} rules for site "${site.name}" (${plan.trusted.length} trusted source(s), ${plan.chain} chain)\n`);
  } else {
    io.out(text);
  }
  for (const u of plan.unresolved) {
    io.err(
      `warning: sites.${site.name}.${u.origin} "${u.value}" is a hostname and is not admitted (nothing is resolved); list its addresses in sites.${site.name}.trustedServers\n`,
    );
  }
  return plan.unresolved.length > 0 ? EXIT.findings : EXIT.ok;
}
