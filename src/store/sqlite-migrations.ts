/**
 * The state database's schema as an ordered list of migrations. `schema_version` records each one applied; opening a
 * database applies the missing ones in order inside one IMMEDIATE transaction (several processes may open it at once).
 * Version 1 is the schema as it stood before versioning, written with IF NOT EXISTS, so a database created by that
 * schema is adopted unchanged. A new table or column is a new entry at the end — never an edit to an applied one.
 */
import type Database from 'better-sqlite3';
import { GhostguardError } from '../model/errors.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const stateVersionTriggers = ['credentials', 'enrolments']
  .flatMap((t) =>
    ['INSERT', 'UPDATE', 'DELETE'].map(
      (op) =>
        `CREATE TRIGGER IF NOT EXISTS ${t}_${op.toLowerCase()}_bumps AFTER ${op} ON ${t} BEGIN UPDATE state_version SET v = v + 1; END;`,
    ),
  )
  .join('\n');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'fetch history, events, enrolments, credentials, overrides, audit runs',
    // state_version counts changes to credentials and enrolments (by trigger), so cached reads of them are dropped only
    // when those change — not whenever the history writer commits.
    sql: `
CREATE TABLE IF NOT EXISTS fetches (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, source TEXT NOT NULL, user_agent TEXT NOT NULL,
  file TEXT NOT NULL, sha256 TEXT NOT NULL, auth TEXT NOT NULL, status INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fetches_mac ON fetches (mac, id);
DROP INDEX IF EXISTS fetches_source;
CREATE TABLE IF NOT EXISTS fetch_sources (source TEXT PRIMARY KEY, mac TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetch_versions (sha256 TEXT PRIMARY KEY, mac TEXT NOT NULL, file TEXT NOT NULL, ts TEXT NOT NULL, user_agent TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, reason TEXT NOT NULL, severity TEXT NOT NULL,
  source TEXT, mac TEXT, file TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS events_reason ON events (reason, id);
CREATE TABLE IF NOT EXISTS enrolments (
  mac TEXT PRIMARY KEY, opened_at TEXT NOT NULL, expires_at TEXT NOT NULL, closed_at TEXT, pinned_source TEXT);
CREATE TABLE IF NOT EXISTS credentials (
  mac TEXT PRIMARY KEY, generation INTEGER NOT NULL, previous_generation INTEGER, sip_generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS overrides (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, file TEXT NOT NULL, body TEXT NOT NULL, weakened TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, targets TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS audit_findings (
  run_id INTEGER NOT NULL REFERENCES audit_runs(id), host TEXT NOT NULL, mac TEXT, vendor TEXT, model TEXT,
  rule TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL, evidence TEXT NOT NULL, fix TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_findings_run ON audit_findings (run_id);
CREATE TABLE IF NOT EXISTS state_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL);
INSERT OR IGNORE INTO state_version (id, v) VALUES (1, 0);
${stateVersionTriggers}
`,
  },
  {
    version: 2,
    name: 'scheduled audit runs',
    sql: `
CREATE TABLE IF NOT EXISTS schedule_runs (
  run_id INTEGER PRIMARY KEY, schedule TEXT NOT NULL, signature TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
  complete INTEGER NOT NULL, previous_run_id INTEGER, hosts INTEGER NOT NULL, phones INTEGER NOT NULL, exposed INTEGER NOT NULL,
  failing INTEGER NOT NULL, unknown_devices INTEGER NOT NULL, changes INTEGER NOT NULL, delivery TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS schedule_runs_by_schedule ON schedule_runs (schedule, run_id);
`,
  },
  {
    version: 3,
    name: 'served file snapshots for the dashboard diff',
    sql: `
CREATE TABLE IF NOT EXISTS dashboard_served (
  sha256 TEXT PRIMARY KEY, mac TEXT NOT NULL, file TEXT NOT NULL, ts TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS dashboard_served_file ON dashboard_served (mac, file, ts);
`,
  },
  {
    version: 4,
    name: 'dashboard sessions shared by the processes on this state (sha256 of the token, never the token)',
    sql: `
CREATE TABLE IF NOT EXISTS dashboard_sessions (
  token_sha256 TEXT PRIMARY KEY, user TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL);
`,
  },
];

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

/** The highest version applied (0 for a database that never saw a migration). */
export function schemaVersion(db: Database.Database): number {
  db.exec(VERSION_TABLE);
  return (db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_version').pluck().get() as number) ?? 0;
}

/**
 * Applies every migration above the database's version, in order; call inside a transaction. Returns the versions
 * applied. A database written by a newer ghostguard (a version this list does not know) is refused, not touched.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS, now = new Date()): number[] {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new GhostguardError(
      'GG_ERR_STORE_SCHEMA',
      `the state database is at schema version ${current}; this ghostguard knows up to ${latest} (a newer release wrote it)`,
    );
  }
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec(m.sql);
    record.run(m.version, m.name, now.toISOString());
    applied.push(m.version);
  }
  return applied;
}
