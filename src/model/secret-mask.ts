/**
 * Replaces every occurrence of known secrets in free text with MASK — the one mechanism behind event logs, dashboard
 * pages, `render`, and webhook payloads. An inventory of 20,000 devices holds 80,000 secrets, so the masker keeps no
 * secret itself: only a 53-bit fingerprint of each (8 bytes, sorted per length). Text is fingerprinted at every
 * position for every secret length present (a rolling hash, one step per character and length), and a window whose
 * fingerprint is known is masked. The same string always has the same fingerprint, so no secret is ever missed; a
 * different string sharing one (about 1 in 2^53 per window) would only be masked as well.
 */
import { MASK } from './rule-check.js';

/** Shorter "secrets" would mask ordinary words. */
const MIN_SECRET = 4;
const BASE_A = 0x01000193;
const BASE_B = 0x5bd1e995;
const LOW_BITS = 2 ** 21;

/** a 32-bit polynomial hash of text (the rolling hash below steps through the same values) */
function hashOf(text: string, base: number): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, base) + text.charCodeAt(i)) | 0;
  return h;
}

/** the two hashes joined into one exact double: the 53-bit fingerprint */
const join = (a: number, b: number): number => (a >>> 0) * LOW_BITS + ((b >>> 0) >>> 11);

function power(base: number, exponent: number): number {
  let p = 1;
  for (let i = 0; i < exponent; i++) p = Math.imul(p, base);
  return p;
}

function contains(sorted: Float64Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * One bit per (length, first hash) bucket, set for every secret: a window whose bit is clear is no secret, so the binary
 * search runs for a few windows in a hundred (256 KB for any inventory; 80,000 secrets set about 4 % of the bits).
 */
const FILTER_BITS = 21;
const bucketOf = (a: number, length: number): number => Math.imul(a ^ Math.imul(length, 0x9e3779b1), 0x85ebca6b) >>> (32 - FILTER_BITS);

export class SecretMasker {
  /** per secret length, longest first: the sorted fingerprints of the secrets of that length */
  private readonly byLength: { length: number; prints: Float64Array }[];
  private readonly filter = new Int32Array(2 ** (FILTER_BITS - 5));

  constructor(secrets: Iterable<string>) {
    const prints = new Map<number, Set<number>>();
    for (const s of secrets) {
      if (s.length < MIN_SECRET) continue;
      let set = prints.get(s.length);
      if (!set) prints.set(s.length, (set = new Set()));
      const a = hashOf(s, BASE_A);
      set.add(join(a, hashOf(s, BASE_B)));
      const bucket = bucketOf(a, s.length);
      this.filter[bucket >>> 5]! |= 1 << (bucket & 31);
    }
    this.byLength = [...prints].sort(([a], [b]) => b - a).map(([length, set]) => ({ length, prints: Float64Array.from(set).sort() }));
  }

  /** for each secret length, the positions whose window has a known fingerprint */
  private hits(text: string): { length: number; at: Uint8Array }[] {
    const found = [];
    for (const { length, prints } of this.byLength) {
      if (text.length < length) continue;
      let at: Uint8Array | undefined;
      const dropA = power(BASE_A, length - 1);
      const dropB = power(BASE_B, length - 1);
      let a = 0;
      let b = 0;
      for (let i = 0; i < text.length; i++) {
        const start = i - length + 1;
        if (start > 0) {
          const out = text.charCodeAt(start - 1);
          a = (a - Math.imul(out, dropA)) | 0;
          b = (b - Math.imul(out, dropB)) | 0;
        }
        const c = text.charCodeAt(i);
        a = (Math.imul(a, BASE_A) + c) | 0;
        b = (Math.imul(b, BASE_B) + c) | 0;
        if (start < 0) continue;
        const bucket = bucketOf(a, length);
        if ((this.filter[bucket >>> 5]! & (1 << (bucket & 31))) !== 0 && contains(prints, join(a, b))) {
          at ??= new Uint8Array(text.length);
          at[start] = 1;
        }
      }
      if (at) found.push({ length, at });
    }
    return found;
  }

  mask(text: string): string {
    if (this.byLength.length === 0 || text.length < MIN_SECRET) return text;
    const hits = this.hits(text);
    if (hits.length === 0) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i < text.length; ) {
      // the longest secret starting here, so a secret that extends another is masked whole
      const hit = hits.find((h) => h.at[i] === 1);
      if (!hit) {
        i++;
        continue;
      }
      out += text.slice(copied, i) + MASK;
      i += hit.length;
      copied = i;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}
