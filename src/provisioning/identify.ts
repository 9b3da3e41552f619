/** One place decides whose request this is: the best identification across all adapters; a tie is nobody's. */
import type { PhoneRequest, RequestIdentity, VendorAdapter } from '../model/vendor-contract.js';
import { IDENTIFY_LEVELS } from '../model/vendor-contract.js';

export interface Identified {
  vendor: VendorAdapter;
  identity: RequestIdentity;
}

export function identifyRequest(vendors: readonly VendorAdapter[], req: PhoneRequest): Identified | undefined {
  let best: Identified | undefined;
  let tie = false;
  for (const vendor of vendors) {
    const identity = vendor.identifyRequest(req);
    if (identity.level === IDENTIFY_LEVELS.none) continue;
    if (!best || identity.level > best.identity.level) {
      best = { vendor, identity };
      tie = false;
    } else if (identity.level === best.identity.level) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}
