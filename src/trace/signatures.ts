/**
 * How scanner traffic gives itself away (see shared vendor-facts §4 for where each signature was observed).
 * Only signatures that name attack or scanning tools are here; User-Agents of real softphones and devices that
 * community blocklists also carry (eyeBeam, X-Lite, Cisco, Linksys, …) are deliberately left out: they would flag
 * legitimate endpoints. Both lists are matched case-insensitively at the start of the User-Agent/Server value.
 */
import type { SipMessage } from './sip-parse.js';
import { uriParts } from './sip-parse.js';

export interface ScannerTool {
  /** what the report calls it */
  tool: string;
  /** lower-case prefixes of the User-Agent */
  prefixes: readonly string[];
}

export const SCANNER_TOOLS: readonly ScannerTool[] = [
  { tool: 'SIPVicious svmap/svwar/svcrack', prefixes: ['friendly-scanner', 'friendly-request', 'sipvicious'] },
  { tool: 'sipcli', prefixes: ['sipcli', 'sip-cli'] },
  { tool: 'VaxSIP SDK (mass dialler)', prefixes: ['vaxsipuseragent', 'vaxipuseragent'] },
  { tool: 'sipsak', prefixes: ['sipsak'] },
  { tool: 'SIPScan', prefixes: ['sip-scan', 'sipscan'] },
  { tool: 'smap', prefixes: ['smap'] },
  { tool: 'SiVuS', prefixes: ['sivus'] },
  { tool: 'SIP Army Knife', prefixes: ['siparmyknife'] },
  { tool: 'iWar', prefixes: ['iwar'] },
  { tool: 'sundayddr worm', prefixes: ['sundayaddr', 'sundayddr'] },
  { tool: 'pplsip', prefixes: ['pplsip'] },
  { tool: 'sippts (Pepelux)', prefixes: ['sipptk', 'sippts'] },
  { tool: 'random-string scanner', prefixes: ['fgfdhgfxjfhyjhkj', 'aaaaaaaa', 'a_b_c'] },
];

/** The scanner tool a User-Agent names, if any. */
export function scannerTool(userAgent: string): string | undefined {
  const ua = userAgent.trim().toLowerCase();
  if (!ua) return undefined;
  for (const t of SCANNER_TOOLS) if (t.prefixes.some((p) => ua.startsWith(p))) return t.tool;
  return undefined;
}

/** Hosts that appear in From/To/Contact only in scanner-made requests: svmap's default `sip:100@1.1.1.1`, RFC 3261's example hosts. */
const FAKE_HOSTS = ['1.1.1.1'];
const EXAMPLE_DOMAINS = ['atlanta.com', 'biloxi.com', 'chicago.com'];

export interface Signature {
  /** stable key for grouping */
  key: string;
  /** words for the report */
  text: string;
}

/** Every scanner signature a request carries. */
export function signaturesOf(msg: SipMessage): Signature[] {
  const out: Signature[] = [];
  const tool = scannerTool(msg.userAgent);
  if (tool)
    out.push({ key: `ua:${msg.userAgent.trim().toLowerCase()}`, text: `User-Agent "${msg.userAgent.trim().slice(0, 80)}" (${tool})` });
  for (const [name, value] of [
    ['From', msg.from],
    ['To', msg.to],
    ['Contact', msg.contact],
  ] as const) {
    if (!value) continue;
    const { host } = uriParts(value);
    if (FAKE_HOSTS.includes(host)) out.push({ key: `fake-host:${name}:${host}`, text: `${name} sip:…@${host} (SIPVicious default)` });
    else if (EXAMPLE_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`))) {
      out.push({ key: `example-host:${name}:${host}`, text: `${name} host ${host} (RFC 3261 example domain, used by scanners)` });
    }
  }
  return out;
}
