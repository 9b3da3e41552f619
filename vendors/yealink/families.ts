/**
 * Firmware families. A Yealink version reads `<platform>.<major>.<minor>.<build>`; the major number decides
 * the parameter names: V80 moved trust control from per-account to global, V81 added boot files and the
 * `static.` prefix on provisioning, security and web-UI parameters.
 */
import type { FirmwareFamily } from '../../src/model/vendor-contract.js';
import { pickFamily } from '../_shared/compile.js';

export const FAMILIES = ['legacy', 'v80', 'v81+'] as const;
export type FamilyId = (typeof FAMILIES)[number];

const VERSION = /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})\.(\d{1,4})$/;

export function firmwareMajor(firmware: string | undefined): number | undefined {
  const m = firmware ? VERSION.exec(firmware.trim()) : null;
  return m ? Number(m[2]) : undefined;
}

export function familyOf(firmware: string | undefined): FirmwareFamily & { id: FamilyId } {
  const major = firmwareMajor(firmware);
  const match: FamilyId | undefined = major === undefined ? undefined : major < 80 ? 'legacy' : major === 80 ? 'v80' : 'v81+';
  return pickFamily(FAMILIES, match) as FirmwareFamily & { id: FamilyId };
}

/** Boot files (`<mac>.boot`, `y000000000000.boot`) exist from V81 on. */
export function usesBootFiles(family: FamilyId): boolean {
  return family === 'v81+';
}
