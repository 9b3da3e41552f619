/**
 * `check <ip|mac>`: one handset, one answer. Resolves a MAC to its last fetch address, audits that one host — with the
 * non-ringing INVITE probe whenever SIP answers, unless `safe` — and joins the result with the inventory and the
 * provisioning history. Used by the CLI and the dashboard.
 */
import ipaddr from 'ipaddr.js';
import { runAudit, type AuditDeps, type AuditOptions } from '../auditor/audit.js';
import { CHECK_TITLES, type CheckId, type Finding, type HostReport } from '../auditor/findings.js';
import type { GhostCall } from '../model/ghost-call.js';
import { GhostguardError } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { macWithColons, parseMac, type Mac } from '../model/mac.js';
import type { Severity } from '../model/rules.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import { RenderService } from '../provisioning/render-service.js';
import type { AuditRunStore } from '../store/store.js';
import type { Store } from '../store/store.js';
import { provisioningStatus, type ProvisioningStatus } from './provisioning-status.js';
import { noAddressVerdict, verdictFor, type Verdict } from './verdict.js';

export type CheckTarget = { kind: 'mac'; mac: Mac; text: string } | { kind: 'ip'; ip: string; text: string };

export function parseCheckTarget(input: string): CheckTarget {
  const text = input.trim().slice(0, 64);
  const mac = parseMac(text);
  if (mac) return { kind: 'mac', mac, text: macWithColons(mac) };
  if (ipaddr.IPv4.isValidFourPartDecimal(text) || (text.includes(':') && ipaddr.IPv6.isValid(text))) {
    return { kind: 'ip', ip: ipaddr.parse(text).toString(), text };
  }
  throw new GhostguardError(
    'GG_ERR_TARGET_INVALID',
    `"${text}" is neither an IP address nor a MAC address (give one handset, e.g. 127.0.1.5 or 00:15:65:12:34:56)`,
  );
}

export interface CheckFailure {
  check: CheckId;
  title: string;
  severity: Severity;
  evidence: string[];
  fix: string[];
}

export interface CheckResult {
  format: 'ghostguard-check';
  version: 1;
  /** what was asked, normalized */
  target: string;
  /** the address audited */
  host?: string;
  addressFrom?: 'given' | 'fetch-history';
  checkedAt: string;
  durationMs: number;
  phone: {
    mac?: string;
    macSource?: string;
    vendor?: string;
    model?: string;
    firmware?: string;
    site?: string;
    extensions: string[];
    names: string[];
    inInventory: boolean;
    disabled?: boolean;
  };
  verdict: Verdict;
  /** the ghost-call verdict, as in the audit JSON (absent when nothing answered or the address is unknown) */
  ghostCall?: GhostCall;
  /** whether the non-ringing INVITE probe was sent, to which users, or why not */
  inviteProbe: { sent: boolean; users: string[]; note: string };
  failures: CheckFailure[];
  findings: Finding[];
  probes: string[];
  provisioning: ProvisioningStatus;
  notes: string[];
  /** the stored audit run, when the check was recorded */
  runId?: number;
}

export interface CheckDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  store: Pick<Store, 'fetchHistory' | 'lastFetchBySource' | 'credentials'>;
  /** record the check as an audit run of one host */
  auditStore?: AuditRunStore;
  renderer?: RenderService;
  /** probe settings (ports, timeouts, allowed ranges); targets, intrusive and concurrency are the check's own */
  auditOptions?: Partial<Omit<AuditOptions, 'targets' | 'intrusive'>>;
  /** the audit entry point (tests inject a fake) */
  audit?: (options: AuditOptions, deps: AuditDeps) => ReturnType<typeof runAudit>;
  auditDeps?: Partial<Omit<AuditDeps, 'vendors' | 'inventory' | 'store' | 'auditStore'>>;
  /** skip the non-ringing INVITE probe (OPTIONS, web and SNMP only) */
  safe?: boolean;
  now?: () => Date;
}

/** Quicker than a fleet audit: a technician is waiting. */
export const CHECK_DEFAULTS = { timeoutMs: 700, retries: 1, hostGapMs: 10 } as const;

