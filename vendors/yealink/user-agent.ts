/**
 * Yealink User-Agent strings, as sent on HTTP provisioning fetches and in SIP messages:
 *   `Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37`  (HTTP: MAC appended, lowercase with colons)
 *   `Yealink SIP VP-T49G 51.80.0.10 …`, `Yealink CP860 37.72.0.5 …`, `Yealink W60B 77.83.0.85`, `Yealink T58 58.80.0.5`
 *   `Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0`       (very old firmware: no MAC, a hardware version instead)
 *   `VP530P 23.70.0.40 00:15:65:31:4b:c0`, `VP530P 23.70.0.40` (SIP)
 */
import { macWithColons, parseMac, type Mac } from '../../src/model/mac.js';
import { agentPrefix, findModel } from './models.js';

export interface YealinkAgent {
  model: string;
  firmware?: string;
  mac?: Mac;
}

const VER = String.raw`(\d{1,4}(?:\.\d{1,4}){3})`;
const MAC = '([0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5})';

const PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`^[yY]ealink\s+SIP(?:\s+VP)?-(\w{2,20})(?:\s+${VER})?(?:\s+${MAC})?$`),
  new RegExp(String.raw`^[yY]ealink\s+([A-Z]{1,3}\d\w{0,16})(?:\s+${VER})(?:\s+${MAC})?$`),
  new RegExp(String.raw`^[yY]ealink-(\w{2,20})\s+${VER}\s+[\d.]{1,40}()$`),
  new RegExp(String.raw`^(VP530P?|W52P)\s+${VER}(?:\s+${MAC})?$`),
];

export function parseUserAgent(userAgent: string | undefined): YealinkAgent | undefined {
  const text = userAgent?.trim();
  if (!text || text.length > 200) return undefined;
  for (const pattern of PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const [, rawModel, firmware, rawMac] = m;
    const model = findModel(rawModel)?.id ?? rawModel!;
    const mac = rawMac ? parseMac(rawMac) : undefined;
    return { model, ...(firmware ? { firmware } : {}), ...(mac ? { mac } : {}) };
  }
  return undefined;
}

/** The HTTP User-Agent a phone of this model and firmware sends when it fetches its files. */
export function provisioningUserAgent(model: string, firmware: string, mac: Mac): string {
  return `Yealink ${agentPrefix(findModel(model), model)}${model} ${firmware} ${macWithColons(mac)}`;
}
