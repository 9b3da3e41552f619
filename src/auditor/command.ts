/**
 * `ghostguard audit` for the CLI: validates commander-style options, runs the audit, writes the report, and returns the
 * exit status — 0 clean, 1 a failing finding at or above --fail-on (default high, as for trace), 2 usage or runtime error,
 * and 2 for a run that audited nothing (no host answered) or stopped early (the report printed covers what it reached).
 */
import type Database from 'better-sqlite3';
import { GhostguardError, isGhostguardError } from '../model/errors.js';
import { DEFAULT_FAIL_ON, SEVERITY_ORDER, severityAtLeast, type Severity } from '../model/rules.js';
import { canonicalJson } from '../report/canonical-json.js';
import { reportToCsv } from '../report/csv.js';
import { reportToHtml } from '../report/html.js';
import { reportToText } from '../report/text-table.js';
import { AuditStore } from '../store/audit-store.js';
import { runAudit, type AuditDeps, type AuditOptions } from './audit.js';
import { parseCredentialsFile } from './credentials.js';
import type { AuditReport } from './findings.js';
import { progressBar, type ProgressStream } from './progress.js';

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
  credentials?: string;
  json?: boolean;
  csv?: boolean;
  html?: string;
  failOn?: string;
  store?: boolean;
  verbose?: boolean;
}

export interface AuditCommandIo extends Omit<AuditDeps, 'readFile' | 'onProgress' | 'auditStore'> {
  /** `columns`: the terminal's width when stdout is a terminal (text lines are cut to it); absent when piped */
  stdout: { write(text: string): unknown; columns?: number };
  stderr: ProgressStream;
  readFile(path: string): string;
  writeFile(path: string, data: string): void;
  /** where runs are stored (e.g. SqliteStore's `database`); omitted or --no-store: not stored */
  database?: Database.Database;
}

const usage = (message: string): GhostguardError => new GhostguardError('GG_ERR_USAGE', message);

function int(name: string, raw: string | number | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw usage(`--${name} must be a whole number from ${min} to ${max} (got "${text.slice(0, 20)}")`);
  return Number(text);
}

function ports(name: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const list = String(raw).split(',').map((p) => p.trim()).filter(Boolean);
  if (list.length > 16) throw usage(`--${name}: at most 16 ports`);
  return list.map((p) => int(name, p, 1, 65_535)!);
}

const strings = (raw: string | string[] | undefined): string[] | undefined =>
  raw === undefined ? undefined : (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);

function severity(raw: string | undefined): Severity {
  if (raw === undefined) return DEFAULT_FAIL_ON;
  if (!(SEVERITY_ORDER as readonly string[]).includes(raw)) throw usage(`--fail-on must be one of ${SEVERITY_ORDER.join(', ')}`);
  return raw as Severity;
}

/** Options → AuditOptions; throws GG_ERR_USAGE naming the bad option. */
export function toAuditOptions(o: AuditCommandOptions, readFile: (path: string) => string): AuditOptions {
  if (o.json && o.csv) throw usage('choose one of --json and --csv');
  const out: AuditOptions = {
    targets: o.targets, exclude: strings(o.exclude), maxHosts: int('max-hosts', o.maxHosts, 1, 16_777_216), allowed: strings(o.allow),
    sipPorts: ports('sip-ports', o.sipPorts), httpPorts: ports('http-ports', o.httpPorts), httpsPorts: ports('https-ports', o.httpsPorts),
    snmpPort: int('snmp-port', o.snmpPort, 1, 65_535), communities: strings(o.community),
    concurrency: int('concurrency', o.concurrency, 1, 1024), rate: int('rate', o.rate, 1, 100_000),
    hostGapMs: int('host-gap', o.hostGap, 0, 60_000), timeoutMs: int('timeout', o.timeout, 50, 60_000), retries: int('retries', o.retries, 0, 5),
    staleDays: int('stale-days', o.staleDays, 1, 3650), intrusive: o.intrusive === true, defaultLogin: o.defaultLogin !== false,
    plainHttpLogin: o.plainHttpLogin === true,
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

export function exitStatus(report: AuditReport, failOn: Severity): 0 | 1 {
  return report.hosts.some((h) => h.findings.some((f) => f.state === 'fail' && severityAtLeast(f.severity, failOn))) ? 1 : 0;
}

export async function runAuditCommand(options: AuditCommandOptions, io: AuditCommandIo): Promise<number> {
  const progress = progressBar(io.stderr);
  try {
    const failOn = severity(options.failOn);
    const auditOptions = toAuditOptions(options, io.readFile);
    const auditStore = io.database && options.store !== false ? new AuditStore(io.database) : undefined;
    const deps: AuditDeps = {
      vendors: io.vendors, inventory: io.inventory, store: io.store, dispatcher: io.dispatcher, http: io.http, udp: io.udp, snmp: io.snmp,
      neighbours: io.neighbours, clock: io.clock, resolveHost: io.resolveHost, signal: io.signal, readFile: io.readFile, auditStore,
      onProgress: (p) => progress.update(p),
    };
    const report = await runAudit(auditOptions, deps);
    progress.finish();
    if (options.json) io.stdout.write(canonicalJson(report));
    else if (options.csv) io.stdout.write(reportToCsv(report));
    else io.stdout.write(reportToText(report, { verbose: options.verbose, width: io.stdout.columns }));
    if (options.html) io.writeFile(options.html, reportToHtml(report));
    if (report.incomplete) {
      io.stderr.write(`ghostguard audit: incomplete: ${report.incomplete}; the report covers the hosts reached before it stopped\n`);
      return 2;
    }
    if (report.summary.hostsResponsive === 0) {
      io.stderr.write(`ghostguard audit: no host answered any probe (${report.summary.hostsScanned} scanned): nothing was audited — check the targets, the ports and the network path\n`);
      return 2;
    }
    return exitStatus(report, failOn);
  } catch (err) {
    progress.finish();
    const text = isGhostguardError(err) ? `${err.code}: ${err.message}` : `unexpected error: ${(err as Error).message ?? String(err)}`;
    io.stderr.write(`ghostguard audit: ${text}\n`);
    return 2;
  }
}
