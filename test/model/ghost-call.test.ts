/**
 * The ghost-call verdict from raw response sequences. Each expected verdict is issue #12's definition applied by hand
 * to a sequence a UAS may send per RFC 3261 (§8.2.2.3: 420 before processing an unsupported Require:; §9.1: 487 after
 * CANCEL; §17.2.1: 100 Trying from the transaction layer; §22: 401/407 challenges) — not the output of other code.
 */
import { describe, expect, it } from 'vitest';
import { ghostCallVerdict, responseSequence, type GhostCallInput, type SipExchange } from '../../src/model/ghost-call.js';
import { countVerdicts, isExposed, VERDICT_HEADLINES, verdictCountsLine } from '../../src/model/ghost-call-words.js';

const options200: SipExchange = { port: 5060, outcome: 'answered', status: 200, responses: [200] };
const optionsSilent: SipExchange = { port: 5060, outcome: 'timeout', responses: [] };
const invite = (responses: number[], over: Partial<SipExchange> = {}): SipExchange => ({
  port: 5060,
  outcome: responses.length ? 'answered' : 'timeout',
  responses,
  user: '100',
  ended: 'none',
  ...over,
});
const verdict = (input: Partial<GhostCallInput>) => ghostCallVerdict({ options: [options200], invites: [], ...input });

describe('ghost-call verdict: INVITE probe answers', () => {
  it("rings: 100 Trying → 180 Ringing, CANCELled → 487 (the 487 is the auditor's doing)", () => {
    const g = verdict({ invites: [invite([100, 180, 487], { ended: 'cancel' })] });
    expect(g.verdict).toBe('rings');
    expect(g.evidence[0]).toBe(
      'INVITE to 100 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated; the auditor ended it with CANCEL',
    );
    expect(g.howToTell).toBeUndefined();
  });

  it('rings: 183 Session Progress counts as alerting; a 200 OK (auto-answer) too', () => {
    expect(verdict({ invites: [invite([183, 487], { ended: 'cancel' })] }).verdict).toBe('rings');
    expect(verdict({ invites: [invite([100, 200], { ended: 'bye' })] }).verdict).toBe('rings');
  });

  it('likely-rings: 420 Bad Extension to the unsupported Require: (processed, not alerted)', () => {
    const g = verdict({ invites: [invite([420], { ended: 'ack' })] });
    expect(g.verdict).toBe('likely-rings');
    expect(g.howToTell).toBeTruthy();
    expect(g.evidence.some((e) => e.includes('420 Bad Extension'))).toBe(true);
  });

  it('refuses: OPTIONS 200 but INVITE 403 — even on a vendor whose OPTIONS answer shows the setting off', () => {
    const g = verdict({ invites: [invite([403], { ended: 'ack' })], vendor: { displayName: 'Yealink', trustedOnlyDropsOptions: true } });
    expect(g.verdict).toBe('refuses');
  });

  it('refuses: 100 Trying then 403 — 100 Trying proves nothing', () => {
    const g = verdict({ invites: [invite([100, 403], { ended: 'ack' })] });
    expect(g.verdict).toBe('refuses');
    expect(g.evidence[0]).toContain('100 Trying → 403 Forbidden');
  });

  it('refuses: each final error or challenge without 180/183', () => {
    for (const status of [401, 404, 407, 480, 486, 488, 500, 603]) {
      expect(verdict({ invites: [invite([status], { ended: 'ack' })] }).verdict, String(status)).toBe('refuses');
    }
  });

  it('ignores: OPTIONS 200 but the INVITE dropped (no answer)', () => {
    expect(verdict({ invites: [invite([])] }).verdict).toBe('ignores');
  });

  it('unknown: only 100 Trying, then nothing — with how to tell', () => {
    const g = verdict({ invites: [invite([100], { ended: 'cancel' })] });
    expect(g.verdict).toBe('unknown');
    expect(g.howToTell).toMatch(/timeout/);
  });

  it('a phone that checks the Request-URI user: 404 for 100, 180 for its own extension → rings', () => {
    const g = verdict({
      invites: [invite([404], { ended: 'ack' }), invite([100, 180, 487], { user: '2001', ended: 'cancel' })],
      ownExtensions: ['2001'],
    });
    expect(g.verdict).toBe('rings');
    expect(g.evidence).toContain(
      'INVITE to 2001 on udp/5060 drew 100 Trying → 180 Ringing → 487 Request Terminated; the auditor ended it with CANCEL',
    );
  });

  it('404 for 100 with no own extension probed: refuses, and says the extension might still ring', () => {
    const g = verdict({ invites: [invite([404], { ended: 'ack' })] });
    expect(g.verdict).toBe('refuses');
    expect(g.evidence[0]).toMatch(/own extension/);
  });
});

describe('ghost-call verdict without an INVITE probe', () => {
  it('silent on every probed port → ignores', () => {
    const g = ghostCallVerdict({ options: [optionsSilent, { port: 5062, outcome: 'closed' }], invites: [] });
    expect(g.verdict).toBe('ignores');
  });

  it('OPTIONS answered, vendor fact "trusted-only drops a stranger\'s OPTIONS" → likely-rings', () => {
    const g = verdict({ inviteNotSent: 'check --safe', vendor: { displayName: 'Yealink', trustedOnlyDropsOptions: true } });
    expect(g.verdict).toBe('likely-rings');
    expect(g.evidence.join(' ')).toMatch(/check --safe/);
    expect(g.howToTell).toMatch(/INVITE probe/);
  });

  it('OPTIONS answered, read-back shows refuse-strangers off → likely-rings', () => {
    expect(verdict({ refuseStrangers: 'off' }).verdict).toBe('likely-rings');
  });

  it('OPTIONS answered on a vendor whose OPTIONS answer says nothing → unknown, never safe; how to tell = the INVITE probe', () => {
    const g = verdict({ vendor: { displayName: 'Poly', trustedOnlyDropsOptions: false } });
    expect(g.verdict).toBe('unknown');
    expect(g.howToTell).toMatch(/INVITE probe/);
  });

  it('an INVITE that could not be sent is no evidence', () => {
    expect(verdict({ invites: [invite([], { outcome: 'error' })] }).verdict).toBe('unknown');
  });
});

describe('ghost-call words', () => {
  it('"it will ring" only for rings; hedged for likely-rings; never "safe"', () => {
    expect(VERDICT_HEADLINES.rings).toMatch(/will ring/);
    for (const v of ['likely-rings', 'refuses', 'ignores', 'unknown'] as const) expect(VERDICT_HEADLINES[v]).not.toMatch(/will ring/);
    expect(VERDICT_HEADLINES['likely-rings']).toMatch(/^Likely/);
    for (const h of Object.values(VERDICT_HEADLINES)) expect(h).not.toMatch(/safe/i);
    expect(isExposed('likely-rings')).toBe(true);
    expect(isExposed('unknown')).toBe(false);
  });

  it('counts line', () => {
    const counts = countVerdicts(['rings', 'rings', 'rings', 'likely-rings', 'likely-rings', 'refuses', 'ignores']);
    expect(verdictCountsLine(counts)).toBe('ghost calls: 3 phones will ring, 2 likely ring, 1 refuse strangers, 1 ignore strangers');
    expect(responseSequence([])).toBe('no answer');
  });
});
