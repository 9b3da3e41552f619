/**
 * What changed between two runs of one scheduled audit, in the three kinds worth waking someone for. Pure.
 *
 * A run's findings are grouped per host (one device per answering address). A device of this run is the same device as
 * one of the previous run when both know the same MAC; otherwise when they share the address (and the previous one's
 * MAC, if it had one, is not contradicted). Then:
 *
 *  - `newly-exposed`: the host's stored ghost-call verdict (src/model/ghost-call.ts) moved into `rings` or
 *    `likely-rings` — from refuses, ignores or unknown, or the device was not there (a new host answering that rings).
 *  - `new-unknown-device`: the auditor's inventory check fails now and did not before (a MAC not in the inventory, a
 *    canary, a different vendor than listed), or a host absent from the previous run answers and cannot be tied to an
 *    inventory device at all (unidentified, or its MAC is unknown).
 *  - `gone-stale`: the auditor's drift check (config-drift) fails now and did not before (ghostguard would now serve
 *    something different, the last fetch is too old, or settings were changed on the phone after its fetch), or a phone
 *    that answered in the previous run stopped answering altogether (no SIP, web or SNMP answer; only judged when this
 *    run scanned every target).
 */
import type { GhostCall } from '../model/ghost-call.js';
import { GHOST_CALL_RULES, isExposed } from '../model/ghost-call-words.js';
import { GHOST_CALL_ROW, ghostCallOfRow } from '../store/audit-store.js';
import type { StoredFinding } from '../store/store.js';

