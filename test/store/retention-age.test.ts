/** The age caps of `server.retention` on both backends: records older than their days go at the next prune, younger ones stay. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMac } from '../../src/model/mac.js';
import { DEFAULT_RETENTION } from '../../src/store/retention.js';
import { storeBackends } from '../helpers/store-backends.js';

const MAC = parseMac('00:15:65:00:36:a0')!;
const DAY = 86_400_000;

for (const backend of storeBackends()) {
  describe.skipIf(backend.missing)(`retention by age on ${backend.name}${backend.note}`, () => {
    afterAll(() => backend.stop());

    it('drops fetches, events and overrides older than their caps, oldest first, and keeps the rest', async () => {
      const target = await backend.target();
      const store = await target.open(mkdtempSync(join(tmpdir(), 'gg-retention-')), {
        ...DEFAULT_RETENTION,
        fetchDays: 30,
        eventDays: 60,
        overrideDays: 10,
      });
      try {
        const now = Date.now();
        const ago = (days: number) => new Date(now - days * DAY).toISOString();
        for (const days of [90, 45, 20, 1]) {
          await store.recordFetch({
            ts: ago(days),
            mac: MAC,
            source: '127.136.10.1',
            userAgent: 'ua',
            file: 'f',
            sha256: '',
            auth: 'digest',
            status: 200,
          });
          await store.recordEvent({ ts: ago(days), reason: 'not-enrolled', severity: 'medium', mac: MAC });
          await store.saveOverride({ ts: ago(days), mac: MAC, file: `${MAC}-phone.cfg`, body: `<o d="${days}"/>`, weakened: [] });
        }
        await store.prune();
        expect((await store.fetchHistory(MAC)).map((f) => f.ts)).toEqual([ago(1), ago(20)]);
        expect((await store.events({ mac: MAC })).map((e) => e.ts)).toEqual([ago(1), ago(20), ago(45)]);
        expect((await store.overrides(MAC)).map((o) => o.body)).toEqual(['<o d="1"/>']);
      } finally {
        await store.close();
      }
    });
  });
}
