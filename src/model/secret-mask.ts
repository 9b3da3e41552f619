/**
 * Replaces every occurrence of known secrets in free text with MASK — the one mechanism behind event logs, dashboard
 * pages, `render`, and webhook payloads. Secrets are indexed by their first characters, so masking a line costs one
 * map lookup per character instead of one search per secret: an inventory of 20,000 devices holds 60,000 secrets.
 */
import { MASK } from './rule-check.js';

/** Shorter "secrets" would mask ordinary words. */
const MIN_SECRET = 4;

export class SecretMasker {
  /** one secret per prefix for almost every prefix, so a bare string; a list, longest first, when several share it */
  private readonly byPrefix = new Map<string, string | string[]>();

  constructor(secrets: Iterable<string>) {
    for (const s of secrets) {
      if (s.length < MIN_SECRET) continue;
      const key = s.slice(0, MIN_SECRET);
      const known = this.byPrefix.get(key);
      if (known === undefined) this.byPrefix.set(key, s);
      else if (typeof known === 'string') {
        if (known !== s) this.byPrefix.set(key, [known, s]);
      } else if (!known.includes(s)) known.push(s);
    }
    // the longest candidate first, so a secret that extends another is masked whole
    for (const known of this.byPrefix.values()) if (typeof known !== 'string') known.sort((a, b) => b.length - a.length);
  }

  private hitAt(text: string, i: number): string | undefined {
    const known = this.byPrefix.get(text.slice(i, i + MIN_SECRET));
    if (known === undefined) return undefined;
    if (typeof known === 'string') return text.startsWith(known, i) ? known : undefined;
    return known.find((s) => text.startsWith(s, i));
  }

  mask(text: string): string {
    if (this.byPrefix.size === 0 || text.length < MIN_SECRET) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i <= text.length - MIN_SECRET; ) {
      const hit = this.hitAt(text, i);
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
