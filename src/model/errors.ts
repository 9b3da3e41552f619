/**
 * The error catalogue, as data: each stable code with its message, the HTTP status the dashboard answers and the exit
 * status the CLI ends with. Every error ghostguard throws carries one of these codes (GG_ERR_INTERNAL for broken
 * invariants); a test keeps this list, the README's error table and the code that throws them in step.
 */
export interface ErrorSpec {
  message: string;
  /** HTTP status on the dashboard and JSON API */
  status: number;
  /** CLI exit status */
  exit: number;
}

export const ERROR_CATALOGUE = {
  GG_ERR_USAGE: { message: 'wrong command-line usage', status: 400, exit: 2 },
  GG_ERR_CONFIG_INVALID: { message: 'the configuration has errors', status: 500, exit: 1 },
  GG_ERR_CONFIG_NOT_FOUND: { message: 'the configuration file does not exist', status: 500, exit: 2 },
  GG_ERR_SECRET_MISSING: { message: 'a secret the device references (env:NAME) is not available', status: 500, exit: 2 },
  GG_ERR_DEVICE_UNKNOWN: { message: 'no device with that MAC address in the inventory', status: 404, exit: 2 },
  GG_ERR_MAC_INVALID: { message: 'not a MAC address', status: 400, exit: 2 },
  GG_ERR_MODEL_UNKNOWN: { message: 'the vendor has no such model', status: 400, exit: 2 },
  GG_ERR_FILE_UNKNOWN: { message: 'that file is not one this device fetches', status: 404, exit: 2 },
  GG_ERR_RENDER_INVALID: { message: 'the device cannot be rendered as configured (lines, accounts, values)', status: 422, exit: 2 },
  GG_ERR_RENDER_VIOLATION: { message: 'the rendered config would violate the policy', status: 500, exit: 2 },
  GG_ERR_PARAMS_WEAKENING: { message: 'a params: entry would undo a hardening rule', status: 500, exit: 2 },
  GG_ERR_EXPORT_INVALID: { message: 'a value cannot be written in the export format', status: 400, exit: 2 },
  GG_ERR_TARGET_INVALID: { message: 'invalid audit target', status: 400, exit: 2 },
  GG_ERR_TARGET_TOO_MANY: { message: 'too many hosts in the audit targets', status: 400, exit: 2 },
  GG_ERR_TARGET_FORBIDDEN: { message: 'the audit target is outside the allowed ranges', status: 403, exit: 2 },
  GG_ERR_STORE: { message: 'the state database failed', status: 503, exit: 2 },
  GG_ERR_STORE_SCHEMA: { message: 'the state database was written by a newer ghostguard', status: 500, exit: 2 },
  GG_ERR_STORE_NOT_EMPTY: {
    message: 'the target database already holds ghostguard state (store copy --replace empties it first)',
    status: 409,
    exit: 2,
  },
  GG_ERR_STORE_SOURCE: { message: 'the source is not a ghostguard SQLite state file', status: 400, exit: 2 },
  GG_ERR_TLS: { message: 'the TLS certificate or key could not be read', status: 500, exit: 2 },
  GG_ERR_ADMIN_PASSWORD: { message: 'the admin password is missing or shorter than 12 characters', status: 500, exit: 2 },
  GG_ERR_TOKEN_FILE: { message: 'the API token file is not one ghostguard wrote', status: 500, exit: 2 },
  GG_ERR_WORKER_EXIT: { message: 'a serve worker exited before it was ready', status: 500, exit: 2 },
  GG_ERR_CLUSTER_KEY_MISMATCH: {
    message: "this replica's master key differs from the one the other replicas recorded in the database",
    status: 500,
    exit: 2,
  },
  GG_ERR_ABORTED: { message: 'the operation was stopped before it finished', status: 503, exit: 2 },
  GG_ERR_TRACE_MALFORMED: { message: 'the capture file is truncated or malformed', status: 400, exit: 2 },
  GG_ERR_TRACE_NOT_SIP: { message: 'the file is neither a pcap/pcapng capture nor a SIP log', status: 400, exit: 2 },
  GG_ERR_LAB_INVALID: { message: 'the lab options are out of range (addresses, counts, vendors)', status: 400, exit: 2 },
  GG_ERR_LAB_LISTEN: { message: 'an emulated phone could not listen on its address', status: 500, exit: 2 },
  GG_ERR_LAB_CONFIG: { message: 'an emulated phone refused the configuration it was served', status: 502, exit: 2 },
  GG_ERR_INTERNAL: { message: 'an internal invariant failed (a bug: please report it)', status: 500, exit: 2 },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class GhostguardError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message?: string, details: readonly string[] = []) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'GhostguardError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }

  get exitCode(): number {
    return ERROR_CATALOGUE[this.code].exit;
  }
}

export function isGhostguardError(err: unknown): err is GhostguardError {
  return err instanceof GhostguardError;
}

/** Any thrown value as a GhostguardError: ours as they are, anything else (a library's, a bug) as GG_ERR_INTERNAL. */
export function asGhostguardError(err: unknown): GhostguardError {
  if (isGhostguardError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new GhostguardError('GG_ERR_INTERNAL', message);
}
