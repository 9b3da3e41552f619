/**
 * What counts as a change between two runs of a schedule: newly exposed (the stored ghost-call verdict moved into rings
 * or likely-rings), new unknown device, gone stale.
 */
import { describe, expect, it } from 'vitest';
import { auditChanges, exposedCount, unknownDeviceCount } from '../../src/schedule/changes.js';
import type { StoredFinding } from '../../src/store/store.js';

type Phone = { host: string; mac?: string; vendor?: string; model?: string };
const YEALINK: Phone = { host: '127.0.94.1', mac: '001565940001', vendor: 'yealink', model: 'T46U' };
const POLY: Phone = { host: '127.0.94.2', mac: '0004f2940001', vendor: 'polycom', model: 'VVX_400' };

function f(who: Phone, rule: string, state: string, evidence: string[] = [`${rule} evidence`]): StoredFinding {
  return { ...who, rule, state, severity: 'high', evidence, fix: [] };
}

/** A phone that passes everything, with the given rules overridden. */
function phone(who: Phone, states: Record<string, string> = {}): StoredFinding[] {
  const base: Record<string, string> = {
    'device-identity': 'pass',
    'device-inventory': 'pass',
    'config-drift': 'pass',
    'sip-trusted-only': 'pass',
    'no-direct-ip-calls': 'pass',
    'invite-validation': 'unsupported',
    'no-auto-answer': 'pass',
    'admin-password-set': 'pass',
    'ghost-call': 'ignores',
    ...states,
  };
  return Object.entries(base).map(([rule, state]) => f(who, rule, state));
}

const changes = (before: StoredFinding[], after: StoredFinding[], complete = true) =>
  auditChanges(before, after, { complete, previousRunId: 7 }).changes;

describe('auditChanges', () => {
  it('no change, no changes — including steady failures', () => {
    const run = [...phone(YEALINK, { 'ghost-call': 'rings' }), ...phone(POLY, { 'device-inventory': 'fail', 'config-drift': 'fail' })];
    expect(changes(run, structuredClone(run))).toEqual([]);
  });

  it('the verdict moving into rings or likely-rings is newly exposed; a failing rule with a refusing verdict is not', () => {
    const before = [...phone(YEALINK, { 'ghost-call': 'unknown' }), ...phone(POLY)];
    const after = [
      ...phone(YEALINK, { 'ghost-call': 'rings', 'sip-trusted-only': 'fail', 'admin-password-set': 'fail' }),
      // answers a stranger's OPTIONS (rule fails) but refuses the INVITE: not exposed
      ...phone(POLY, { 'ghost-call': 'refuses', 'sip-trusted-only': 'fail', 'reject-anonymous': 'fail' }),
    ];
    expect(changes(before, after)).toEqual([
      {
        kind: 'newly-exposed',
        host: YEALINK.host,
        mac: YEALINK.mac,
        vendor: 'yealink',
        model: 'T46U',
        rules: ['ghost-call', 'sip-trusted-only'],
        evidence: ['ghost call: unknown in run #7, rings now', 'ghost-call evidence'],
      },
    ]);
    // rings → likely-rings stays exposed: no change
    expect(changes(after, phone(YEALINK, { 'ghost-call': 'likely-rings' })).filter((c) => c.kind === 'newly-exposed')).toEqual([]);
  });

  it('a new host that likely rings is newly exposed; rings → refuses is not a change', () => {
    const before = phone(YEALINK, { 'ghost-call': 'rings' });
    const after = [...phone(YEALINK, { 'ghost-call': 'refuses' }), ...phone(POLY, { 'ghost-call': 'likely-rings' })];
    const got = changes(before, after);
    expect(got.map((c) => [c.kind, c.host, c.rules])).toEqual([['newly-exposed', POLY.host, ['ghost-call']]]);
    expect(got[0]!.evidence[0]).toBe('not seen in run #7; ghost call: likely-rings');
  });

  it('follows a phone by MAC when its address changes, and by address when the MAC is not known', () => {
    const moved = { ...YEALINK, host: '127.0.94.9' };
    expect(changes(phone(YEALINK, { 'ghost-call': 'rings' }), phone(moved, { 'ghost-call': 'rings' }))).toEqual([]);
    const anonymous = { host: YEALINK.host, vendor: 'yealink' };
    expect(changes(phone(anonymous, { 'ghost-call': 'rings' }), phone(YEALINK, { 'ghost-call': 'rings' }))).toEqual([]);
    // a different MAC on the same address is a different device (and the one that was there is silent)
    const swapped = { ...YEALINK, mac: '001565949999' };
    expect(
      changes(phone(YEALINK, { 'ghost-call': 'rings' }), phone(swapped, { 'ghost-call': 'rings' })).map((c) => [c.kind, c.mac]),
    ).toEqual([
      ['newly-exposed', swapped.mac],
      ['gone-stale', YEALINK.mac],
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
    expect(got[1]!.evidence).toEqual([
      'a host not seen in run #7 answers; it was not identified as a supported phone',
      'device-identity: SIP OPTIONS answered by "Asterisk PBX"',
    ]);
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
    const run = [
      ...phone(YEALINK, { 'ghost-call': 'likely-rings' }),
      ...phone(POLY, { 'device-inventory': 'fail', 'sip-trusted-only': 'fail' }),
    ];
    expect(exposedCount(run)).toBe(1);
    expect(unknownDeviceCount(run)).toBe(1);
    const many = Array.from({ length: 12 }, (_, i) =>
      phone({ host: `127.0.94.${i + 10}`, vendor: 'yealink' }, { 'ghost-call': 'rings' }),
    ).flat();
    const r = auditChanges([], many, { complete: true, limit: 5 });
    expect(r.changes).toHaveLength(5);
    expect(r.truncated).toBe(7);
    expect(r.changes.map((c) => c.host)).toEqual(['127.0.94.10', '127.0.94.11', '127.0.94.12', '127.0.94.13', '127.0.94.14']);
    const long = auditChanges([], [f(YEALINK, 'ghost-call', 'rings', ['x'.repeat(1000), 'b', 'c', 'd'])], { complete: true }).changes[0]!;
    expect(long.evidence.slice(1).map((e) => e.length)).toEqual([300, 1, 1]);
  });
});
