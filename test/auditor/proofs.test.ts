import { describe, expect, it } from 'vitest';
import type { HostObservations, SipProbeResult } from '../../src/auditor/observations.js';
import { deriveProofs, type ProofInput } from '../../src/auditor/proofs.js';
import { auditProfileOf } from '../../src/auditor/vendor-profiles.js';
import { resolvePolicy } from '../../src/model/policy.js';
import { vendorById } from '../../vendors/index.js';

const sip = (port: number, outcome: SipProbeResult['outcome'], status?: number): SipProbeResult => ({
  kind: 'sip',
  method: 'OPTIONS',
  port,
  outcome,
  ...(status ? { status } : {}),
  attempts: 1,
  detail: `udp/${port}`,
});
const host = (over: Partial<HostObservations>): HostObservations => ({ host: '127.77.6.1', sip: [], http: [], snmp: [], ...over });
const input = (vendor: string, h: HostObservations, over: Partial<ProofInput> = {}): ProofInput => ({
  host: h,
  profile: auditProfileOf(vendorById(vendor)!),
  vendorName: vendor,
  policy: resolvePolicy([]),
  logins: { provisioned: 'not-tried', file: 'not-tried', factory: 'not-tried' },
  ...over,
});
const verdicts = (p: ReturnType<typeof deriveProofs>, check: string) => (p.get(check as never) ?? []).map((x) => x.verdict);

