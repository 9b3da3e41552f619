/** Firmware in known-vulnerable ranges: the `firmware-current` rule. */
import type { Severity } from '../model/rules.js';
import { compareVersions, parseVersion } from '../model/firmware-version.js';

export interface VulnerableRange {
  id: string;
  vendor: string;
  models: RegExp;
  /** newest affected version (inclusive) */
  lastAffected: string;
  fixedIn: string;
  severity: Severity;
  summary: string;
  /** the auditor must not touch this endpoint on an affected phone */
  avoidPath?: string;
}

export const KNOWN_VULNERABLE: readonly VulnerableRange[] = [
  {
    id: 'CVE-2026-2329',
    vendor: 'grandstream',
    models: /^GXP16\d\d/i,
    lastAffected: '1.0.7.79',
    fixedIn: '1.0.7.81',
    severity: 'critical',
    summary: 'unauthenticated stack overflow in /cgi-bin/api.values.get (CVSS 9.3)',
    avoidPath: '/cgi-bin/api.values.get',
  },
];

export interface FirmwareVerdict {
  /** ranges the firmware is in */
  affected: VulnerableRange[];
  /** ranges whose model matches but whose firmware is unknown */
  possible: VulnerableRange[];
  firmware?: string;
}

export function firmwareVerdict(vendor: string, model: string | undefined, firmware: string | undefined): FirmwareVerdict {
  const version = parseVersion(firmware);
  const ranges = KNOWN_VULNERABLE.filter((r) => r.vendor === vendor && (model === undefined || r.models.test(model)));
  const out: FirmwareVerdict = { affected: [], possible: [] };
  if (firmware) out.firmware = firmware;
  for (const r of ranges) {
    if (model === undefined || !version) out.possible.push(r);
    else if (compareVersions(version, parseVersion(r.lastAffected)!) <= 0) out.affected.push(r);
  }
  return out;
}
