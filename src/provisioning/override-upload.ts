/** Polycom override uploads: stored as evidence, and every setting that would undo a hardening rule is named. */
import type { ResolvedDevice, ResolvedPolicy } from '../model/config-types.js';
import type { VendorAdapter } from '../model/vendor-contract.js';

export interface OverrideAnalysis {
  weakened: string[];
}

/** Throws when the body is not a valid file in the vendor's format. */
export function analyseOverride(
  vendor: VendorAdapter,
  device: ResolvedDevice,
  policy: ResolvedPolicy,
  firmware: string | undefined,
  body: string,
): OverrideAnalysis {
  const values = vendor.read(body);
  const compiled = vendor.compile({ model: device.model, firmware, policy, device });
  const weakened: string[] = [];
  for (const [rule, c] of compiled.rules) {
    if (c.status !== 'applied') continue;
    for (const s of c.settings) {
      const v = values.get(s.key);
      if (v !== undefined && v !== s.value)
        weakened.push(`${rule}: ${s.key}${s.secret ? '' : ` = ${v.slice(0, 40)} (policy: ${s.value})`}`);
    }
  }
  return { weakened };
}

/** Attribute names that hold a secret in an uploaded override (passwords, PINs, keys), whatever the vendor's prefix. */
const SECRET_ATTRIBUTE = /(\s[\w.-]*(?:password|passwd|pwd|secret|pin|key)[\w.-]*\s*=\s*)(["'])(.*?)\2/gi;

/** An override as stored (evidence of what the phone holds): every secret-named attribute's value replaced by ***. */
export function maskStoredSecrets(body: string): string {
  return body.replace(
    SECRET_ATTRIBUTE,
    (_all, name: string, quote: string, value: string) => `${name}${quote}${value === '' ? '' : '***'}${quote}`,
  );
}
