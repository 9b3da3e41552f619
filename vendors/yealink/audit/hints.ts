/** What the auditor knows about the Yealink management surface (vendor-facts 1.3, 1.5). */
import type { AuditHints } from '../../../src/model/vendor-audit.js';
import { NO_YEALINK_READBACK } from './web-login.js';

export const YEALINK_AUDIT: AuditHints = {
  adminUser: 'admin',
  // "The default user password is "user" and the default administrator password is "admin"" (T46G user manual, security chapter)
  factoryLogin: { username: 'admin', password: 'admin', note: 'Yealink factory web login admin/admin' },
  noReadback: NO_YEALINK_READBACK,
  trustedOnlyDropsOptions: true,
};
