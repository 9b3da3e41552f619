/** Firmware → family. SoundPoint "SIP" application up to 3.x, then UC Software (UCS) 4.0 and later, VVX and Trio alike. */
import type { FirmwareFamily } from '../../src/model/vendor-contract.js';
import { pickFamily } from '../_shared/compile.js';

export const FAMILIES = ['sip3', 'ucs'] as const;
export type FamilyId = (typeof FAMILIES)[number];

const VERSION = /^(\d+)\.\d+(?:\.\d+)*$/;

export function familyOf(firmware: string | undefined): FamilyId | undefined {
  const m = firmware ? VERSION.exec(firmware.trim()) : null;
  if (!m) return undefined;
  return Number(m[1]) <= 3 ? 'sip3' : 'ucs';
}

export function resolveFamily(firmware: string | undefined): FirmwareFamily & { id: FamilyId } {
  return pickFamily(FAMILIES, familyOf(firmware)) as FirmwareFamily & { id: FamilyId };
}
