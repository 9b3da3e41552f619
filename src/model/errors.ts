/** Stable error codes: one catalogue, so the CLI, logs and tests agree on what went wrong. */
export const ERROR_CODES = {
  GG_ERR_CONFIG_PARSE: 'the configuration file is not valid YAML',
  GG_ERR_CONFIG_INVALID: 'the configuration has errors',
  GG_ERR_CONFIG_NOT_FOUND: 'the configuration file does not exist',
  GG_ERR_DEVICE_UNKNOWN: 'no device with that MAC address in the inventory',
  GG_ERR_MAC_INVALID: 'not a MAC address',
  GG_ERR_FILE_UNKNOWN: 'that file is not one this device fetches',
  GG_ERR_RENDER_VIOLATION: 'the rendered config would violate the policy',
  GG_ERR_PARAMS_WEAKENING: 'a params: entry would undo a hardening rule',
  GG_ERR_IMPORT_INVALID: 'the CSV import has errors',
  GG_ERR_USAGE: 'wrong command-line usage',
  GG_ERR_TARGET_INVALID: 'invalid audit target',
  GG_ERR_TARGET_TOO_MANY: 'too many hosts in the audit targets',
  GG_ERR_TARGET_FORBIDDEN: 'the audit target is outside the allowed ranges',
  GG_ERR_STORE: 'the state database failed',
  GG_ERR_STORE_SCHEMA: 'the state database was written by a newer ghostguard',
  GG_ERR_TLS: 'the TLS certificate or key could not be read',
  GG_ERR_TRACE_MALFORMED: 'the capture file is truncated or malformed',
  GG_ERR_TRACE_NOT_SIP: 'the file is neither a packet capture nor a SIP log',
  GG_ERR_SECRET_MISSING: 'a secret the device references (env:NAME) is not available',
  GG_ERR_TOKEN_FILE: 'the API token file is not one ghostguard wrote',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GhostguardError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message?: string, details: readonly string[] = []) {
    super(message ?? ERROR_CODES[code]);
    this.name = 'GhostguardError';
    this.code = code;
    this.details = details;
  }
}

export function isGhostguardError(err: unknown): err is GhostguardError {
  return err instanceof GhostguardError;
}
