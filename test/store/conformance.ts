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
  reopen(): Store | Promise<Store>;
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

export function storeConformance(backend: string, open: () => OpenedStore | Promise<OpenedStore>): void {
  describe(`Store conformance: ${backend}`, () => {
    const opened: Store[] = [];
    const fresh = async (): Promise<{ store: Store; reopen: () => Promise<Store> }> => {
      const o = await open();
      opened.push(o.store);
      return {
        store: o.store,
        reopen: async () => {
          const again = await o.reopen();
          opened.unshift(again);
          return again;
        },
      };
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('fetch history: newest first, limited, per MAC; the last fetch per source address', async () => {
      const { store } = await fresh();
      for (let n = 1; n <= 4; n++) await store.recordFetch(fetchOf(A, '127.128.1.1', n));
      await store.recordFetch(fetchOf(B, '127.128.1.2', 5));
      expect((await store.fetchHistory(A)).map((f) => f.sha256)).toEqual(['sha-4', 'sha-3', 'sha-2', 'sha-1']);
      expect(await store.fetchHistory(A, 2)).toHaveLength(2);
      expect((await store.fetchHistory(A))[0]).toEqual(fetchOf(A, '127.128.1.1', 4));
      expect(await store.lastFetchBySource('127.128.1.2')).toMatchObject({ mac: B, sha256: 'sha-5' });
      await store.recordFetch(fetchOf(B, '127.128.1.1', 6));
      expect(await store.lastFetchBySource('127.128.1.1')).toMatchObject({ mac: B, sha256: 'sha-6' });
      expect(await store.lastFetchBySource('127.128.1.9')).toBeUndefined();
    });

    it('events: newest first, filtered by reason and MAC, optional fields absent rather than null', async () => {
      const { store } = await fresh();
      const e = (n: number, reason: SecurityEvent['reason'], mac?: string): SecurityEvent => ({
        ts: at(n).toISOString(),
        reason,
        severity: 'medium',
        source: '127.128.1.1',
        ...(mac ? { mac } : {}),
      });
      await store.recordEvent(e(1, 'unknown-mac', A));
      await store.recordEvent(e(2, 'bad-credentials', B));
      await store.recordEvent(e(3, 'unknown-mac'));
      expect((await store.events()).map((x) => x.ts)).toEqual([at(3), at(2), at(1)].map((d) => d.toISOString()));
      expect(await store.events({ reason: 'unknown-mac' })).toHaveLength(2);
      expect(await store.events({ mac: B })).toEqual([e(2, 'bad-credentials', B)]);
      expect(await store.events({ limit: 1 })).toEqual([e(3, 'unknown-mac')]);
      expect(Object.keys((await store.events({ limit: 1 }))[0]!)).not.toContain('mac');
    });

    it('a NUL character in a hostile value never costs the batch it arrived in (PostgreSQL text refuses it)', async () => {
      const { store } = await fresh();
      await store.recordFetch(fetchOf(A, '127.128.1.3', 1));
      await store.recordEvent({
        ts: at(1).toISOString(),
        reason: 'bad-upload',
        severity: 'medium',
        mac: A,
        detail: 'garbage \u0000\u0001<<<',
      });
      await store.recordEvent({ ts: at(2).toISOString(), reason: 'unknown-mac', severity: 'medium', source: '127.128.1.3' });
      await store.saveOverride({ ts: at(3).toISOString(), mac: A, file: `${A}-phone.cfg`, body: '<o a="\u0000"/>', weakened: [] });
      expect((await store.events()).map((e) => e.reason)).toEqual(['unknown-mac', 'bad-upload']);
      expect((await store.events({ reason: 'bad-upload' }))[0]!.detail).toMatch(/^garbage [\u0000\uFFFD]\u0001<<<$/);
      expect(await store.fetchHistory(A)).toHaveLength(1);
      expect(await store.overrides(A)).toHaveLength(1);
    });

    it('enrolment: opened, reopened, closed with the pinned source; opening the missing ones skips known MACs', async () => {
      const { store } = await fresh();
      expect(await store.enrolment(A)).toBeUndefined();
      await store.openEnrolment(A, at(100), at(0));
      expect(await store.enrolment(A)).toEqual({ mac: A, openedAt: at(0).toISOString(), expiresAt: at(100).toISOString() });
      await store.closeEnrolment(A, '127.128.1.1', at(5));
      expect(await store.enrolment(A)).toMatchObject({ closedAt: at(5).toISOString(), pinnedSource: '127.128.1.1' });
      expect(await store.openMissingEnrolments([A, B], at(200), at(10))).toBe(1);
      expect((await store.enrolment(A))?.closedAt).toBe(at(5).toISOString());
      expect(await store.enrolment(B)).toMatchObject({ openedAt: at(10).toISOString() });
      await store.openEnrolment(A, at(300), at(20));
      expect((await store.enrolment(A))?.closedAt).toBeUndefined();
      expect((await store.enrolment(A))?.pinnedSource).toBeUndefined();
    });

    it('credentials: generations rotate, the previous stays valid until confirmed, SIP only on request', async () => {
      const { store } = await fresh();
      expect(await store.credentials(A)).toEqual({ generation: 0, sipGeneration: 0 });
      expect(await store.rotateCredentials(A, false)).toEqual({ generation: 1, previousGeneration: 0, sipGeneration: 0 });
      expect(await store.rotateCredentials(A, true)).toEqual({ generation: 2, previousGeneration: 1, sipGeneration: 1 });
      await store.confirmCredentials(A);
      expect(await store.credentials(A)).toEqual({ generation: 2, sipGeneration: 1 });
      expect(await store.credentials(B)).toEqual({ generation: 0, sipGeneration: 0 });
    });

    it('a change made through another handle is seen (another process rotating credentials)', async () => {
      const { store, reopen } = await fresh();
      expect((await store.credentials(A)).generation).toBe(0);
      const other = await reopen();
      await other.rotateCredentials(A, false);
      await other.openEnrolment(B, at(50), at(1));
      const deadline = Date.now() + 5000;
      while ((await store.credentials(A)).generation !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect((await store.credentials(A)).generation).toBe(1);
      expect(await store.enrolment(B)).toMatchObject({ expiresAt: at(50).toISOString() });
    });

    it('override uploads: stored per MAC, newest first, weakened settings kept as a list', async () => {
      const { store } = await fresh();
      await store.saveOverride({ ts: at(1).toISOString(), mac: A, file: `${A}-phone.cfg`, body: '<a/>', weakened: [] });
      await store.saveOverride({ ts: at(2).toISOString(), mac: A, file: `${A}-phone.cfg`, body: '<b/>', weakened: ['sip-trusted-only'] });
      expect((await store.overrides(A)).map((o) => [o.body, o.weakened])).toEqual([
        ['<b/>', ['sip-trusted-only']],
        ['<a/>', []],
      ]);
      expect(await store.overrides(B)).toEqual([]);
    });

    it('audit runs: stored with findings, listed newest first, compared with the previous run over the same targets', async () => {
      const { auditRuns } = (await fresh()).store;
      const first = await auditRuns.startRun(at(0), ['127.128.2.0/24']);
      await auditRuns.finishRun(first, at(1), { phones: 2 }, [
        finding('127.128.2.1', 'sip-trusted-only', 'fail', A),
        finding('127.128.2.2', 'snmp-locked', 'fail'),
      ]);
      const other = await auditRuns.startRun(at(2), ['127.128.3.1']);
      const second = await auditRuns.startRun(at(3), ['127.128.2.0/24']);
      await auditRuns.finishRun(second, at(4), { phones: 2 }, [
        finding('127.128.2.1', 'sip-trusted-only', 'pass', A),
        finding('127.128.2.3', 'snmp-locked', 'fail'),
      ]);
      expect((await auditRuns.runs()).map((r) => r.id)).toEqual([second, other, first]);
      expect(await auditRuns.runs(1)).toHaveLength(1);
      expect(await auditRuns.run(first)).toEqual({
        id: first,
        startedAt: at(0).toISOString(),
        finishedAt: at(1).toISOString(),
        targets: ['127.128.2.0/24'],
        summary: { phones: 2 },
      });
      expect((await auditRuns.run(other))?.finishedAt).toBeUndefined();
      expect(await auditRuns.run(99_999)).toBeUndefined();
      expect(await auditRuns.findings(first)).toEqual([
        finding('127.128.2.1', 'sip-trusted-only', 'fail', A),
        finding('127.128.2.2', 'snmp-locked', 'fail'),
      ]);
      expect(await auditRuns.previousRun(second)).toBe(first);
      expect(await auditRuns.previousRun(first)).toBeUndefined();
      const diff = await auditRuns.diff(first, second);
      expect(diff.newFailures.map((f) => f.host)).toEqual(['127.128.2.3']);
      expect(diff.resolved.map((f) => f.host)).toEqual(['127.128.2.1']);
      expect(diff).toMatchObject({ hostsAdded: ['127.128.2.3'], hostsGone: ['127.128.2.2'] });
    });

    it('schedule runs: baseline is the latest complete run with the same targets; recent is oldest first', async () => {
      const { scheduleRuns } = (await fresh()).store;
      await scheduleRuns.record(scheduleRun(1));
      await scheduleRuns.record(scheduleRun(2, { complete: false }));
      await scheduleRuns.record(scheduleRun(3, { signature: 'sig-b' }));
      await scheduleRuns.record(scheduleRun(4, { previousRunId: 1, changes: 2, delivery: 'log-only' }));
      await scheduleRuns.record(scheduleRun(5, { schedule: 'weekly' }));
      expect(await scheduleRuns.baseline('nightly', 'sig-a', 4)).toBe(1);
      expect(await scheduleRuns.baseline('nightly', 'sig-a', 1)).toBeUndefined();
      expect(await scheduleRuns.last('nightly')).toEqual(scheduleRun(4, { previousRunId: 1, changes: 2, delivery: 'log-only' }));
      expect((await scheduleRuns.recent('nightly', 2)).map((r) => r.runId)).toEqual([3, 4]);
      expect(await scheduleRuns.schedules()).toEqual(['nightly', 'weekly']);
      await scheduleRuns.setDelivery(4, 'delivered', 2);
      expect(await scheduleRuns.last('nightly')).toMatchObject({ delivery: 'delivered', attempts: 2 });
      expect(await scheduleRuns.last('monthly')).toBeUndefined();
    });

    it('served versions: one per distinct body, in order; snapshots kept per device file up to the limit', async () => {
      const { store } = await fresh();
      const { snapshots } = store;
      const start = await snapshots.latestVersion();
      await store.recordFetch(fetchOf(A, '127.128.1.1', 1, 'body-1'));
      await store.recordFetch(fetchOf(A, '127.128.1.1', 2, 'body-1'));
      await store.recordFetch(fetchOf(A, '127.128.1.1', 3, 'body-2'));
      await store.fetchHistory(A);
      const deadline = Date.now() + 5000;
      while ((await snapshots.versionsAfter(start, 10)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const versions = await snapshots.versionsAfter(start, 10);
      expect(versions.map((v) => [v.sha256, v.mac, v.file, v.userAgent])).toEqual([
        ['body-1', A, `${A}.cfg`, 'Yealink SIP-T46U 108.86.0.45'],
        ['body-2', A, `${A}.cfg`, 'Yealink SIP-T46U 108.86.0.45'],
      ]);
      expect((await snapshots.versionsAfter(versions[0]!.id, 10)).map((v) => v.sha256)).toEqual(['body-2']);
      expect(await snapshots.latestVersion()).toBe(versions[1]!.id);
      for (let n = 1; n <= 4; n++)
        await snapshots.put({ sha256: `snap-${n}`, mac: A, file: `${A}.cfg`, ts: at(n).toISOString(), body: `text ${n}` }, 3);
      expect(await snapshots.has('snap-1')).toBe(false);
      expect(await snapshots.has('snap-4')).toBe(true);
      expect(await snapshots.get('snap-2')).toEqual({
        sha256: 'snap-2',
        mac: A,
        file: `${A}.cfg`,
        ts: at(2).toISOString(),
        body: 'text 2',
      });
      expect(await snapshots.get('nothing')).toBeUndefined();
    });

    it('dashboard sessions: shared by every handle, touched, expired when idle or old, bounded, destroyed everywhere', async () => {
      const { store, reopen } = await fresh();
      const limits = { idleMs: 1000, maxAgeMs: 5000, max: 2 };
      await store.sessions.create('hash-1', 'admin', 0, limits);
      const again = await reopen();
      expect(await again.sessions.touch('hash-1', 900, limits)).toEqual({ user: 'admin', createdAt: 0, lastSeen: 900 });
      // touched at 900 by the other handle: still alive at 1800, idle past 1000 ms at 2900
      expect(await store.sessions.touch('hash-1', 1800, limits)).toMatchObject({ lastSeen: 1800 });
      expect(await store.sessions.touch('hash-1', 2900, limits)).toBeUndefined();
      expect(await again.sessions.touch('hash-1', 2901, limits)).toBeUndefined();
      await store.sessions.create('hash-2', 'admin', 3000, limits);
      for (let t = 3500; t <= 8000; t += 500) await store.sessions.touch('hash-2', t, limits);
      expect(await store.sessions.touch('hash-2', 8500, limits)).toBeUndefined();
      for (const [n, t] of [
        [3, 9000],
        [4, 9001],
        [5, 9002],
      ] as const)
        await store.sessions.create(`hash-${n}`, 'admin', t, limits);
      expect(await again.sessions.touch('hash-3', 9003, limits)).toBeUndefined();
      expect(await again.sessions.touch('hash-4', 9003, limits)).toBeDefined();
      await again.sessions.destroy('hash-5');
      expect(await store.sessions.touch('hash-5', 9004, limits)).toBeUndefined();
      expect(await store.sessions.touch('unknown', 9004, limits)).toBeUndefined();
    });

    it('state is shared by every handle on the same backing state', async () => {
      const { store, reopen } = await fresh();
      await store.rotateCredentials(A, true);
      await store.recordFetch(fetchOf(A, '127.128.1.1', 1));
      const run = await store.auditRuns.startRun(at(0), ['127.128.2.1']);
      await store.fetchHistory(A);
      const again = await reopen();
      expect(await again.credentials(A)).toMatchObject({ generation: 1, sipGeneration: 1 });
      expect(await again.fetchHistory(A)).toHaveLength(1);
      expect((await again.auditRuns.run(run))?.targets).toEqual(['127.128.2.1']);
    });
  });
}
