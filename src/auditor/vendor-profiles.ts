/**
 * What the auditor knows about each vendor's management surface (vendor-facts 1.5, 2.5, 3.5): which read-back API,
 * the factory login for the one default-password attempt, and how a trusted-only phone treats untrusted SIP.
 * Keyed by the adapters' stable ids; an adapter without a profile gets the cautious default.
 */
export type ReadbackKind = 'polycom-rest' | 'grandstream-api' | 'none';

export interface VendorAuditProfile {
  readback: ReadbackKind;
  /** why rules cannot be read back, when readback is 'none' */
  noReadback?: string;
  /** the admin user the provisioned admin password belongs to */
  adminUser: string;
  /** one attempt per phone, unless --no-default-login */
  factoryLogin?: { username: string; password: string; note: string };
  /** with sip-trusted-only applied the phone drops every SIP request from an untrusted source, OPTIONS included */
  trustedOnlyDropsOptions: boolean;
}

const PROFILES: Readonly<Record<string, VendorAuditProfile>> = {
  yealink: {
    readback: 'none',
    noReadback: 'Yealink has no verified API to read settings back; only SIP probing can prove these rules',
    adminUser: 'admin',
    trustedOnlyDropsOptions: true,
  },
  polycom: {
    readback: 'polycom-rest',
    adminUser: 'Polycom',
    factoryLogin: { username: 'Polycom', password: '456', note: 'Poly REST factory credential Polycom/456' },
    trustedOnlyDropsOptions: false,
  },
  grandstream: {
    readback: 'grandstream-api',
    adminUser: 'admin',
    factoryLogin: { username: 'admin', password: 'admin', note: 'Grandstream factory login admin/admin (older GXP; GRP26xx ship a random sticker password)' },
    trustedOnlyDropsOptions: true,
  },
};

export function profileFor(vendorId: string): VendorAuditProfile {
  return PROFILES[vendorId] ?? {
    readback: 'none', noReadback: `no read-back API known for vendor ${vendorId}`, adminUser: 'admin', trustedOnlyDropsOptions: false,
  };
}
