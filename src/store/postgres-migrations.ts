/**
 * The PostgreSQL schema as numbered migrations — the state tables and the coordination tables replicas share
 * (src/cluster/) — applied under an advisory lock so replicas starting together migrate once; a database a newer
 * ghostguard wrote (a version this list does not know) is refused, not touched. A new table or column is a new entry
 * at the end, never an edit to an applied one.
 */
import type pg from 'pg';
import { GhostguardError } from '../model/errors.js';

interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/** any fixed number: every ghostguard migrating this database takes the same lock */
const MIGRATION_LOCK = 7_461_015;

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'state: history, events, enrolments, credentials, overrides, audit and schedule runs, snapshots',
    sql: `
      CREATE TABLE fetches (id BIGSERIAL PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, source TEXT NOT NULL,
        user_agent TEXT NOT NULL, file TEXT NOT NULL, sha256 TEXT NOT NULL, auth TEXT NOT NULL, status INTEGER NOT NULL);
      CREATE INDEX fetches_mac ON fetches (mac, id);
      CREATE INDEX fetches_source ON fetches (source, id);
      CREATE TABLE fetch_versions (id BIGSERIAL PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, mac TEXT NOT NULL, file TEXT NOT NULL,
        ts TEXT NOT NULL, user_agent TEXT NOT NULL);
      CREATE TABLE events (id BIGSERIAL PRIMARY KEY, ts TEXT NOT NULL, reason TEXT NOT NULL, severity TEXT NOT NULL,
        source TEXT, mac TEXT, file TEXT, detail TEXT);
      CREATE INDEX events_reason ON events (reason, id);
      CREATE INDEX events_mac ON events (mac, id);
      CREATE TABLE enrolments (mac TEXT PRIMARY KEY, opened_at TEXT NOT NULL, expires_at TEXT NOT NULL, closed_at TEXT,
        pinned_source TEXT);
      CREATE TABLE credentials (mac TEXT PRIMARY KEY, generation INTEGER NOT NULL, previous_generation INTEGER,
        sip_generation INTEGER NOT NULL);
      CREATE TABLE overrides (id BIGSERIAL PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, file TEXT NOT NULL,
        body TEXT NOT NULL, weakened TEXT NOT NULL);
      CREATE INDEX overrides_mac ON overrides (mac, id);
      CREATE TABLE audit_runs (id BIGSERIAL PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, targets TEXT NOT NULL,
        summary TEXT);
      CREATE TABLE audit_findings (id BIGSERIAL PRIMARY KEY, run_id BIGINT NOT NULL REFERENCES audit_runs (id), host TEXT NOT NULL,
        mac TEXT, vendor TEXT, model TEXT, rule TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,
        evidence TEXT NOT NULL, fix TEXT NOT NULL);
      CREATE INDEX audit_findings_run ON audit_findings (run_id, id);
      CREATE TABLE schedule_runs (run_id BIGINT PRIMARY KEY, schedule TEXT NOT NULL, signature TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT NOT NULL, complete BOOLEAN NOT NULL, previous_run_id BIGINT,
        hosts INTEGER NOT NULL, phones INTEGER NOT NULL, exposed INTEGER NOT NULL, failing INTEGER NOT NULL,
        unknown_devices INTEGER NOT NULL, changes INTEGER NOT NULL, delivery TEXT NOT NULL, attempts INTEGER NOT NULL);
      CREATE INDEX schedule_runs_schedule ON schedule_runs (schedule, run_id);
      CREATE TABLE dashboard_served (sha256 TEXT PRIMARY KEY, mac TEXT NOT NULL, file TEXT NOT NULL, ts TEXT NOT NULL,
        body TEXT NOT NULL);
      CREATE INDEX dashboard_served_file ON dashboard_served (mac, file, ts);`,
  },
  {
    version: 2,
    name: 'dashboard sessions shared by replicas (sha256 of the token); history batches written (a retried batch is never written twice)',
    sql: `
      CREATE TABLE dashboard_sessions (id BIGSERIAL, token_sha256 TEXT PRIMARY KEY, "user" TEXT NOT NULL,
        created_at BIGINT NOT NULL, last_seen BIGINT NOT NULL);
      CREATE TABLE history_batches (id TEXT PRIMARY KEY, written_at TIMESTAMPTZ NOT NULL DEFAULT now());`,
  },
  {
    version: 3,
    name: 'coordination: master-key fingerprint, bans, abuse counts, replicas, Digest nonce-counts',
    // the previous release created these same tables outside the numbered migrations (IF NOT EXISTS adopts them as they are)
    sql: `
      CREATE TABLE IF NOT EXISTS gg_cluster_key (id smallint PRIMARY KEY CHECK (id = 1), fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS gg_bans (key text PRIMARY KEY, until_ms bigint NOT NULL);
      CREATE TABLE IF NOT EXISTS gg_guard_counts (key text PRIMARY KEY, since timestamptz NOT NULL, count integer NOT NULL);
      CREATE TABLE IF NOT EXISTS gg_replicas (id text PRIMARY KEY, inventory_version text NOT NULL, seen_at timestamptz NOT NULL);
      CREATE TABLE IF NOT EXISTS gg_nonce_counts (nonce text PRIMARY KEY, last_count bigint NOT NULL, at timestamptz NOT NULL DEFAULT now());`,
  },
  {
    version: 4,
    name: 'coordination: rate buckets and guessing spread summed across replicas, cluster-wide alerts raised once',
    // counters a restart may lose without harm (a bucket refills, a window re-fills): UNLOGGED, no WAL per flush
    sql: `
      CREATE UNLOGGED TABLE gg_rate_buckets (key text PRIMARY KEY, tokens double precision NOT NULL, at_ms bigint NOT NULL);
      CREATE UNLOGGED TABLE gg_spread (slot_ms bigint NOT NULL, subnet text NOT NULL, count integer NOT NULL,
        PRIMARY KEY (subnet, slot_ms));
      CREATE INDEX gg_spread_slot ON gg_spread (slot_ms);
      CREATE TABLE gg_alerts (kind text PRIMARY KEY, quiet_until_ms bigint NOT NULL);`,
  },
];

/** Applies every migration above the database's version, each in its own transaction, under the migration lock. */
export async function migratePostgres(pool: pg.Pool, migrations: readonly PostgresMigration[] = POSTGRES_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
    const current = Number((await client.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_version')).rows[0].v);
    const latest = migrations.at(-1)?.version ?? 0;
    if (current > latest)
      throw new GhostguardError(
        'GG_ERR_STORE_SCHEMA',
        `the state database is at schema version ${current}; this ghostguard knows up to ${latest} (a newer release wrote it)`,
      );
    const applied: number[] = [];
    for (const m of migrations.filter((x) => x.version > current)) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