export async function checkHandset(input: string, deps: CheckDeps): Promise<CheckResult> {
  const started = Date.now();
  const now = deps.now ?? (() => new Date());
  const target = parseCheckTarget(input);
  const inventory = deps.inventory();
  const renderer = deps.renderer ?? new RenderService(4 * 1024 * 1024);
  const notes: string[] = [];
  let host: string | undefined;
  let addressFrom: CheckResult['addressFrom'];
  let mac: Mac | undefined;
  if (target.kind === 'mac') {
    mac = target.mac;
    const last = (await deps.store.fetchHistory(mac, 1))[0];
    if (last) {
      host = last.source;
      addressFrom = 'fetch-history';
      notes.push(`address ${host} taken from its last fetch (${last.file} at ${last.ts})`);
    }
  } else {
    host = target.ip;
    addressFrom = 'given';
  }
  const base = async (verdict: Verdict, report?: HostReport): Promise<CheckResult> => {
    const m = (report?.mac as Mac | undefined) ?? mac;
    const device = m ? inventory.device(m) : undefined;
    const history = m ? await deps.store.fetchHistory(m, 50) : [];
    const provisioning = await provisioningStatus({ vendors: deps.vendors, inventory, store: deps.store, renderer }, history);
    const firmwareFromUa = provisioning.files.find((f) => f.firmware)?.firmware;
    const phone: CheckResult['phone'] = {
      extensions: device?.lines.map((l) => l.extension) ?? [],
      names: device?.lines.map((l) => l.displayName ?? l.extension) ?? [],
      inInventory: !!device,
    };
    if (m) phone.mac = macWithColons(m);
    if (report?.macSource) phone.macSource = report.macSource;
    const vendor = report?.vendor ?? device?.vendor;
    if (vendor) phone.vendor = vendor;
    const model = report?.model ?? device?.model;
    if (model) phone.model = model;
    const firmware = report?.firmware ?? firmwareFromUa;
    if (firmware) phone.firmware = firmware;
    if (device) {
      phone.site = device.site;
      if (device.disabled) phone.disabled = true;
    }
    const findings = report?.findings ?? [];
    const result: CheckResult = {
      format: 'ghostguard-check',
      version: 1,
      target: target.text,
      checkedAt: now().toISOString(),
      durationMs: 0,
      phone,
      verdict,
      findings,
      probes: report?.probes ?? [],
      provisioning,
      notes,
      inviteProbe: inviteProbeOf(report, deps.safe === true),
      failures: findings
        .filter((f) => f.state === 'fail')
        .map((f) => ({ check: f.check, title: CHECK_TITLES[f.check], severity: f.severity, evidence: f.evidence, fix: f.fix })),
    };
    if (host) result.host = host;
    if (addressFrom) result.addressFrom = addressFrom;
    if (report) result.ghostCall = report.ghostCall;
    return result;
  };
  if (!host) {
    const result = await base(noAddressVerdict(target.text, !!(mac && inventory.device(mac))));
    result.durationMs = Date.now() - started;
    return result;
  }
  const audit = deps.audit ?? runAudit;
  const options: AuditOptions = {
    ...CHECK_DEFAULTS,
    ...deps.auditOptions,
    targets: [host],
    maxHosts: 1,
    concurrency: 1,
    intrusive: deps.safe !== true,
    ...(deps.safe ? { inviteNotSent: 'check --safe' } : {}),
  };
  const report = await audit(options, {
    ...deps.auditDeps,
    vendors: deps.vendors,
    inventory,
    store: deps.store,
    ...(deps.auditStore ? { auditStore: deps.auditStore } : {}),
  });
  const hostReport = report.hosts.find((h) => h.host === host) ?? report.hosts[0];
  if (target.kind === 'mac' && hostReport?.mac && hostReport.mac !== target.mac) {
    notes.push(
      `the device now answering at ${host} reports MAC ${macWithColons(hostReport.mac as Mac)}, not ${target.text}: the address may belong to another device now`,
    );
  }
  if (target.kind === 'ip' && !hostReport?.mac) {
    const fetched = await deps.store.lastFetchBySource(host);
    if (fetched) {
      mac = fetched.mac as Mac;
      notes.push(`MAC ${macWithColons(mac)} from the last fetch made from ${host} (${fetched.ts})`);
    }
  }
  const result = await base(verdictFor(host, hostReport), hostReport);
  if (report.runId !== undefined) result.runId = report.runId;
  if (report.incomplete) notes.push(`audit incomplete: ${report.incomplete}`);
  result.durationMs = Date.now() - started;
  return result;
}

function inviteProbeOf(report: HostReport | undefined, safe: boolean): CheckResult['inviteProbe'] {
  const users = report?.invitedUsers ?? [];
  if (users.length > 0)
    return {
      sent: true,
      users,
      note: `sent the non-ringing INVITE probe to ${users.join(', ')} (unsupported Require:; CANCELled if the phone alerts anyway)`,
    };
  if (safe) return { sent: false, users: [], note: 'not sent (--safe): OPTIONS, web and SNMP probes only' };
  return { sent: false, users: [], note: report ? 'not sent: no SIP port answered' : 'not sent: nothing answered' };
}
