/** Dotted firmware versions (`1.0.7.79`, `28.81.0.110`): parsed once, compared field by field. */
export function parseVersion(text: string | undefined): number[] | undefined {
  if (!text || !/^\d{1,6}(\.\d{1,6}){1,5}$/.test(text)) return undefined;
  return text.split('.').map(Number);
}

/** Negative, zero or positive like a sort comparator; missing fields count as 0 (1.0.9 = 1.0.9.0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
