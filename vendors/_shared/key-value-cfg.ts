/** Yealink-style `key = value` text files with a mandatory version header. */
import type { Setting } from '../../src/model/vendor-contract.js';
import { GhostguardError } from '../../src/model/errors.js';

export const KV_HEADER = '#!version:1.0.0.1';

export class ConfigSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ConfigSyntaxError';
  }
}

const KEY = /^[A-Za-z0-9_.-]+$/;

/** `fileKey` maps a setting's key to the name the file writes (a vendor whose keys repeat in the file qualifies them inside). */
export function serializeKeyValue(settings: readonly Setting[], comment?: string, fileKey: (key: string) => string = (k) => k): string {
  const lines = [KV_HEADER];
  if (comment) lines.push(`## ${comment}`);
  for (const s of dedupeSettings(settings)) {
    if (/[\r\n]/.test(s.value)) throw new GhostguardError('GG_ERR_RENDER_INVALID', `value of ${s.key} contains a line break`);
    lines.push(`${fileKey(s.key)} = ${s.value}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses like the phone does: header first, `#` comments, `key = value`; anything else is malformed. `settingKey` names
 * a line's setting from its key and value (for keys a file repeats); a later line with the same name wins.
 */
export function parseKeyValue(body: string, settingKey: (key: string, value: string) => string = (k) => k): Map<string, string> {
  const lines = body.split(/\r?\n/);
  if (lines[0]?.trim() !== KV_HEADER) throw new ConfigSyntaxError(`missing "${KV_HEADER}" header`, 1);
  const out = new Map<string, string>();
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (i === 0 || line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ConfigSyntaxError('expected "key = value"', i + 1);
    const key = line.slice(0, eq).trim();
    if (!KEY.test(key)) throw new ConfigSyntaxError(`bad key "${key.slice(0, 40)}"`, i + 1);
    const value = line.slice(eq + 1).trim();
    out.set(settingKey(key, value), value);
  });
  return out;
}

/** Several rules may ask for the same key; equal values collapse, conflicting values are a bug in the key table. */
export function dedupeSettings(settings: readonly Setting[]): Setting[] {
  const seen = new Map<string, Setting>();
  for (const s of settings) {
    const prior = seen.get(s.key);
    if (prior && prior.value !== s.value) throw new GhostguardError('GG_ERR_INTERNAL', `conflicting values for ${s.key}`);
    if (!prior) seen.set(s.key, s);
  }
  return [...seen.values()];
}
