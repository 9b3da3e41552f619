import { describe, expect, it } from 'vitest';
import { finding, type CheckId, type FindingState, type HostReport } from '../../src/auditor/findings.js';
import { diffLines } from '../../src/dashboard/diff.js';
import { noAddressVerdict, verdictExit, verdictFor } from '../../src/dashboard/verdict.js';

function host(states: Partial<Record<CheckId, FindingState>>, vendor: string | null = 'yealink'): HostReport {
  return {
    host: '127.0.0.5', identity: vendor ? 'model' : 'none', probes: [], ...(vendor ? { vendor, model: 'T46U' } : {}),
    findings: Object.entries(states).map(([check, state]) => finding(check as CheckId, state!, [`${check} evidence`], state === 'fail' ? [`fix ${check}`] : [], state === 'unknown' ? 'no read-back API' : undefined)),
  };
}

describe('verdict', () => {
  it('nothing answered → unreachable, exit 1', () => {
    const v = verdictFor('127.0.0.5', undefined);
    expect(v.status).toBe('unreachable');
    expect(v.headline).toBe('No answer: nothing answered at 127.0.0.5 (SIP, web or SNMP).');
    expect(verdictExit(v)).toBe(1);
  });

  it('a ring rule failing → "Exposed: it will ring for scanner calls because …", naming each ring rule', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'fail', 'no-auto-answer': 'fail', 'web-https-only': 'fail', 'firmware-current': 'pass' }));
    expect(v.status).toBe('exposed');
    expect(v.headline).toBe('Exposed: it will ring for scanner calls because it accepts SIP from anyone, not only from its own phone system, and it auto-answers calls from unknown parties.');
    // every failure is listed, worst first
    expect(v.reasons).toEqual([
      'Accept SIP only from trusted servers: sip-trusted-only evidence.',
      'No auto-answer from unknown parties: no-auto-answer evidence.',
      'Web UI over HTTPS only: web-https-only evidence.',
    ]);
    expect(verdictExit(v)).toBe(1);
  });

  it('only non-ring rules failing → exposed, worst first, and says whether it rings', () => {
    const proven = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'pass', 'web-https-only': 'fail', 'firmware-current': 'fail' }));
    expect(proven.status).toBe('exposed');
    expect(proven.headline).toBe('Exposed: its firmware is in a known-vulnerable range (and 1 more failing rule).');
    expect(proven.reasons[0]).toBe('It does not ring for scanner calls.');
    const unproven = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'unknown', 'admin-password-set': 'fail' }));
    expect(unproven.headline).toMatch(/^Exposed: its web admin password is not the per-device one/);
    expect(unproven.reasons[0]).toBe('Nothing found shows it ringing for scanner calls.');
  });

  it('nothing failing and trusted-only proven → "Safe", exit 0', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'pass', 'no-auto-answer': 'pass', 'sip-tls-srtp': 'disabled', 'snmp-locked': 'unsupported' }));
    expect(v).toMatchObject({ status: 'safe', headline: 'Safe' });
    expect(verdictExit(v)).toBe(0);
  });

  it('nothing failing but not proven → "Probably safe" with why, exit 0', () => {
    const v = verdictFor('127.0.0.5', host({ 'sip-trusted-only': 'unknown', 'no-auto-answer': 'unknown', 'firmware-current': 'pass' }));
    expect(v.status).toBe('probably-safe');
    expect(v.headline).toBe('Probably safe: no rule fails, but 2 rules could not be checked from the network.');
    expect(v.reasons).toEqual(['no read-back API.']);
    expect(verdictExit(v)).toBe(0);
  });

  it('something answered but no vendor recognised it', () => {
    const v = verdictFor('127.0.0.5', host({ 'device-identity': 'unknown', 'snmp-locked': 'fail' }, null));
    expect(v.status).toBe('unidentified');
    expect(v.headline).toMatch(/^Not recognised as a phone: something answers at 127\.0\.0\.5/);
    expect(v.reasons[0]).toMatch(/^it answers SNMP with a default community/);
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
    expect(d.hunks[0]).toEqual([{ op: ' ', text: 'line 1' }, { op: '-', text: 'line 2' }, { op: '+', text: 'line two' }, { op: ' ', text: 'line 3' }]);
  });

  it('refuses inputs too large for a line-by-line diff', () => {
    const big = Array.from({ length: 3000 }, (_, i) => String(i)).join('\n');
    expect(diffLines(big, `${big}\nx`).tooLarge).toBe(true);
  });
});
