import { describe, expect, it } from 'vitest';
import { compareRules, type CompareInput } from '../../src/auditor/compare.js';
import type { Proofs } from '../../src/auditor/proofs.js';
import { firmwareVerdict } from '../../src/auditor/vulnerable-firmware.js';
import type { RuleId } from '../../src/model/rules.js';
import type { Compiled, RuleCompilation } from '../../src/model/vendor-contract.js';
import { TEST_SITE } from '../helpers/devices.js';
import { vendorById } from '../../vendors/index.js';

const GS_RANGES = vendorById('grandstream')!.vulnerableFirmware!;

function compiled(rules: [RuleId, RuleCompilation][]): Compiled {
  return { family: { id: 'f', guessed: false }, base: [], rules: new Map(rules) };
}

const TRUST: [RuleId, RuleCompilation] = ['sip-trusted-only', { status: 'applied', settings: [{ key: 'sip.trust_ctrl', value: '1' }] }];
const ADMIN: [RuleId, RuleCompilation] = [
  'admin-password-set',
  { status: 'applied', settings: [{ key: 'static.security.user_password', value: 'admin:Sup3r', secret: true }] },
];

const input = (over: Partial<CompareInput>): CompareInput => ({
  vendorName: 'Test',
  compiled: compiled([TRUST, ADMIN]),
  toApi: (s) => s,
  proofs: new Map(),
  firmware: { affected: [], possible: [], firmware: '1.0' },
  site: TEST_SITE,
  deviceKnown: true,
  ...over,
});
const get = (findings: ReturnType<typeof compareRules>, check: string) => findings.find((f) => f.check === check)!;

