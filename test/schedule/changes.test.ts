/** What counts as a change between two runs of a schedule: newly exposed, new unknown device, gone stale. */
import { describe, expect, it } from 'vitest';
import { auditChanges, exposedCount, unknownDeviceCount } from '../../src/schedule/changes.js';
import type { StoredFinding } from '../../src/store/audit-store.js';

type Phone = { host: string; mac?: string; vendor?: string; model?: string };
const YEALINK: Phone = { host: '127.0.94.1', mac: '001565940001', vendor: 'yealink', model: 'T46U' };
const POLY: Phone = { host: '127.0.94.2', mac: '0004f2940001', vendor: 'polycom', model: 'VVX_400' };

function f(who: Phone, rule: string, state: string, evidence: string[] = [`${rule} evidence`]): StoredFinding {
  return { ...who, rule, state, severity: 'high', evidence, fix: [] };
}

/** A phone that passes everything, with the given rules overridden. */
function phone(who: Phone, states: Record<string, string> = {}): StoredFinding[] {
  const base: Record<string, string> = {
    'device-identity': 'pass', 'device-inventory': 'pass', 'config-drift': 'pass', 'sip-trusted-only': 'pass', 'no-direct-ip-calls': 'pass',
    'invite-validation': 'unsupported', 'no-auto-answer': 'pass', 'admin-password-set': 'pass', ...states,
  };
  return Object.entries(base).map(([rule, state]) => f(who, rule, state));
}

const changes = (before: StoredFinding[], after: StoredFinding[], complete = true) => auditChanges(before, after, { complete, previousRunId: 7 }).changes;

describe('auditChanges', () => {
  it('no change, no changes — including steady failures', () => {
    const run = [...phone(YEALINK, { 'sip-trusted-only': 'fail' }), ...phone(POLY, { 'device-inventory': 'fail', 'config-drift': 'fail' })];
    expect(changes(run, structuredClone(run))).toEqual([]);
  });

  it('a ghost-call rule going pass or unknown → fail is newly exposed, one change per phone naming every such rule', () => {
    const before = [...phone(YEALINK, { 'no-direct-ip-calls': 'unknown' }), ...phone(POLY)];
    const after = [
      ...phone(YEALINK, { 'sip-trusted-only': 'fail', 'no-direct-ip-calls': 'fail', 'admin-password-set': 'fail' }),
      ...phone(POLY, { 'admin-password-set': 'fail', 'reject-anonymous': 'fail' }),
    ];
    expect(changes(before, after)).toEqual([{
      kind: 'newly-exposed', host: YEALINK.host, mac: YEALINK.mac, vendor: 'yealink', model: 'T46U', rules: ['sip-trusted-only', 'no-direct-ip-calls'],
      evidence: ['sip-trusted-only: sip-trusted-only evidence', 'no-direct-ip-calls: no-direct-ip-calls evidence'],
    }]);
  });

  it('a new host answering with an exposure failure is newly exposed; fail → pass is not a change', () => {
    const before = phone(YEALINK, { 'no-auto-answer': 'fail' });
    const after = [...phone(YEALINK), ...phone(POLY, { 'invite-validation': 'fail' })];
    const got = changes(before, after);
    expect(got.map((c) => [c.kind, c.host, c.rules])).toEqual([['newly-exposed', POLY.host, ['invite-validation']]]);
    expect(got[0]!.evidence[0]).toBe('not seen in run #7');
  });

  it('follows a phone by MAC when its address changes, and by address when the MAC is not known', () => {
    const moved = { ...YEALINK, host: '127.0.94.9' };
    expect(changes(phone(YEALINK, { 'sip-trusted-only': 'fail' }), phone(moved, { 'sip-trusted-only': 'fail' }))).toEqual([]);
    const anonymous = { host: YEALINK.host, vendor: 'yealink' };
    expect(changes(phone(anonymous, { 'sip-trusted-only': 'fail' }), phone(YEALINK, { 'sip-trusted-only': 'fail' }))).toEqual([]);
    // a different MAC on the same address is a different device (and the one that was there is silent)
    const swapped = { ...YEALINK, mac: '001565949999' };
    expect(changes(phone(YEALINK, { 'sip-trusted-only': 'fail' }), phone(swapped, { 'sip-trusted-only': 'fail' })).map((c) => [c.kind, c.mac])).toEqual([
      ['newly-exposed', swapped.mac], ['gone-stale', YEALINK.mac],
    ]);
  });

  it('new unknown device: the inventory check newly failing, or a new host that cannot be tied to the inventory', () => {
    const stranger = { host: '127.0.94.3', mac: '001565940099', vendor: 'yealink', model: 'T46U' };
    const unidentified = { host: '127.0.94.4' };
    const before = phone(YEALINK);
    const after = [
      ...phone(YEALINK),
      ...phone(stranger, { 'device-inventory': 'fail' }),
      f(unidentified, 'device-identity', 'unknown', ['SIP OPTIONS answered by "Asterisk PBX"']),
    ];
    const got = changes(before, after);
    expect(got.map((c) => [c.kind, c.host, c.rules])).toEqual([
      ['new-unknown-device', stranger.host, ['device-inventory']],
      ['new-unknown-device', unidentified.host, ['device-identity']],
    ]);
    expect(got[1]!.evidence).toEqual(['a host not seen in run #7 answers; it was not identified as a supported phone', 'device-identity: SIP OPTIONS answered by "Asterisk PBX"']);
    // seen before: no longer new
    expect(changes(after, structuredClone(after))).toEqual([]);
  });

  it('gone stale: the drift check newly failing, or a phone that stopped answering (complete runs only)', () => {
    const before = [...phone(YEALINK), ...phone(POLY)];
    const after = phone(YEALINK, { 'config-drift': 'fail' });
    expect(changes(before, after).map((c) => [c.kind, c.host, c.rules ?? null, c.evidence[0]])).toEqual([
      ['gone-stale', YEALINK.host, ['config-drift'], 'config-drift: config-drift evidence'],
      ['gone-stale', POLY.host, null, 'answered in run #7 as polycom VVX_400; no SIP, web or SNMP answer in this run'],
    ]);
    // a run stopped early cannot tell a silent phone from one it never reached
    expect(changes(before, after, false).map((c) => c.host)).toEqual([YEALINK.host]);
  });

  it('counts exposed phones and unknown devices per run, caps long lists and keeps evidence short', () => {
    const run = [...phone(YEALINK, { 'sip-trusted-only': 'fail', 'no-auto-answer': 'fail' }), ...phone(POLY, { 'device-inventory': 'fail' })];
    expect(exposedCount(run)).toBe(1);
    expect(unknownDeviceCount(run)).toBe(1);
    const many = Array.from({ length: 12 }, (_, i) => phone({ host: `127.0.94.${i + 10}`, vendor: 'yealink' }, { 'sip-trusted-only': 'fail' })).flat();
    const r = auditChanges([], many, { complete: true, limit: 5 });
    expect(r.changes).toHaveLength(5);
    expect(r.truncated).toBe(7);
    expect(r.changes.map((c) => c.host)).toEqual(['127.0.94.10', '127.0.94.11', '127.0.94.12', '127.0.94.13', '127.0.94.14']);
    const long = auditChanges([], [f(YEALINK, 'sip-trusted-only', 'fail', ['x'.repeat(1000), 'b', 'c', 'd'])], { complete: true }).changes[0]!;
    expect(long.evidence.slice(1).map((e) => e.length)).toEqual([300, 'sip-trusted-only: b'.length, 'sip-trusted-only: c'.length]);
  });
});
