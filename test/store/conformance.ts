/**
 * The Store contract, as tests any backend must pass: `storeConformance('sqlite', open)` runs them against one. Only
 * the Store interface is used — a second backend (PostgreSQL) passes the same suite by supplying its own `open`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseMac } from '../../src/model/mac.js';
import type { FetchRecord, ScheduleRunRecord, SecurityEvent, StoredFinding, Store } from '../../src/store/store.js';

export interface OpenedStore {
  store: Store;
  /** the same backing state, opened again (another process or replica); closes with the first */
  reopen(): Store;
}

const A = parseMac('00:15:65:00:00:a1')!;
const B = parseMac('00:15:65:00:00:b2')!;
const at = (s: number) => new Date(Date.UTC(2026, 2, 1, 0, 0, s));

const fetchOf = (mac: string, source: string, n: number, sha = `sha-${n}`): FetchRecord => ({
  ts: at(n).toISOString(),
  mac,
  source,
  userAgent: 'Yealink SIP-T46U 108.86.0.45',
  file: `${mac}.cfg`,
  sha256: sha,
  auth: 'digest',
  status: 200,
});

const finding = (host: string, rule: string, state: string, mac?: string): StoredFinding => ({
  host,
  rule,
  state,
  severity: 'high',
  evidence: [`${rule} on ${host}`],
  fix: ['harden it'],
  ...(mac ? { mac } : {}),
});

const scheduleRun = (runId: number, overrides: Partial<ScheduleRunRecord> = {}): ScheduleRunRecord => ({
  runId,
  schedule: 'nightly',
  signature: 'sig-a',
  startedAt: at(runId).toISOString(),
  finishedAt: at(runId + 1).toISOString(),
  complete: true,
  hosts: 3,
  phones: 2,
  exposed: 1,
  failing: 4,
  unknownDevices: 0,
  changes: 0,
  delivery: 'none',
  attempts: 0,
  ...overrides,
});