describe('compare', () => {
  it('read-back values decide pass and fail; the fix names the exact setting', () => {
    const pass = get(compareRules(input({ values: new Map([['sip.trust_ctrl', '1']]) })), 'sip-trusted-only');
    expect(pass).toMatchObject({ state: 'pass', severity: 'critical', fix: [] });
    const fail = get(compareRules(input({ values: new Map([['sip.trust_ctrl', '0']]) })), 'sip-trusted-only');
    expect(fail.state).toBe('fail');
    expect(fail.evidence).toContain('sip.trust_ctrl = 0 (want 1)');
    expect(fail.fix[0]).toMatch(/re-provision.*sip\.trust_ctrl = 1/);
  });

  it('nothing read back → unknown with the reason and the settings to check', () => {
    const f = get(compareRules(input({ noReadReason: 'no verified API' })), 'sip-trusted-only');
    expect(f).toMatchObject({ state: 'unknown', reason: 'no verified API', fix: ['sip.trust_ctrl = 1'] });
  });

  it('a secret is never read back nor shown: unknown unless a login proves it', () => {
    const values = new Map([['sip.trust_ctrl', '1']]);
    const unknown = get(compareRules(input({ values })), 'admin-password-set');
    expect(unknown.state).toBe('unknown');
    expect(JSON.stringify(unknown)).not.toContain('Sup3r');
    const proofs: Proofs = new Map([
      ['admin-password-set', [{ verdict: 'pass', text: "ghostguard's per-device admin password is accepted" }]],
    ]);
    expect(get(compareRules(input({ values, proofs })), 'admin-password-set').state).toBe('pass');
    const factory: Proofs = new Map([['admin-password-set', [{ verdict: 'fail', text: 'the factory default login was accepted' }]]]);
    const failed = get(compareRules(input({ values, proofs: factory })), 'admin-password-set');
    expect(failed.state).toBe('fail');
    expect(failed.fix.join(' ')).toContain('********');
    expect(JSON.stringify(failed)).not.toContain('Sup3r');
  });

  it('a proven failure beats a read-back pass, and adds the firewall step with the site servers', () => {
    const proofs: Proofs = new Map([['sip-trusted-only', [{ verdict: 'fail', text: 'OPTIONS answered' }]]]);
    const f = get(compareRules(input({ values: new Map([['sip.trust_ctrl', '1']]), proofs })), 'sip-trusted-only');
    expect(f.state).toBe('fail');
    expect(f.evidence).toContain('OPTIONS answered');
    expect(f.fix.join(' ')).toContain('sip.trust_ctrl = 1');
    expect(f.fix.join(' ')).toContain('127.0.0.2, 127.0.0.3, 127.0.0.4');
  });

  it('unsupported keeps its reason; a proof turns it into a failure with the network fix', () => {
    const c = compiled([['sip-trusted-only', { status: 'unsupported', reason: 'no verified parameter' }]]);
    const unsupported = get(compareRules(input({ compiled: c })), 'sip-trusted-only');
    expect(unsupported).toMatchObject({ state: 'unsupported', reason: 'no verified parameter' });
    expect(unsupported.fix[0]).toMatch(/firewall/);
    const proofs: Proofs = new Map([['sip-trusted-only', [{ verdict: 'fail', text: 'INVITE processed' }]]]);
    const failed = get(compareRules(input({ compiled: c, proofs })), 'sip-trusted-only');
    expect(failed.state).toBe('fail');
    expect(failed.fix[0]).toMatch(/cannot enforce this rule/);
  });

  it('a rule the policy turned off stays off whatever the proofs say', () => {
    const proofs: Proofs = new Map([['sip-trusted-only', [{ verdict: 'fail', text: 'x' }]]]);
    const f = get(compareRules(input({ compiled: compiled([['sip-trusted-only', { status: 'disabled' }]]), proofs })), 'sip-trusted-only');
    expect(f.state).toBe('disabled');
  });

  it('read-back names: mapped through toApi; unmapped names leave the rule unknown', () => {
    const c = compiled([
      [
        'no-direct-ip-calls',
        {
          status: 'applied',
          settings: [
            { key: 'call.ipcall.enable', value: 'No' },
            { key: 'x.y', value: '1' },
          ],
        },
      ],
    ]);
    const toApi = (s: { key: string; value: string }) =>
      s.key === 'call.ipcall.enable' ? { key: 'P1310', value: s.value === 'No' ? '1' : '0' } : undefined;
    const f = get(compareRules(input({ compiled: c, toApi, values: new Map([['P1310', '1']]) })), 'no-direct-ip-calls');
    expect(f.state).toBe('unknown');
    expect(f.evidence).toContain('x.y: no read-back name for this setting');
    const failing = get(compareRules(input({ compiled: c, toApi, values: new Map([['P1310', '0']]) })), 'no-direct-ip-calls');
    expect(failing.state).toBe('fail');
  });

  it('per-device rules are unknown when the phone is not matched to the inventory', () => {
    const f = get(compareRules(input({ compiled: compiled([]), deviceKnown: false })), 'reject-anonymous');
    expect(f).toMatchObject({ state: 'unknown' });
    expect(f.reason).toMatch(/not matched to an inventory device/);
  });

  it('firmware-current: CVE-2026-2329 on GXP16xx ≤ 1.0.7.79 is a critical failure', () => {
    const vulnerable = get(compareRules(input({ firmware: firmwareVerdict(GS_RANGES, 'GXP1625', '1.0.7.79') })), 'firmware-current');
    expect(vulnerable).toMatchObject({ state: 'fail', severity: 'critical' });
    expect(vulnerable.evidence[0]).toContain('CVE-2026-2329');
    expect(vulnerable.fix).toEqual(['upgrade the firmware to 1.0.7.81 or later']);
    expect(get(compareRules(input({ firmware: firmwareVerdict(GS_RANGES, 'GXP1625', '1.0.7.81') })), 'firmware-current').state).toBe(
      'pass',
    );
    expect(get(compareRules(input({ firmware: firmwareVerdict(GS_RANGES, 'GXP2140', '1.0.7.79') })), 'firmware-current').state).toBe(
      'pass',
    );
    expect(get(compareRules(input({ firmware: firmwareVerdict(GS_RANGES, 'GXP1625', undefined) })), 'firmware-current').state).toBe(
      'unknown',
    );
    expect(get(compareRules(input({ firmware: firmwareVerdict(GS_RANGES, undefined, '1.0.2.25') })), 'firmware-current').state).toBe(
      'unknown',
    );
  });

  it('no compiled policy: every config rule unknown with the reason', () => {
    const findings = compareRules(input({ compiled: undefined, compileProblem: 'unknown model X' }));
    expect(
      findings.filter((f) => f.check !== 'firmware-current').every((f) => f.state === 'unknown' && f.reason === 'unknown model X'),
    ).toBe(true);
  });
});
