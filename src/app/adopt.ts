/**
 * Adopting a phone found by an audit: the device is appended to the configuration file (comments kept, the previous
 * file kept as .bak), the configuration reloaded — which opens the new device's enrolment window — or nothing written.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { appendDevice, type AdoptResult, type NewDevice } from '../model/config-devices-edit.js';
import { formatIssue } from '../model/config-issues.js';
import { parseConfig, type ModelCatalogue } from '../model/config-parse.js';
import { isGhostguardError } from '../model/errors.js';
import type { ConfigSource } from '../provisioning/config-source.js';

export function adoptDevice(source: ConfigSource, catalogue: ModelCatalogue, device: NewDevice): AdoptResult {
  const path = source.path;
  let merged: string;
  try {
    merged = appendDevice(readFileSync(path, 'utf8'), path, device);
  } catch (err) {
    if (!isGhostguardError(err)) throw err;
    return { ok: false, problems: [err.message, ...err.details] };
  }
  const { config, issues } = parseConfig(merged, path, catalogue);
  if (!config) return { ok: false, problems: issues.map(formatIssue) };
  copyFileSync(path, `${path}.bak`);
  writeFileSync(path, merged);
  const reloaded = source.reload();
  return reloaded.ok ? { ok: true } : { ok: false, problems: reloaded.issues.map(formatIssue) };
}
