import type { AuditReport } from '../../src/auditor/findings.js';

/** A report as the auditor builds it, with device-supplied text that tries to attack each output format. */
export function sampleReport(): AuditReport {
  return {
    format: 'ghostguard-audit',
    version: 1,
    runId: 7,
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:00:05.000Z',
    targets: ['127.77.0.0/24'],
    exclude: [],
    options: { sipPorts: [5060], intrusive: false },
    summary: {
      hostsPlanned: 254,
      hostsScanned: 254,
      hostsResponsive: 2,
      phones: 1,
      findings: { pass: 1, fail: 1, unknown: 1, unsupported: 0, disabled: 0 },
      failures: { info: 0, low: 0, medium: 0, high: 0, critical: 1 },
      ghostCalls: { rings: 1, 'likely-rings': 0, refuses: 0, ignores: 0, unknown: 1 },
    },
    hosts: [
      {
        host: '127.77.0.10',
        mac: '001565000010',
        macSource: 'neighbour-table',
        vendor: 'yealink',
        model: 'T21P_E2',
        firmware: '52.83.0.35',
        identity: 'model',
        ghostCall: {
          verdict: 'rings',
          evidence: ['INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated', '=cmd|" <b>bold</b>'],
        },
        probes: ['udp/5060: OPTIONS answered 200 OK'],
        findings: [
          { check: 'device-identity', state: 'pass', severity: 'low', evidence: ['Yealink T21P_E2'], fix: [] },
          {
            check: 'sip-trusted-only',
            state: 'fail',
            severity: 'critical',
            evidence: ['=HYPERLINK("http://evil")', 'UA <script>alert(1)</script> & "quotes"'],
            fix: ['re-provision the phone from ghostguard (resync or reboot); it must run: sip.trust_ctrl = 1'],
          },
        ],
      },
      {
        host: '127.77.0.11',
        identity: 'none',
        ghostCall: { verdict: 'unknown', evidence: ['no SIP port was probed'], howToTell: 'probe its SIP port' },
        probes: ['http/80: HTTP 200, Server "\u001b[2J evil"'],
        findings: [
          {
            check: 'device-identity',
            state: 'unknown',
            severity: 'low',
            reason: 'no vendor recognised what it answered',
            evidence: ['http/80: Server "\u001b[31mred"'],
            fix: [],
          },
        ],
      },
    ],
  };
}
