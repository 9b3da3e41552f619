/** What the auditor knows about the Poly management surface (vendor-facts 2.5). */
import type { AuditHints } from '../../../src/model/vendor-audit.js';

export const POLYCOM_AUDIT: AuditHints = {
  adminUser: 'Polycom',
  factoryLogin: { username: 'Polycom', password: '456', note: 'Poly REST factory credential Polycom/456' },
  trustedOnlyDropsOptions: false,
};
