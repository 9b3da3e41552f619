/**
 * How much history the state database keeps: fetch history, security events and phone-uploaded overrides, each capped
 * by age and by size. On SQLite the writer thread enforces the caps (history-writer-thread.mjs), never the thread
 * answering phones: the row caps after every batch it commits, the age and override caps every minute and soon after
 * uploads. On PostgreSQL each replica does the same after its own batches (postgres-retention.ts).
 */
export interface Retention {
  fetchDays: number;
  fetchRows: number;
  eventDays: number;
  eventRows: number;
  overrideDays: number;
  /** the newest uploads kept per device */
  overridesPerDevice: number;
  /** all stored override bodies together */
  overrideMb: number;
}

export const DEFAULT_RETENTION: Retention = {
  fetchDays: 90,
  fetchRows: 1_000_000,
  eventDays: 180,
  eventRows: 1_000_000,
  overrideDays: 365,
  overridesPerDevice: 20,
  overrideMb: 64,
};
