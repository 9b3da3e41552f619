/** Secrets in the config: `generate` (derived per device), `env:NAME`, or a literal. Values never leave this module in messages. */
import { createHmac } from 'node:crypto';
import type { SecretSpec } from './config-types.js';

export function parseSecretSpec(value: unknown): SecretSpec | undefined {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (value === 'generate') return { kind: 'generate' };
  if (value.startsWith('env:')) return { kind: 'env', name: value.slice(4) };
  return { kind: 'literal', value };
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Deterministic per-device secret: stable across restarts (so re-renders are identical), unguessable without the master key. */
export function deriveSecret(masterKey: Buffer, purpose: string, subject: string, length = 20): string {
  const digest = createHmac('sha256', masterKey).update(`${purpose}\u0000${subject}`).digest();
  // one flat string: appending character by character leaves a chain of rope nodes per secret (60,000 of them in a
  // 20,000-device inventory's secret masker)
  const codes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) codes[i] = ALPHABET.charCodeAt(digest[i % digest.length]! % ALPHABET.length);
  return codes.toString('latin1');
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why an env:NAME secret cannot be used: unset (or empty), or holding a control character; undefined when usable. */
export function envSecretProblem(name: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env[name];
  if (!value) return `missing secret: environment variable ${name} is not set`;
  return CONTROL.test(value)
    ? `environment variable ${name} holds a control character (a line break?); phone config files cannot carry it`
    : undefined;
}

export function resolveSecret(
  spec: SecretSpec,
  generate: () => string,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  switch (spec.kind) {
    case 'literal':
      return spec.value;
    case 'generate':
      return generate();
    // a value a phone's config file cannot carry is as unusable as an unset one (validate names both)
    case 'env':
      return env[spec.name] && !CONTROL.test(env[spec.name]!) ? env[spec.name] : undefined;
  }
}
