import { describe, expect, it } from 'vitest';
import { AuditStore, diffFindings } from '../../src/store/audit-store.js';
import { openStateDatabase } from '../../src/store/sqlite-open.js';
import type { StoredFinding } from '../../src/store/store.js';

const f = (host: string, rule: string, state: string, mac?: string): StoredFinding => ({
  host,
  rule,
  state,
  severity: 'high',
  evidence: ['e'],
  fix: ['x'],
  ...(mac ? { mac } : {}),
});

describe('AuditStore (SQLite)', () => {
  it('stores runs with findings and finds the previous run over the same targets', async () => {
    const db = openStateDatabase(':memory:');
    const store = new AuditStore(db);
    const a = await store.startRun(new Date('2026-03-01T00:00:00Z'), ['127.77.0.0/24']);
    await store.finishRun(a, new Date('2026-03-01T00:01:00Z'), { fail: 2 }, [
      f('127.77.0.1', 'sip-trusted-only', 'fail', '001565000001'),
      f('127.77.0.2', 'snmp-locked', 'fail'),
    ]);
    const other = await store.startRun(new Date('2026-03-01T01:00:00Z'), ['127.78.0.0/24']);
    await store.finishRun(other, new Date('2026-03-01T01:01:00Z'), {}, []);
    const b = await store.startRun(new Date('2026-03-02T00:00:00Z'), ['127.77.0.0/24']);
    await store.finishRun(b, new Date('2026-03-02T00:01:00Z'), { fail: 1 }, [
      f('127.77.0.9', 'sip-trusted-only', 'pass', '001565000001'),
      f('127.77.0.2', 'snmp-locked', 'fail'),
      f('127.77.0.3', 'firmware-current', 'fail'),
    ]);
    expect((await store.runs()).map((r) => r.id)).toEqual([b, other, a]);
    expect(await store.run(a)).toMatchObject({ targets: ['127.77.0.0/24'], summary: { fail: 2 }, finishedAt: '2026-03-01T00:01:00.000Z' });
    expect((await store.findings(a))[0]).toEqual(f('127.77.0.1', 'sip-trusted-only', 'fail', '001565000001'));
    expect(await store.previousRun(b)).toBe(a);
    expect(await store.previousRun(a)).toBeUndefined();
    const diff = await store.diff(a, b);
    // the phone moved address but kept its MAC: matched by MAC, its fixed rule is resolved
    expect(diff.newFailures.map((x) => x.rule)).toEqual(['firmware-current']);
    expect(diff.resolved.map((x) => x.rule)).toEqual(['sip-trusted-only']);
    expect(diff.hostsAdded.sort()).toEqual(['127.77.0.3', '127.77.0.9']);
    expect(diff.hostsGone).toEqual(['127.77.0.1']);
    db.close();
  });

  it('diff: resolved failures on hosts still audited', () => {
    const d = diffFindings([f('h1', 'r', 'fail'), f('h2', 'r', 'fail')], [f('h1', 'r', 'pass')]);
    expect(d.resolved.map((x) => x.host)).toEqual(['h1']);
    expect(d.newFailures).toEqual([]);
  });
});
