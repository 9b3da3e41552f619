/** The per-vendor profiles of the lab: factory defaults and key → behaviour mapping. */
import type { LabVendorId, VendorProfile } from '../lab-types.js';
import { grandstreamProfile } from './grandstream.js';
import { polycomProfile } from './polycom.js';
import { yealinkProfile } from './yealink.js';

const PROFILES: Readonly<Record<LabVendorId, VendorProfile>> = {
  yealink: yealinkProfile,
  polycom: polycomProfile,
  grandstream: grandstreamProfile,
};

export function profileFor(vendor: LabVendorId): VendorProfile {
  return PROFILES[vendor];
}

export function isLabVendor(id: string): id is LabVendorId {
  return Object.hasOwn(PROFILES, id);
}
