/** Runtime state behind one interface, so a shared database can replace SQLite without touching the callers. */
import type { Mac } from '../model/mac.js';

import type { EventSeverity, SecurityReason } from '../model/security-events.js';

export type { EventSeverity, SecurityReason } from '../model/security-events.js';

export interface SecurityEvent {
  ts: string;
  reason: SecurityReason;
  severity: EventSeverity;
  source?: string;
  mac?: string;
  file?: string;
  detail?: string;
}

export type AuthMethod = 'digest' | 'enrolment' | 'none';

export interface FetchRecord {
  ts: string;
  mac: string;
  source: string;
  userAgent: string;
  file: string;
  sha256: string;
  auth: AuthMethod;
  status: number;
}

export interface Enrolment {
  mac: string;
  openedAt: string;
  expiresAt: string;
  closedAt?: string;
  pinnedSource?: string;
}

export interface CredentialState {
  generation: number;
  /** the previous generation stays valid until the phone has fetched with the new one */
  previousGeneration?: number;
  sipGeneration: number;
}

export interface OverrideUpload {
  ts: string;
  mac: string;
  file: string;
  body: string;
  weakened: string[];
}

export interface Store {
  recordFetch(fetch: FetchRecord): void;
  fetchHistory(mac: Mac, limit?: number): FetchRecord[];
  lastFetchBySource(source: string): FetchRecord | undefined;
  recordEvent(event: SecurityEvent): void;
  events(filter?: { reason?: SecurityReason; mac?: string; limit?: number }): SecurityEvent[];
  openEnrolment(mac: Mac, expiresAt: Date, now?: Date): void;
  /** opens a window for every MAC that never had one, in one transaction; returns how many were opened */
  openMissingEnrolments(macs: readonly Mac[], expiresAt: Date, now?: Date): number;
  enrolment(mac: Mac): Enrolment | undefined;
  closeEnrolment(mac: Mac, pinnedSource: string | undefined, now?: Date): void;
  credentials(mac: Mac): CredentialState;
  rotateCredentials(mac: Mac, alsoSip: boolean): CredentialState;
  confirmCredentials(mac: Mac): void;
  saveOverride(upload: OverrideUpload): void;
  overrides(mac: Mac): OverrideUpload[];
  close(): void;
}
