/**
 * EventFile fills events.jsonl with whole lines up to its cap before it rotates, however the events were batched: each
 * rotated copy is full (its next line, now first in the newer file, would not have fit), none is past the cap, and a
 * line longer than the cap is written alone. Read back from disk, the files are the newest events, in order.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventFile } from '../../src/provisioning/event-file.js';
import type { SecurityEvent } from '../../src/store/store.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const event = (i: number, detail = 'y'.repeat(i % 90)): SecurityEvent => ({
  ts: '2026-12-07T19:30:00.000Z',
  reason: 'bad-path',
  severity: 'medium',
  source: '127.0.0.1',
  file: `/f${i}.cfg`,
  detail,
});
const linesOf = (path: string) => readFileSync(path, 'utf8').split('\n').filter(Boolean);

describe('EventFile', () => {
  it.each([
    ['one batch', 1000],
    ['batches of 7', 7],
    ['one event at a time', 1],
  ])('fills each copy to its cap before rotating (%s)', async (_name, batch) => {
    dir = mkdtempSync(join(tmpdir(), 'gg-event-file-'));
    const path = join(dir, 'events.jsonl');
    const file = new EventFile(path, { maxBytes: 1000, keep: 3, flushMs: 60_000, maxBatch: batch });
    for (let i = 0; i < 200; i++) file.append(event(i));
    await file.close();

    const paths = [`${path}.3`, `${path}.2`, `${path}.1`, path];
    const held = paths.map(linesOf);
    for (const p of paths) expect(statSync(p).size, p).toBeLessThanOrEqual(1000);
    for (let k = 0; k < 3; k++) {
      const nextLine = Buffer.byteLength(`${held[k + 1]![0]}\n`);
      expect(statSync(paths[k]!).size + nextLine, paths[k]).toBeGreaterThan(1000);
    }
    const all = held.flat().map((l) => (JSON.parse(l) as SecurityEvent).file);
    expect(all).toEqual(Array.from({ length: all.length }, (_, j) => `/f${200 - all.length + j}.cfg`));
  });

  it('writes a line longer than the cap alone in its own file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gg-event-file-'));
    const path = join(dir, 'events.jsonl');
    const file = new EventFile(path, { maxBytes: 1000, keep: 2, flushMs: 60_000, maxBatch: 1000 });
    file.append(event(1));
    file.append(event(2, 'z'.repeat(1500)));
    file.append(event(3));
    await file.close();
    expect(linesOf(`${path}.2`).map((l) => (JSON.parse(l) as SecurityEvent).file)).toEqual(['/f1.cfg']);
    expect(linesOf(`${path}.1`).map((l) => (JSON.parse(l) as SecurityEvent).file)).toEqual(['/f2.cfg']);
    expect(statSync(`${path}.1`).size).toBeGreaterThan(1500);
    expect(linesOf(path).map((l) => (JSON.parse(l) as SecurityEvent).file)).toEqual(['/f3.cfg']);
  });
});
