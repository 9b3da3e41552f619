/** What the auditor knows about the Grandstream management surface (vendor-facts 3.5), and its vulnerable firmware. */
import type { AuditHints, VulnerableRange } from '../../../src/model/vendor-audit.js';

export const GRANDSTREAM_AUDIT: AuditHints = {
  adminUser: 'admin',
  factoryLogin: {
    username: 'admin',
    password: 'admin',
    note: 'Grandstream factory login admin/admin (older GXP; GRP26xx ship a random sticker password)',
  },
  trustedOnlyDropsOptions: true,
};

export const GRANDSTREAM_VULNERABLE: readonly VulnerableRange[] = [
  {
    id: 'CVE-2026-2329',
    models: /^GXP16\d\d/i,
    lastAffected: '1.0.7.79',
    fixedIn: '1.0.7.81',
    severity: 'critical',
    summary: 'unauthenticated stack overflow in /cgi-bin/api.values.get (CVSS 9.3)',
    avoidPath: '/cgi-bin/api.values.get',
  },
];
