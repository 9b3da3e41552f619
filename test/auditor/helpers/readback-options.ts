/** Audit options for one lab host whose SIP and plain-HTTP management peers the test started: fast, no SNMP, no retries. */
import type { AuditOptions } from '../../../src/auditor/audit.js';

export const readbackOptions = (target: string, sip: { port: number }, web: { port: number }): AuditOptions => ({
  targets: [target],
  sipPorts: [sip.port],
  httpPorts: [web.port],
  httpsPorts: [],
  snmpPort: 1,
  communities: ['public'],
  timeoutMs: 200,
  retries: 0,
  hostGapMs: 0,
  plainHttpLogin: true,
});
