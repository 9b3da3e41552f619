/**
 * The audit's options as the CLI, the dashboard form and the JSON API hand them over (strings and flags), validated
 * and turned into AuditOptions by one parser, so every surface accepts and refuses the same values.
 */
import { GhostguardError } from '../model/errors.js';
import type { AuditOptions } from './audit.js';
import { parseCredentialsFile } from './credentials.js';

/** As commander hands them over: strings for values, booleans for flags (`--no-default-login` → defaultLogin: false). */
export interface AuditCommandOptions {
  targets: string[];
  exclude?: string | string[];
  maxHosts?: string | number;
  allow?: string | string[];
  sipPorts?: string;
  httpPorts?: string;
  httpsPorts?: string;
  snmpPort?: string | number;
  community?: string | string[];
  concurrency?: string | number;
  rate?: string | number;
  hostGap?: string | number;
  timeout?: string | number;
  retries?: string | number;
  maxDuration?: string | number;
  staleDays?: string | number;
  intrusive?: boolean;
  defaultLogin?: boolean;
  plainHttpLogin?: boolean;
  sshPorts?: string;
  credentials?: string;
  json?: boolean;
  csv?: boolean;
  html?: string;
  failOn?: string;
  store?: boolean;
  verbose?: boolean;
}

const usage = (message: string): GhostguardError => new GhostguardError('GG_ERR_USAGE', message);

function int(name: string, raw: string | number | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw usage(`--${name} must be a whole number from ${min} to ${max} (got "${text.slice(0, 20)}")`);
  return Number(text);
}

function ports(name: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const list = String(raw)
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (list.length > 16) throw usage(`--${name}: at most 16 ports`);
  return list.map((p) => int(name, p, 1, 65_535)!);
}

const strings = (raw: string | string[] | undefined): string[] | undefined =>
  raw === undefined
    ? undefined
    : (Array.isArray(raw) ? raw : [raw])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean);

/** Options → AuditOptions; throws GG_ERR_USAGE naming the bad option. */
export function toAuditOptions(o: AuditCommandOptions, readFile: (path: string) => string): AuditOptions {
  if (o.json && o.csv) throw usage('choose one of --json and --csv');
  const out: AuditOptions = {
    targets: o.targets,
    exclude: strings(o.exclude),
    maxHosts: int('max-hosts', o.maxHosts, 1, 16_777_216),
    allowed: strings(o.allow),
    sipPorts: ports('sip-ports', o.sipPorts),
    httpPorts: ports('http-ports', o.httpPorts),
    httpsPorts: ports('https-ports', o.httpsPorts),
    snmpPort: int('snmp-port', o.snmpPort, 1, 65_535),
    communities: strings(o.community),
    concurrency: int('concurrency', o.concurrency, 1, 1024),
    rate: int('rate', o.rate, 1, 100_000),
    hostGapMs: int('host-gap', o.hostGap, 0, 60_000),
    timeoutMs: int('timeout', o.timeout, 50, 60_000),
    retries: int('retries', o.retries, 0, 5),
    staleDays: int('stale-days', o.staleDays, 1, 3650),
    intrusive: o.intrusive === true,
    defaultLogin: o.defaultLogin !== false,
    plainHttpLogin: o.plainHttpLogin === true,
    sshPorts: ports('ssh-ports', o.sshPorts),
  };
  const seconds = int('max-duration', o.maxDuration, 1, 86_400);
  if (seconds !== undefined) out.maxDurationMs = seconds * 1000;
  if (o.credentials) {
    let text: string;
    try {
      text = readFile(o.credentials);
    } catch (err) {
      throw usage(`--credentials: cannot read ${o.credentials} (${(err as Error).message})`);
    }
    const file = parseCredentialsFile(text);
    out.credentials = file.logins;
    if (file.communities.length) out.communities = [...(out.communities ?? ['public', 'private']), ...file.communities];
  }
  for (const key of Object.keys(out) as (keyof AuditOptions)[]) if (out[key] === undefined) delete out[key];
  return out;
}