export const CHANGE_KINDS = ['newly-exposed', 'new-unknown-device', 'gone-stale'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ScheduleChange {
  kind: ChangeKind;
  host: string;
  mac?: string;
  vendor?: string;
  model?: string;
  /** the checks behind the change (absent for a phone that stopped answering) */
  rules?: string[];
  /** facts from the auditor's findings (secrets are masked there), a few lines per rule */
  evidence: string[];
}

export interface Device {
  host: string;
  mac?: string;
  vendor?: string;
  model?: string;
  findings: Map<string, StoredFinding>;
}

export interface ChangeOptions {
  /** the current run scanned every target (a run stopped early cannot tell a silent phone from one not reached) */
  complete: boolean;
  previousRunId?: number;
  /** most changes in one result; the rest are counted in `truncated` */
  limit?: number;
}

export interface ChangeResult {
  changes: ScheduleChange[];
  truncated: number;
}

const EVIDENCE_PER_RULE = 3;
const EVIDENCE_CHARS = 300;

/** One device per host; identity fields from whichever finding carries them. */
export function devicesOf(findings: readonly StoredFinding[]): Device[] {
  const byHost = new Map<string, Device>();
  for (const f of findings) {
    let d = byHost.get(f.host);
    if (!d) byHost.set(f.host, (d = { host: f.host, findings: new Map() }));
    d.mac ??= f.mac;
    d.vendor ??= f.vendor;
    d.model ??= f.model;
    if (!d.findings.has(f.rule)) d.findings.set(f.rule, f);
  }
  return [...byHost.values()];
}

const failing = (d: Device | undefined, rule: string): boolean => d?.findings.get(rule)?.state === 'fail';

const ghostCallOf = (d: Device | undefined): GhostCall | undefined => ghostCallOfRow(d?.findings.get(GHOST_CALL_ROW));

const exposed = (d: Device | undefined): boolean => isExposed(ghostCallOf(d)?.verdict);

/** Devices whose ghost-call verdict is rings or likely-rings: the trend's "exposed phones". */
export function exposedCount(findings: readonly StoredFinding[]): number {
  return devicesOf(findings).filter((d) => exposed(d)).length;
}

/** Devices the inventory check fails for. */
export function unknownDeviceCount(findings: readonly StoredFinding[]): number {
  return devicesOf(findings).filter((d) => failing(d, 'device-inventory')).length;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > EVIDENCE_CHARS ? `${oneLine.slice(0, EVIDENCE_CHARS - 1)}…` : oneLine;
}

function evidenceOf(d: Device, rule: string): string[] {
  const f = d.findings.get(rule);
  if (!f) return [];
  return f.evidence.slice(0, EVIDENCE_PER_RULE).map((e) => clip(`${rule}: ${e}`));
}

class Matcher {
  private readonly byMac = new Map<string, Device>();
  private readonly byHost = new Map<string, Device>();

  constructor(devices: readonly Device[]) {
    for (const d of devices) {
      if (d.mac && !this.byMac.has(d.mac)) this.byMac.set(d.mac, d);
      this.byHost.set(d.host, d);
    }
  }

  /** the same device in the other run, if any */
  find(d: Device): Device | undefined {
    if (d.mac) {
      const same = this.byMac.get(d.mac);
      if (same) return same;
      const there = this.byHost.get(d.host);
      return there && !there.mac ? there : undefined;
    }
    return this.byHost.get(d.host);
  }
}

function identity(d: Device): Pick<ScheduleChange, 'host' | 'mac' | 'vendor' | 'model'> {
  return {
    host: d.host,
    ...(d.mac ? { mac: d.mac } : {}),
    ...(d.vendor ? { vendor: d.vendor } : {}),
    ...(d.model ? { model: d.model } : {}),
  };
}

/** The changes from `before` (the previous run's findings) to `after` (this run's), in kind order, then by host. */
export function auditChanges(before: readonly StoredFinding[], after: readonly StoredFinding[], options: ChangeOptions): ChangeResult {
  const was = devicesOf(before);
  const now = devicesOf(after);
  const previous = new Matcher(was);
  const current = new Matcher(now);
  const since = options.previousRunId !== undefined ? `run #${options.previousRunId}` : 'the previous run';
  const out: ScheduleChange[] = [];

  for (const d of now) {
    const p = previous.find(d);
    if (exposed(d) && !exposed(p)) {
      const current = ghostCallOf(d)!;
      const was = ghostCallOf(p)?.verdict;
      const lead = p
        ? was
          ? `ghost call: ${was} in ${since}, ${current.verdict} now`
          : `ghost call: ${current.verdict} now`
        : `not seen in ${since}; ghost call: ${current.verdict}`;
      const why = GHOST_CALL_RULES.filter((rule) => failing(d, rule));
      out.push({
        kind: 'newly-exposed',
        ...identity(d),
        rules: [GHOST_CALL_ROW, ...why],
        evidence: [lead, ...current.evidence.slice(0, EVIDENCE_PER_RULE).map(clip)],
      });
    }
    const inventory = d.findings.get('device-inventory');
    if (failing(d, 'device-inventory') && !failing(p, 'device-inventory')) {
      out.push({ kind: 'new-unknown-device', ...identity(d), rules: ['device-inventory'], evidence: evidenceOf(d, 'device-inventory') });
    } else if (!p && inventory?.state !== 'pass' && inventory?.state !== 'fail') {
      const why = d.findings.get('device-identity');
      const reason =
        inventory?.state === 'unknown'
          ? 'its MAC address is not known, so it cannot be matched to the inventory'
          : 'it was not identified as a supported phone';
      out.push({
        kind: 'new-unknown-device',
        ...identity(d),
        rules: [inventory ? 'device-inventory' : 'device-identity'],
        evidence: [`a host not seen in ${since} answers; ${reason}`, ...(why ? evidenceOf(d, 'device-identity') : [])],
      });
    }
    if (p && failing(d, 'config-drift') && p.findings.has('config-drift') && !failing(p, 'config-drift')) {
      out.push({ kind: 'gone-stale', ...identity(d), rules: ['config-drift'], evidence: evidenceOf(d, 'config-drift') });
    }
  }

  if (options.complete) {
    for (const p of was) {
      if (!p.vendor || current.find(p)) continue;
      out.push({
        kind: 'gone-stale',
        ...identity(p),
        evidence: [`answered in ${since} as ${[p.vendor, p.model].filter(Boolean).join(' ')}; no SIP, web or SNMP answer in this run`],
      });
    }
  }

  const order = (c: ScheduleChange) => CHANGE_KINDS.indexOf(c.kind);
  out.sort((a, b) => order(a) - order(b) || compareHosts(a.host, b.host));
  const limit = options.limit ?? 500;
  return { changes: out.slice(0, limit), truncated: Math.max(0, out.length - limit) };
}

/** Numeric order for IPv4 addresses, text order otherwise. */
function compareHosts(a: string, b: string): number {
  const na = a.split('.').map(Number);
  const nb = b.split('.').map(Number);
  if (na.length === 4 && nb.length === 4 && [...na, ...nb].every(Number.isInteger)) {
    for (let i = 0; i < 4; i++) if (na[i] !== nb[i]) return na[i]! - nb[i]!;
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
