/**
 * File names a Yealink phone fetches, and the order it fetches them in.
 *   y000000000000.boot   common boot file (V81+), shared
 *   <mac>.boot           MAC boot file (V81+): names the two CFG files below; no secrets
 *   y0000000000xx.cfg    common CFG per model code, shared
 *   <mac>.cfg            MAC CFG, per device, carries the secrets
 * `<mac>-local.cfg` (settings changed on the phone) is deliberately not served.
 */
import { isUnicastMac, type Mac } from '../../src/model/mac.js';
import type { FileRef } from '../../src/model/vendor-contract.js';
import { familyOf, usesBootFiles } from './families.js';
import { findModel, modelByCode } from './models.js';
import { provisioningUserAgent } from './user-agent.js';

export const COMMON_BOOT = 'y000000000000.boot';

export const commonCfgName = (code: number): string => `y${String(code).padStart(12, '0')}.cfg`;
export const macBootName = (mac: Mac): string => `${mac}.boot`;
export const macCfgName = (mac: Mac): string => `${mac}.cfg`;

export interface YealinkPath {
  file: FileRef;
  /** the name can only be a Yealink file (unlike `<mac>.cfg`, which Polycom uses too) */
  unambiguous: boolean;
  /** model code named by a common CFG file */
  code?: number;
}

const COMMON_CFG = /^y(\d{12})\.cfg$/;
const MAC_FILE = /^([0-9A-Fa-f]{12})\.(boot|cfg)$/;

export function parsePath(fileName: string): YealinkPath | undefined {
  if (fileName === COMMON_BOOT) return { file: ref(fileName, 'boot', false), unambiguous: true };
  const common = COMMON_CFG.exec(fileName);
  if (common) {
    const code = Number(common[1]);
    const model = modelByCode(code)?.id;
    return { file: { ...ref(fileName, 'common', false), ...(model ? { model } : {}) }, unambiguous: true, code };
  }
  const own = MAC_FILE.exec(fileName);
  if (!own) return undefined;
  // twelve hex digits (MAC_FILE), lowercased: a Mac
  const mac = own[1]!.toLowerCase() as Mac;
  if (!isUnicastMac(mac)) return undefined;
  const boot = own[2] === 'boot';
  const file = ref(fileName, boot ? 'boot' : 'device', !boot);
  file.mac = mac;
  return { file, unambiguous: boot };
}

export function ref(name: string, kind: FileRef['kind'], secret: boolean): FileRef {
  return { name, kind, secret, upload: false };
}

export function bootSequence(mac: Mac, model: string, firmware: string): { fileName: string; method: 'GET'; userAgent: string }[] {
  const userAgent = provisioningUserAgent(model, firmware, mac);
  const known = findModel(model);
  const names = [
    ...(usesBootFiles(familyOf(firmware).id) ? [macBootName(mac)] : []),
    ...(known?.code !== undefined ? [commonCfgName(known.code)] : []),
    macCfgName(mac),
  ];
  return names.map((fileName) => ({ fileName, method: 'GET' as const, userAgent }));
}
