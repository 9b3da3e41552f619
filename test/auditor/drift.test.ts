import { describe, expect, it } from 'vitest';
import { driftFinding, type DriftInput } from '../../src/auditor/drift.js';
import type { FetchRecord } from '../../src/store/store.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const rec = (over: Partial<FetchRecord>): FetchRecord => ({
  ts: '2026-02-28T12:00:00Z',
  mac: '001565000001',
  source: '127.77.7.1',
  userAgent: 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:01',
  file: '001565000001.cfg',
  sha256: 'a'.repeat(64),
  auth: 'digest',
  status: 200,
  ...over,
});
const input = (over: Partial<DriftInput>): DriftInput => ({
  host: '127.77.7.1',
  history: [rec({})],
  now: NOW,
  staleDays: 14,
  currentSha: (r) => r.sha256,
  readbackFailures: [],
  ...over,
});

describe('drift', () => {
  it('never fetched → fail', () => {
    expect(driftFinding(input({ history: [] }))).toMatchObject({ state: 'fail', check: 'config-drift', severity: 'medium' });
  });

  it('only refused fetches → fail', () => {
    expect(driftFinding(input({ history: [rec({ status: 401, sha256: '' })] })).state).toBe('fail');
  });

  it('current and recent → pass, with the served sha as evidence', () => {
    const f = driftFinding(input({}));
    expect(f.state).toBe('pass');
    expect(f.evidence[0]).toContain('sha256 aaaaaaaaaaaa…');
  });

  it('the server would now serve something else → fail with a resync fix', () => {
    const f = driftFinding(input({ currentSha: () => 'b'.repeat(64) }));
    expect(f.state).toBe('fail');
    expect(f.evidence.join(' ')).toContain('ghostguard now serves sha256 bbbbbbbbbbbb…');
    expect(f.fix[0]).toMatch(/resync/);
  });

  it('stale by age → fail', () => {
    const f = driftFinding(input({ history: [rec({ ts: '2026-01-01T00:00:00Z' })] }));
    expect(f.state).toBe('fail');
    expect(f.evidence.join(' ')).toMatch(/59 days old/);
  });

  it('fetched the current config but runs other settings → changed on the phone', () => {
    const f = driftFinding(input({ readbackFailures: ['sip-trusted-only'] }));
    expect(f.state).toBe('fail');
    expect(f.evidence.join(' ')).toMatch(/changed on the phone/);
  });

  it('notes a different fetch source', () => {
    expect(driftFinding(input({ host: '127.77.7.9' })).evidence.join(' ')).toMatch(/audited at 127\.77\.7\.9/);
  });
});
