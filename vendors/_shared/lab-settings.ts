/** Small readers over an applied key → value map, shared by the per-vendor behaviour modules. */

export type Settings = ReadonlyMap<string, string>;

/** '1' / 'Yes' / 'true' / 'on' → true; '0' / 'No' / 'false' / 'off' → false; anything else → fallback. */
export function flag(settings: Settings, key: string, fallback: boolean): boolean {
  const raw = settings.get(key)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'yes', 'true', 'on', 'enabled'].includes(raw)) return true;
  if (['0', 'no', 'false', 'off', 'disabled'].includes(raw)) return false;
  return fallback;
}

/** the flag of the first key that is present and non-empty */
export function flagOf(settings: Settings, keys: readonly string[], fallback: boolean): boolean {
  const key = keys.find((k) => (settings.get(k) ?? '').trim() !== '');
  return key === undefined ? fallback : flag(settings, key, fallback);
}

/** first key that is present and non-empty */
export function first(settings: Settings, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = settings.get(key);
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
}

export function port(settings: Settings, keys: readonly string[], fallback: number): number {
  const raw = first(settings, keys);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : fallback;
}

/** `host`, `host:port`, `[v6]:port`, `sip:host;transport=udp` → host */
export function hostOf(value: string): string | undefined {
  let v = value
    .trim()
    .replace(/^sips?:/i, '')
    .replace(/;.*$/, '');
  if (v === '') return undefined;
  const at = v.lastIndexOf('@');
  if (at >= 0) v = v.slice(at + 1);
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracket) return bracket[1];
  const hp = /^([^:]+):\d{1,5}$/.exec(v);
  return hp ? hp[1] : v;
}

/** host values of every key matching the pattern, de-duplicated, in key order */
export function hostsMatching(settings: Settings, pattern: RegExp): string[] {
  const out: string[] = [];
  for (const [key, value] of settings) {
    if (!pattern.test(key)) continue;
    const host = hostOf(value);
    if (host && !out.includes(host)) out.push(host);
  }
  return out;
}

/** space/comma separated list */
export function list(value: string | undefined): string[] {
  return value
    ? value
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export function range(n: number): number[] {
  return Array.from({ length: Math.max(0, n) }, (_, i) => i + 1);
}

export const SECRET_KEY = /pass(word|wd)?|secret|community|aes_key|\.key$/i;