export function storeConformance(backend: string, open: () => OpenedStore): void {
  describe(`Store conformance: ${backend}`, () => {
    const opened: Store[] = [];
    const fresh = (): OpenedStore => {
      const o = open();
      opened.push(o.store);
      return {
        store: o.store,
        reopen: () => {
          const again = o.reopen();
          opened.unshift(again);
          return again;
        },
      };
    };
    afterEach(() => {
      for (const s of opened.splice(0)) s.close();
    });

    it('fetch history: newest first, limited, per MAC; the last fetch per source address', () => {
      const { store } = fresh();
      for (let n = 1; n <= 4; n++) store.recordFetch(fetchOf(A, '127.128.1.1', n));
      store.recordFetch(fetchOf(B, '127.128.1.2', 5));
      expect(store.fetchHistory(A).map((f) => f.sha256)).toEqual(['sha-4', 'sha-3', 'sha-2', 'sha-1']);
      expect(store.fetchHistory(A, 2)).toHaveLength(2);
      expect(store.fetchHistory(A)[0]).toEqual(fetchOf(A, '127.128.1.1', 4));
      expect(store.lastFetchBySource('127.128.1.2')).toMatchObject({ mac: B, sha256: 'sha-5' });
      store.recordFetch(fetchOf(B, '127.128.1.1', 6));
      expect(store.lastFetchBySource('127.128.1.1')).toMatchObject({ mac: B, sha256: 'sha-6' });
      expect(store.lastFetchBySource('127.128.1.9')).toBeUndefined();
    });

    it('events: newest first, filtered by reason and MAC, optional fields absent rather than null', () => {
      const { store } = fresh();
      const e = (n: number, reason: SecurityEvent['reason'], mac?: string): SecurityEvent => ({
        ts: at(n).toISOString(),
        reason,
        severity: 'medium',
        source: '127.128.1.1',
        ...(mac ? { mac } : {}),
      });
      store.recordEvent(e(1, 'unknown-mac', A));
      store.recordEvent(e(2, 'bad-credentials', B));
      store.recordEvent(e(3, 'unknown-mac'));
      expect(store.events().map((x) => x.ts)).toEqual([at(3), at(2), at(1)].map((d) => d.toISOString()));
      expect(store.events({ reason: 'unknown-mac' })).toHaveLength(2);
      expect(store.events({ mac: B })).toEqual([e(2, 'bad-credentials', B)]);
      expect(store.events({ limit: 1 })).toEqual([e(3, 'unknown-mac')]);
      expect(Object.keys(store.events({ limit: 1 })[0]!)).not.toContain('mac');
    });

    it('enrolment: opened, reopened, closed with the pinned source; opening the missing ones skips known MACs', () => {
      const { store } = fresh();
      expect(store.enrolment(A)).toBeUndefined();
      store.openEnrolment(A, at(100), at(0));
      expect(store.enrolment(A)).toEqual({ mac: A, openedAt: at(0).toISOString(), expiresAt: at(100).toISOString() });
      store.closeEnrolment(A, '127.128.1.1', at(5));
      expect(store.enrolment(A)).toMatchObject({ closedAt: at(5).toISOString(), pinnedSource: '127.128.1.1' });
      expect(store.openMissingEnrolments([A, B], at(200), at(10))).toBe(1);
      expect(store.enrolment(A)?.closedAt).toBe(at(5).toISOString());
      expect(store.enrolment(B)).toMatchObject({ openedAt: at(10).toISOString() });
      store.openEnrolment(A, at(300), at(20));
      expect(store.enrolment(A)?.closedAt).toBeUndefined();
      expect(store.enrolment(A)?.pinnedSource).toBeUndefined();
    });

    it('credentials: generations rotate, the previous stays valid until confirmed, SIP only on request', () => {
      const { store } = fresh();
      expect(store.credentials(A)).toEqual({ generation: 0, sipGeneration: 0 });
      expect(store.rotateCredentials(A, false)).toEqual({ generation: 1, previousGeneration: 0, sipGeneration: 0 });
      expect(store.rotateCredentials(A, true)).toEqual({ generation: 2, previousGeneration: 1, sipGeneration: 1 });
      store.confirmCredentials(A);
      expect(store.credentials(A)).toEqual({ generation: 2, sipGeneration: 1 });
      expect(store.credentials(B)).toEqual({ generation: 0, sipGeneration: 0 });
    });

    it('a change made through another handle is seen (another process rotating credentials)', async () => {
      const { store, reopen } = fresh();
      expect(store.credentials(A).generation).toBe(0);
      const other = reopen();
      other.rotateCredentials(A, false);
      other.openEnrolment(B, at(50), at(1));
      const deadline = Date.now() + 5000;
      while (store.credentials(A).generation !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(store.credentials(A).generation).toBe(1);
      expect(store.enrolment(B)).toMatchObject({ expiresAt: at(50).toISOString() });
    });

    it('override uploads: stored per MAC, newest first, weakened settings kept as a list', () => {
      const { store } = fresh();
      store.saveOverride({ ts: at(1).toISOString(), mac: A, file: `${A}-phone.cfg`, body: '<a/>', weakened: [] });
      store.saveOverride({ ts: at(2).toISOString(), mac: A, file: `${A}-phone.cfg`, body: '<b/>', weakened: ['sip-trusted-only'] });
      expect(store.overrides(A).map((o) => [o.body, o.weakened])).toEqual([
        ['<b/>', ['sip-trusted-only']],
        ['<a/>', []],
      ]);
      expect(store.overrides(B)).toEqual([]);
    });

    it('audit runs: stored with findings, listed newest first, compared with the previous run over the same targets', () => {
      const { auditRuns } = fresh().store;
      const first = auditRuns.startRun(at(0), ['127.128.2.0/24']);
      auditRuns.finishRun(first, at(1), { phones: 2 }, [
        finding('127.128.2.1', 'sip-trusted-only', 'fail', A),
        finding('127.128.2.2', 'snmp-locked', 'fail'),
      ]);
      const other = auditRuns.startRun(at(2), ['127.128.3.1']);
      const second = auditRuns.startRun(at(3), ['127.128.2.0/24']);
      auditRuns.finishRun(second, at(4), { phones: 2 }, [
        finding('127.128.2.1', 'sip-trusted-only', 'pass', A),
        finding('127.128.2.3', 'snmp-locked', 'fail'),
      ]);
      expect(auditRuns.runs().map((r) => r.id)).toEqual([second, other, first]);
      expect(auditRuns.runs(1)).toHaveLength(1);
      expect(auditRuns.run(first)).toEqual({
        id: first,
        startedAt: at(0).toISOString(),
        finishedAt: at(1).toISOString(),
        targets: ['127.128.2.0/24'],
        summary: { phones: 2 },
      });
      expect(auditRuns.run(other)?.finishedAt).toBeUndefined();
      expect(auditRuns.run(99_999)).toBeUndefined();
      expect(auditRuns.findings(first)).toEqual([
        finding('127.128.2.1', 'sip-trusted-only', 'fail', A),
        finding('127.128.2.2', 'snmp-locked', 'fail'),
      ]);
      expect(auditRuns.previousRun(second)).toBe(first);
      expect(auditRuns.previousRun(first)).toBeUndefined();
      const diff = auditRuns.diff(first, second);
      expect(diff.newFailures.map((f) => f.host)).toEqual(['127.128.2.3']);
      expect(diff.resolved.map((f) => f.host)).toEqual(['127.128.2.1']);
      expect(diff).toMatchObject({ hostsAdded: ['127.128.2.3'], hostsGone: ['127.128.2.2'] });
    });

    it('schedule runs: baseline is the latest complete run with the same targets; recent is oldest first', () => {
      const { scheduleRuns } = fresh().store;
      scheduleRuns.record(scheduleRun(1));
      scheduleRuns.record(scheduleRun(2, { complete: false }));
      scheduleRuns.record(scheduleRun(3, { signature: 'sig-b' }));
      scheduleRuns.record(scheduleRun(4, { previousRunId: 1, changes: 2, delivery: 'log-only' }));
      scheduleRuns.record(scheduleRun(5, { schedule: 'weekly' }));
      expect(scheduleRuns.baseline('nightly', 'sig-a', 4)).toBe(1);
      expect(scheduleRuns.baseline('nightly', 'sig-a', 1)).toBeUndefined();
      expect(scheduleRuns.last('nightly')).toEqual(scheduleRun(4, { previousRunId: 1, changes: 2, delivery: 'log-only' }));
      expect(scheduleRuns.recent('nightly', 2).map((r) => r.runId)).toEqual([3, 4]);
      expect(scheduleRuns.schedules()).toEqual(['nightly', 'weekly']);
      scheduleRuns.setDelivery(4, 'delivered', 2);
      expect(scheduleRuns.last('nightly')).toMatchObject({ delivery: 'delivered', attempts: 2 });
      expect(scheduleRuns.last('monthly')).toBeUndefined();
    });

    it('served versions: one per distinct body, in order; snapshots kept per device file up to the limit', async () => {
      const { store } = fresh();
      const { snapshots } = store;
      const start = snapshots.latestVersion();
      store.recordFetch(fetchOf(A, '127.128.1.1', 1, 'body-1'));
      store.recordFetch(fetchOf(A, '127.128.1.1', 2, 'body-1'));
      store.recordFetch(fetchOf(A, '127.128.1.1', 3, 'body-2'));
      store.fetchHistory(A);
      const deadline = Date.now() + 5000;
      while (snapshots.versionsAfter(start, 10).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const versions = snapshots.versionsAfter(start, 10);
      expect(versions.map((v) => [v.sha256, v.mac, v.file, v.userAgent])).toEqual([
        ['body-1', A, `${A}.cfg`, 'Yealink SIP-T46U 108.86.0.45'],
        ['body-2', A, `${A}.cfg`, 'Yealink SIP-T46U 108.86.0.45'],
      ]);
      expect(snapshots.versionsAfter(versions[0]!.id, 10).map((v) => v.sha256)).toEqual(['body-2']);
      expect(snapshots.latestVersion()).toBe(versions[1]!.id);
      for (let n = 1; n <= 4; n++)
        snapshots.put({ sha256: `snap-${n}`, mac: A, file: `${A}.cfg`, ts: at(n).toISOString(), body: `text ${n}` }, 3);
      expect(snapshots.has('snap-1')).toBe(false);
      expect(snapshots.has('snap-4')).toBe(true);
      expect(snapshots.get('snap-2')).toEqual({ sha256: 'snap-2', mac: A, file: `${A}.cfg`, ts: at(2).toISOString(), body: 'text 2' });
      expect(snapshots.get('nothing')).toBeUndefined();
    });

    it('state is shared by every handle on the same backing state', () => {
      const { store, reopen } = fresh();
      store.rotateCredentials(A, true);
      store.recordFetch(fetchOf(A, '127.128.1.1', 1));
      const run = store.auditRuns.startRun(at(0), ['127.128.2.1']);
      store.fetchHistory(A);
      const again = reopen();
      expect(again.credentials(A)).toMatchObject({ generation: 1, sipGeneration: 1 });
      expect(again.fetchHistory(A)).toHaveLength(1);
      expect(again.auditRuns.run(run)?.targets).toEqual(['127.128.2.1']);
    });
  });
}
