/**
 * What the auditor knows about a vendor's management surface, from the adapter's optional capabilities: the
 * read-back client, the admin user and factory login, and how a trusted-only phone treats untrusted SIP.
 * An adapter without them gets the cautious default.
 */
import type { AuditHints, ReadbackClient } from '../model/vendor-audit.js';
import type { VendorAdapter } from '../model/vendor-contract.js';

export interface VendorAuditProfile extends AuditHints {
  readback?: ReadbackClient;
  /** why rules cannot be read back, when there is no read-back client */
  noReadback: string;
}

export function auditProfileOf(vendor: VendorAdapter): VendorAuditProfile {
  const hints: AuditHints = vendor.audit ?? { adminUser: 'admin', trustedOnlyDropsOptions: false };
  return {
    ...hints,
    ...(vendor.readback ? { readback: vendor.readback } : {}),
    noReadback: hints.noReadback ?? `no read-back API known for vendor ${vendor.id}`,
  };
}
