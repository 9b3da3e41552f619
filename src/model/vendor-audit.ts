/**
 * The auditor's optional capabilities of a vendor adapter: how to log in to and read settings back from the phone,
 * the factory login, how a hardened phone treats the auditor's probes, and firmware in known-vulnerable ranges.
 * Types only: the adapters in vendors/ implement them, src/auditor drives them.
 */
import type { HttpClient } from './http-exchange.js';
import type { Mac } from './mac.js';
import type { Severity } from './rules.js';

export interface Credentials {
  username: string;
  password: string;
}

export type LoginState = 'accepted' | 'refused' | 'error';

/** Where and what one read-back attempt reads; the client sends the auditor's own headers. */
export interface ReadbackSession {
  client: HttpClient;
  /** scheme://host:port of the phone's management interface */
  origin: string;
  /** keys in the phone API's terms, secrets left out */
  keys: readonly string[];
  /** set when the read endpoint must not be touched (known-vulnerable firmware): log in, then stop with this reason */
  avoidRead?: string;
  signal?: AbortSignal;
}

/** One login with one set of credentials and, when accepted, the read. */
export interface ReadbackAttempt {
  login: LoginState;
  /** one line about the login (and the read, when it is one request) */
  detail: string;
  /** further evidence lines, in order */
  evidence?: string[];
  /** the settings read; absent with `reason` when nothing could be read */
  values?: Map<string, string>;
  reason?: string;
  mac?: Mac;
  model?: string;
  firmware?: string;
  /** a management-API body the adapter's identifyObservation understands (as `httpBody`) */
  identityBody?: string;
}

export interface ReadbackClient {
  attempt(session: ReadbackSession, credentials: Credentials): Promise<ReadbackAttempt>;
}

export interface AuditHints {
  /** the admin user the provisioned admin password belongs to */
  adminUser: string;
  /** the one default-password attempt per phone (unless --no-default-login) */
  factoryLogin?: Credentials & { note: string };
  /** with sip-trusted-only applied the phone drops every SIP request from an untrusted source, OPTIONS included */
  trustedOnlyDropsOptions: boolean;
  /** why rules cannot be read back, for an adapter without a read-back client */
  noReadback?: string;
}

export interface VulnerableRange {
  id: string;
  models: RegExp;
  /** newest affected version (inclusive) */
  lastAffected: string;
  fixedIn: string;
  severity: Severity;
  summary: string;
  /** the auditor must not touch this endpoint on an affected phone */
  avoidPath?: string;
}
