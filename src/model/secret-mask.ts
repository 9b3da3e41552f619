/**
 * Replaces every occurrence of known secrets in free text with MASK — the one mechanism behind event logs, dashboard
 * pages, `render`, and webhook payloads. Secrets are indexed by their first characters, so masking a line costs one
 * map lookup per character instead of one search per secret: an inventory of 20,000 devices holds 60,000 secrets.
 */
import { MASK } from './rule-check.js';

/** Shorter "secrets" would mask ordinary words. */
const MIN_SECRET = 4;

export class SecretMasker {
  private readonly byPrefix = new Map<string, string[]>();

  constructor(secrets: Iterable<string>) {
    for (const s of secrets) {
      if (s.length < MIN_SECRET) continue;
      const key = s.slice(0, MIN_SECRET);
      const list = this.byPrefix.get(key);
      if (!list) this.byPrefix.set(key, [s]);
      else if (!list.includes(s)) list.push(s);
    }
    // the longest candidate first, so a secret that extends another is masked whole
    for (const list of this.byPrefix.values()) list.sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    if (this.byPrefix.size === 0 || text.length < MIN_SECRET) return text;
    let out = '';
    let copied = 0;
    for (let i = 0; i <= text.length - MIN_SECRET; ) {
      const hit = this.byPrefix.get(text.slice(i, i + MIN_SECRET))?.find((s) => text.startsWith(s, i));
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
