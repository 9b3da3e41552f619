/**
 * The per-phone ring: whatever it answers is exactly what was last stored under that key (never another key's file,
 * never bytes a later entry overwrote), it never holds more than its budget, and entries leave oldest first.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PhoneFileRing } from '../../src/provisioning/phone-file-ring.js';
import type { ServedFile } from '../../src/provisioning/served-file.js';

const reports = [
  { contentType: 'text/plain', applied: [], family: { id: 'a', guessed: false } },
  { contentType: 'application/xml', applied: [], family: { id: 'b', guessed: true } },
] as unknown as ServedFile['rendered'][];

function served(text: string, report = 0): ServedFile {
  const body = Buffer.from(text, 'utf8');
  const sha256 = createHash('sha256').update(body).digest('hex');
  return { body, sha256, etag: `"${sha256.slice(0, 32)}"`, contentType: reports[report]!.contentType, rendered: reports[report]! };
}

function expectSame(got: ServedFile | undefined, want: ServedFile): void {
  expect(got).toBeDefined();
  expect(got!.body.equals(want.body)).toBe(true);
  expect(got!.sha256).toBe(want.sha256);
  expect(got!.etag).toBe(want.etag);
  expect(got!.contentType).toBe(want.contentType);
  expect(got!.rendered).toBe(want.rendered);
}

/** a seeded generator, so every run sees the same sequence */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('PhoneFileRing', () => {
  it('answers what was stored, as a copy of its own', () => {
    const ring = new PhoneFileRing(64 * 1024);
    const file = served('#!version:1.0.0.1\naccount.1.sip_server.1.address = 127.0.0.10\n', 1);
    ring.set('1.0.0|yealink|001565000001.cfg|T46U|108.86.0.45|001565000001', file);
    const got = ring.get('1.0.0|yealink|001565000001.cfg|T46U|108.86.0.45|001565000001');
    expectSame(got, file);
    expect(got!.body).not.toBe(file.body);
    expect(ring.get('1.0.0|yealink|001565000002.cfg|T46U|108.86.0.45|001565000002')).toBeUndefined();
    expect(ring.entries).toBe(1);
  });

  it('tells apart keys whose hashes collide (FNV-1a pairs published as collisions)', () => {
    const ring = new PhoneFileRing(64 * 1024);
    const pairs = [
      ['costarring', 'liquid'],
      ['declinate', 'macallums'],
      ['altarage', 'zinke'],
    ];
    for (const [a, b] of pairs) {
      ring.set(a!, served(`file of ${a}`));
      ring.set(b!, served(`file of ${b}`));
    }
    for (const [a, b] of pairs) {
      expectSame(ring.get(a!), served(`file of ${a}`));
      expectSame(ring.get(b!), served(`file of ${b}`));
    }
  });

  it('keeps keys and bodies outside Latin-1 exactly', () => {
    const ring = new PhoneFileRing(64 * 1024);
    ring.set('1|poly|Müller ☎ 𝄞|VVX_450', served('<PHONE_CONFIG display="Müller ☎ 𝄞"/>'));
    expectSame(ring.get('1|poly|Müller ☎ 𝄞|VVX_450'), served('<PHONE_CONFIG display="Müller ☎ 𝄞"/>'));
    expect(ring.get('1|poly|Muller ☎ 𝄞|VVX_450')).toBeUndefined();
  });

  it('a body handed out stays intact while later entries overwrite its place', () => {
    const ring = new PhoneFileRing(1024);
    ring.set('first', served('A'.repeat(300)));
    const out = ring.get('first')!;
    for (let i = 0; i < 10; i++) ring.set(`later-${i}`, served(String(i).repeat(300)));
    expect(ring.get('first')).toBeUndefined();
    expect(out.body.toString()).toBe('A'.repeat(300));
  });

  it('storing a key again replaces its entry', () => {
    const ring = new PhoneFileRing(64 * 1024);
    ring.set('k', served('old'));
    ring.set('k', served('new', 1));
    expectSame(ring.get('k'), served('new', 1));
    expect(ring.entries).toBe(1);
  });

  it('under random use: never another file, never over budget, and the newest entries always found', () => {
    const random = seeded(2026);
    const budget = 16 * 1024;
    const ring = new PhoneFileRing(budget);
    const last = new Map<string, ServedFile>();
    const recent: string[] = [];
    let hits = 0;
    let gets = 0;
    for (let step = 0; step < 6_000; step++) {
      const key = `${Math.floor(random() * 3)}|v|${Math.floor(random() * 400)
        .toString(16)
        .padStart(12, '0')}.cfg|${random() < 0.05 ? 'é' : ''}`;
      if (random() < 0.5) {
        const file = served(`${key}\n${'x'.repeat(Math.floor(random() * 900))}`, step % 2);
        ring.set(key, file);
        last.set(key, file);
        recent.push(key);
        if (recent.length > 4) recent.shift();
      } else {
        gets++;
        const got = ring.get(key);
        if (got) {
          hits++;
          expectSame(got, last.get(key)!);
        }
      }
      expect(ring.bytes).toBeLessThanOrEqual(budget);
      expect(ring.entries).toBeGreaterThanOrEqual(0);
      // the last few stored (each under 1 KB, together well inside the budget) are all still there
      for (const k of recent) expectSame(ring.get(k), last.get(k)!);
    }
    expect(hits).toBeGreaterThan(0);
    expect(hits).toBeLessThan(gets);
  });

  it('holds nothing with a budget of 0, and an entry larger than the ring is not kept', () => {
    const none = new PhoneFileRing(0);
    none.set('k', served('body'));
    expect(none.get('k')).toBeUndefined();
    const small = new PhoneFileRing(256);
    small.set('big', served('x'.repeat(300)));
    expect(small.get('big')).toBeUndefined();
    expect(small.entries).toBe(0);
  });

  it('starts over when the distinct renderer reports exceed what it indexes, and clear() empties it', () => {
    const ring = new PhoneFileRing(4 * 1024 * 1024);
    const distinct = (i: number): ServedFile => ({ ...served(`body ${i}`), rendered: { ...reports[0]!, applied: [String(i)] } as never });
    const files = Array.from({ length: 4097 }, (_, i) => distinct(i));
    for (const [i, f] of files.slice(0, 4096).entries()) ring.set(`k${i}`, f);
    expect(ring.entries).toBeGreaterThan(4000);
    ring.set('k4096', files[4096]!);
    expect(ring.get('k0')).toBeUndefined();
    expectSame(ring.get('k4096'), files[4096]!);
    expect(ring.entries).toBe(1);
    ring.clear();
    expect(ring.get('k')).toBeUndefined();
    expect(ring.entries).toBe(0);
    expect(ring.bytes).toBe(0);
  });
});
