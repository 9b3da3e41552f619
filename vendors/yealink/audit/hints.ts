/** What the auditor knows about the Yealink management surface (vendor-facts 1.5). */
import type { AuditHints } from '../../../src/model/vendor-audit.js';

export const YEALINK_AUDIT: AuditHints = {
  adminUser: 'admin',
  noReadback: 'Yealink has no verified API to read settings back; only SIP probing can prove these rules',
  trustedOnlyDropsOptions: true,
};
