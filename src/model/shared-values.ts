/**
 * One copy of each value that thousands of devices repeat: vendor, model, `like:`, site, and the `generate` and
 * `env:NAME` secret specs. The YAML parser makes a string per scalar, and a config parsed in the reload thread arrives
 * by structured clone, which copies every string and object again: at 20,000 devices about 140,000 copies, each one
 * an object the garbage collector marks at every full collection of a boot storm. Values stay equal; only the copies
 * go. Literal secrets and per-device values (MAC, extensions) are left as they are.
 */
import type { Device, SecretSpec } from './config-types.js';

const GENERATE: SecretSpec = Object.freeze({ kind: 'generate' });

/** A function that returns, for each string, the first equal one it was given: one copy of each. */
export function oneCopyEach(): (s: string) => string {
  const strings = new Map<string, string>();
  return (s) => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
}

export function shareRepeatedValues(devices: Device[]): void {
  const one = oneCopyEach();
  const envSpecs = new Map<string, SecretSpec>();
  const spec = (s: SecretSpec): SecretSpec => {
    if (s.kind === 'generate') return GENERATE;
    if (s.kind !== 'env') return s;
    const known = envSpecs.get(s.name);
    if (known) return known;
    envSpecs.set(s.name, s);
    return s;
  };
  for (const d of devices) {
    d.vendor = one(d.vendor);
    d.model = one(d.model);
    if (d.like !== undefined) d.like = one(d.like);
    d.site = one(d.site);
    d.adminPassword = spec(d.adminPassword);
    for (const line of d.lines) line.password = spec(line.password);
  }
}
