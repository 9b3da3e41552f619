/** Grandstream file names: cfg<mac>.xml (per device), cfg<model>.xml and cfg.xml (shared); boot order per the provisioning guide. */
import { isUnicastMac, type Mac } from '../../src/model/mac.js';
import type { FileRef } from '../../src/model/vendor-contract.js';

export type GsFileName =
  | { kind: 'device'; mac: Mac }
  /** legacy binary config; never served, so the server answers its uniform 404 */
  | { kind: 'binary' }
  | { kind: 'model'; model: string }
  | { kind: 'generic' };

const DEVICE = /^cfg([0-9a-z]{12})\.(xml|bin)$/i;
const MODEL = /^cfg([a-z]{2,4}\d{3,4}[a-z]{0,2})\.xml$/i;
const GENERIC = /^cfg\.xml$/i;

/** undefined: not a Grandstream name, or a device name with a malformed MAC */
export function classifyFileName(fileName: string): GsFileName | undefined {
  const device = DEVICE.exec(fileName);
  if (device) {
    const mac = device[1]!.toLowerCase();
    if (!/^[0-9a-f]{12}$/.test(mac) || !isUnicastMac(mac as Mac)) return undefined;
    return device[2]!.toLowerCase() === 'bin' ? { kind: 'binary' } : { kind: 'device', mac: mac as Mac };
  }
  const model = MODEL.exec(fileName);
  if (model) return { kind: 'model', model: model[1]!.toUpperCase() };
  if (GENERIC.test(fileName)) return { kind: 'generic' };
  return undefined;
}

export function unclaimedRef(fileName: string): FileRef {
  return { name: fileName, kind: 'common', secret: false, upload: false };
}

export function fileRef(fileName: string, parsed: GsFileName): FileRef {
  switch (parsed.kind) {
    case 'device':
      return { name: fileName, kind: 'device', mac: parsed.mac, secret: true, upload: false };
    case 'model':
      return { name: fileName, kind: 'common', model: parsed.model, secret: false, upload: false };
    default:
      return unclaimedRef(fileName);
  }
}

export const deviceFileName = (mac: Mac): string => `cfg${mac}.xml`;
export const modelFileName = (model: string): string => `cfg${model.toLowerCase()}.xml`;
export const GENERIC_FILE = 'cfg.xml';

export function provisioningUserAgent(mac: Mac, model: string, firmware: string): string {
  return `Grandstream Model HW ${model} SW ${firmware} DevId ${mac}`;
}

/** cfg<mac>.bin is requested first by real phones but is not part of what this server answers. */
export function bootSequence(mac: Mac, model: string, firmware: string): { fileName: string; method: 'GET' | 'PUT'; userAgent: string }[] {
  const userAgent = provisioningUserAgent(mac, model, firmware);
  return [deviceFileName(mac), modelFileName(model), GENERIC_FILE].map((fileName) => ({ fileName, method: 'GET' as const, userAgent }));
}
