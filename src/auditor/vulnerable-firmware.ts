/** Firmware in known-vulnerable ranges (the adapter's `vulnerableFirmware`): the `firmware-current` rule. */
import { compareVersions, parseVersion } from '../model/firmware-version.js';
import type { VulnerableRange } from '../model/vendor-audit.js';

export interface FirmwareVerdict {
  /** ranges the firmware is in */
  affected: VulnerableRange[];
  /** ranges whose model matches but whose firmware is unknown */
  possible: VulnerableRange[];
  firmware?: string;
}

export function firmwareVerdict(
  known: readonly VulnerableRange[],
  model: string | undefined,
  firmware: string | undefined,
): FirmwareVerdict {
  const version = parseVersion(firmware);
  const ranges = known.filter((r) => model === undefined || r.models.test(model));
  const out: FirmwareVerdict = { affected: [], possible: [] };
  if (firmware) out.firmware = firmware;
  for (const r of ranges) {
    if (model === undefined || !version) out.possible.push(r);
    else if (compareVersions(version, parseVersion(r.lastAffected)!) <= 0) out.affected.push(r);
  }
  return out;
}