describe('active proofs', () => {
  it('OPTIONS answered fails sip-trusted-only where trusted-only drops all untrusted SIP (Yealink, Grandstream), not Poly', () => {
    const h = host({ sip: [sip(5060, 'answered', 200)] });
    expect(verdicts(deriveProofs(input('yealink', h)), 'sip-trusted-only')).toEqual(['fail']);
    expect(verdicts(deriveProofs(input('grandstream', h)), 'sip-trusted-only')).toEqual(['fail']);
    expect(verdicts(deriveProofs(input('polycom', h)), 'sip-trusted-only')).toEqual(['note']);
  });

  it('silence proves nothing', () => {
    expect(verdicts(deriveProofs(input('yealink', host({ sip: [sip(5060, 'timeout')] }))), 'sip-trusted-only')).toEqual(['note']);
  });

  it('INVITE probe: 420 proves processing without ringing; ringing proves direct IP calls; 200 proves auto-answer', () => {
    const invite = (status: number, provisional: number[] = []): SipProbeResult => ({
      ...sip(5060, 'answered', status),
      method: 'INVITE',
      provisional,
      ended: 'ack',
    });
    const p420 = deriveProofs(input('polycom', host({ invites: [invite(420)] })));
    expect(verdicts(p420, 'sip-trusted-only')).toEqual(['fail']);
    expect(verdicts(p420, 'no-direct-ip-calls')).toEqual([]);
    const ring = deriveProofs(input('yealink', host({ invites: [invite(487, [180])] })));
    expect(verdicts(ring, 'no-direct-ip-calls')).toEqual(['fail']);
    expect(verdicts(ring, 'invite-validation')).toEqual(['fail']);
    expect(verdicts(deriveProofs(input('yealink', host({ invites: [invite(200)] }))), 'no-auto-answer')).toEqual(['fail']);
    expect(verdicts(deriveProofs(input('polycom', host({ invites: [invite(401)] }))), 'invite-validation')).toEqual(['pass']);
    expect(verdicts(deriveProofs(input('polycom', host({ invites: [invite(403)] }))), 'sip-trusted-only')).toEqual(['note']);
    // 100 Trying is the transaction layer: 100 then 403 is a refusal, not "processed"
    const trying = { ...invite(403), responses: [100, 403] };
    expect(verdicts(deriveProofs(input('yealink', host({ invites: [trying] }))), 'sip-trusted-only')).toEqual(['note']);
  });

  it('SNMP answering "public" fails snmp-locked', () => {
    const h = host({ snmp: [{ kind: 'snmp', port: 161, community: 'public', outcome: 'answered', sysDescr: 'x', detail: '' }] });
    const p = deriveProofs(input('grandstream', h));
    expect(verdicts(p, 'snmp-locked')).toEqual(['fail']);
    expect(p.get('snmp-locked')![0]!.text).toContain('"public"');
  });

  it('logins: factory accepted fails, provisioned accepted passes', () => {
    const factory = deriveProofs(
      input('polycom', host({}), { logins: { provisioned: 'refused', file: 'not-tried', factory: 'accepted' } }),
    );
    expect(verdicts(factory, 'admin-password-set')).toEqual(['fail', 'note']);
    const ok = deriveProofs(input('polycom', host({}), { logins: { provisioned: 'accepted', file: 'not-tried', factory: 'not-tried' } }));
    expect(verdicts(ok, 'admin-password-set')).toEqual(['pass']);
  });

  it('plain HTTP serving the UI fails web-https-only; a redirect to HTTPS does not', () => {
    const page = (status: number, location?: string) => ({
      kind: 'http' as const,
      scheme: 'http' as const,
      port: 80,
      path: '/',
      outcome: 'answered' as const,
      status,
      ...(location ? { location } : {}),
      detail: '',
    });
    expect(verdicts(deriveProofs(input('yealink', host({ http: [page(200)] }))), 'web-https-only')).toEqual(['fail']);
    expect(verdicts(deriveProofs(input('yealink', host({ http: [page(302, 'https://x/')] }))), 'web-https-only')).toEqual(['note']);
    // a redirect to a login page on the same plain-HTTP server still serves the UI in clear text
    expect(
      verdicts(deriveProofs(input('yealink', host({ http: [page(302, '/servlet?m=mod_listener&p=login')] }))), 'web-https-only'),
    ).toEqual(['fail']);
  });

  it('HTTPS answering while plain HTTP refuses connections passes web-https-only; plain HTTP silent proves nothing', () => {
    const probe = (scheme: 'http' | 'https', port: number, outcome: 'answered' | 'closed' | 'timeout') => ({
      kind: 'http' as const,
      scheme,
      port,
      path: '/',
      outcome,
      ...(outcome === 'answered' ? { status: 200 } : {}),
      detail: '',
    });
    const passed = deriveProofs(input('yealink', host({ http: [probe('http', 80, 'closed'), probe('https', 443, 'answered')] })));
    expect(passed.get('web-https-only')).toEqual([
      { verdict: 'pass', text: 'the web interface answers over HTTPS on tcp/443; plain HTTP on tcp/80 refuses connections' },
    ]);
    expect(
      deriveProofs(input('yealink', host({ http: [probe('http', 80, 'timeout'), probe('https', 443, 'answered')] }))).get('web-https-only'),
    ).toBeUndefined();
    expect(deriveProofs(input('yealink', host({ http: [probe('https', 443, 'answered')] }))).get('web-https-only')).toBeUndefined();
    expect(
      deriveProofs(input('yealink', host({ http: [probe('http', 80, 'closed'), probe('https', 443, 'timeout')] }))).get('web-https-only'),
    ).toBeUndefined();
  });

  it('sip-port-nonstandard: answering on 5060 fails, only on the policy port passes', () => {
    const policy = resolvePolicy([{ 'sip-port-nonstandard': { enabled: true, port: 5062 } }]);
    expect(
      verdicts(deriveProofs(input('yealink', host({ sip: [sip(5060, 'answered', 200)] }), { policy })), 'sip-port-nonstandard'),
    ).toEqual(['fail']);
    expect(
      verdicts(
        deriveProofs(input('yealink', host({ sip: [sip(5060, 'closed'), sip(5062, 'answered', 200)] }), { policy })),
        'sip-port-nonstandard',
      ),
    ).toEqual(['pass']);
  });
});
