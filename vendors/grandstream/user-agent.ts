/** Parsing Grandstream product strings: HTTP provisioning User-Agents, SIP User-Agent/Server, HTTP Server headers. */
import { parseMac, type Mac } from '../../src/model/mac.js';

export interface ProductInfo {
  model: string;
  firmware?: string;
  mac?: Mac;
}

/** `Grandstream Model HW GRP2616 SW 1.0.13.59 DevId ec74d7800474`, optional ` V1.6B` hardware revision, DevId may be `EC:74:D7:…` */
const PROVISIONING = /^Grandstream Model HW ([A-Za-z0-9-]+)(?:\s+V\S+)?\s+SW (\S+)\s+DevId ([0-9A-Fa-f:]{12,17})\s*$/;
/** `Grandstream GXP2000 (gxp2000e.bin:1.2.5.3/boot55e.bin:1.1.6.9) DevId 000b822726c8` — program version comes first */
const LEGACY = /^Grandstream (GXP\d+) \(\w+\.bin:([\d.]+)\/[^)]*\) DevId ([0-9A-Fa-f:]{12,17})\s*$/;
/** `Grandstream GXP2140 1.0.9.14`, `Grandstream GXP1400` (SIP User-Agent/Server, HTTP Server) */
const PRODUCT = /^Grandstream ([A-Z]{2,4}\d{3,5}[A-Z]{0,2})(?:\s+(\d+(?:\.\d+){2,4}))?(?:\s|$)/;

const VERSION = /^\d+(?:\.\d+){1,4}$/;

export function parseProvisioningUserAgent(ua: string): ProductInfo | undefined {
  const text = ua.trim();
  const m = PROVISIONING.exec(text) ?? LEGACY.exec(text);
  if (!m) return undefined;
  const mac = parseMac(m[3]!);
  if (!mac) return undefined;
  const firmware = VERSION.test(m[2]!) ? m[2]! : undefined;
  return { model: m[1]!.toUpperCase(), firmware, mac };
}

export function parseProductToken(text: string | undefined): ProductInfo | undefined {
  if (!text) return undefined;
  const trimmed = text.trim();
  const provisioning = parseProvisioningUserAgent(trimmed);
  if (provisioning) return provisioning;
  const m = PRODUCT.exec(trimmed);
  if (!m) return undefined;
  return m[2] ? { model: m[1]!, firmware: m[2] } : { model: m[1]! };
}

/** any Grandstream product token, even without a model (`Server: Grandstream/1.10`, `Grandstream (IP…)`) */
export function mentionsGrandstream(text: string | undefined): boolean {
  return !!text && /^Grandstream\b/i.test(text.trim());
}
