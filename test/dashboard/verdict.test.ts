import { describe, expect, it } from 'vitest';
import { finding, type CheckId, type FindingState, type HostReport } from '../../src/auditor/findings.js';
import { diffLines } from '../../src/dashboard/diff.js';
import type { GhostCall } from '../../src/model/ghost-call.js';
import { noAddressVerdict, verdictExit, verdictFor } from '../../src/dashboard/verdict.js';

function host(states: Partial<Record<CheckId, FindingState>>, ghostCall: GhostCall, vendor: string | null = 'yealink'): HostReport {
  return {
    host: '127.0.0.5',
    identity: vendor ? 'model' : 'none',
    probes: [],
    ...(vendor ? { vendor, model: 'T46U' } : {}),
    ghostCall,
    findings: Object.entries(states).map(([check, state]) =>
      finding(
        check as CheckId,
        state!,
        [`${check} evidence`],
        state === 'fail' ? [`fix ${check}`] : [],
        state === 'unknown' ? 'no read-back API' : undefined,
      ),
    ),
  };
}

const rings: GhostCall = {
  verdict: 'rings',
  evidence: ['INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated'],
};
const refuses: GhostCall = { verdict: 'refuses', evidence: ['INVITE to 100 on udp/5060 drew 403 Forbidden'] };
const unknown: GhostCall = {
  verdict: 'unknown',
  evidence: ["a stranger's SIP is answered; whether an INVITE would ring is unproven"],
  howToTell: 'the INVITE probe',
};

describe("verdict (the check's words for the ghost-call verdict)", () => {
  it('nothing answered → unreachable, exit 1', () => {
    const v = verdictFor('127.0.0.5', undefined);
    expect(v.status).toBe('unreachable');
    expect(v.headline).toBe('No answer: nothing answered at 127.0.0.5 (SIP, web or SNMP).');
    expect(verdictExit(v)).toBe(1);
  });

  it('rings → "it will ring", evidence first, other failing rules after; exit 1', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'fail', 'web-https-only': 'fail', 'firmware-current': 'pass' }, rings));
    expect(v.status).toBe('rings');
    expect(v.headline).toMatch(
      /^Rings for scanners: it will ring for a stranger's call\. Also 1 other failing rule: its web interface answers over plain HTTP/,
    );
    expect(v.reasons[0]).toBe('INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated.');
    expect(verdictExit(v)).toBe(1);
  });

  it('refuses with sip-trusted-only failing (a stranger\'s OPTIONS answered) is not "exposed" and exits 0', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'fail' }, refuses));
    expect(v.status).toBe('refuses');
    expect(v.headline).not.toMatch(/will ring|Exposed/);
    expect(verdictExit(v)).toBe(0);
  });

  it('unknown never reads "safe", carries how to tell, exits 1', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'unknown' }, unknown));
    expect(v.status).toBe('unknown');
    expect(v.headline).not.toMatch(/safe/i);
    expect(v.howToTell).toBe('the INVITE probe');
    expect(verdictExit(v)).toBe(1);
  });

  it('something answered but no vendor recognised it: the verdict still stands, and says so', () => {
    const v = verdictFor('127.0.0.5', host({ 'device-identity': 'unknown', 'snmp-locked': 'fail' }, rings, null));
    expect(v.status).toBe('rings');
    expect(v.reasons[0]).toMatch(/^Not recognised as a phone/);
  });

  it('no address known → tells the technician what to ask the user', () => {
    const v = noAddressVerdict('00:15:65:00:00:01', true);
    expect(v.status).toBe('no-address');
    expect(v.reasons.join(' ')).toMatch(/Ask the user for the phone's IP address/);
  });
});

describe('line diff', () => {
  it('identical → no hunks', () => {
    expect(diffLines('a\nb\nc', 'a\nb\nc')).toEqual({ hunks: [], added: 0, removed: 0 });
  });

  it('changed lines with context, far-apart changes in separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 2', 'line two').replace('line 17', 'line seventeen');
    const d = diffLines(before, after, 1);
    expect(d.added).toBe(2);
    expect(d.removed).toBe(2);
    expect(d.hunks).toHaveLength(2);
    expect(d.hunks[0]).toEqual([
      { op: ' ', text: 'line 1' },
      { op: '-', text: 'line 2' },
      { op: '+', text: 'line two' },
      { op: ' ', text: 'line 3' },
    ]);
  });

  it('refuses inputs too large for a line-by-line diff', () => {
    const big = Array.from({ length: 3000 }, (_, i) => String(i)).join('\n');
    expect(diffLines(big, `${big}\nx`).tooLarge).toBe(true);
  });
});
