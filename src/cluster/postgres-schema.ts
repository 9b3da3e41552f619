/**
 * The coordination tables replicas share on PostgreSQL, and the master-key check. The tables are created under a
 * transaction-scoped advisory lock, so replicas starting together create them once. The key is never stored: only
 * an HMAC of a fixed label under it, which tells whether two replicas hold the same key and nothing about the key.
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { GhostguardError } from '../model/errors.js';
import { inTransaction } from '../store/postgres-pool.js';

/** pg_advisory_xact_lock key for creating the coordination tables ("gg-coord" in ASCII) */
const SCHEMA_LOCK = 0x67672d636f6f7264n;

const TABLES = [
  'CREATE TABLE IF NOT EXISTS gg_cluster_key (id smallint PRIMARY KEY CHECK (id = 1), fingerprint text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  'CREATE TABLE IF NOT EXISTS gg_bans (key text PRIMARY KEY, until_ms bigint NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_guard_counts (key text PRIMARY KEY, since timestamptz NOT NULL, count integer NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_replicas (id text PRIMARY KEY, inventory_version text NOT NULL, seen_at timestamptz NOT NULL)',
  'CREATE TABLE IF NOT EXISTS gg_nonce_counts (nonce text PRIMARY KEY, last_count bigint NOT NULL, at timestamptz NOT NULL DEFAULT now())',
];

export async function createCoordinationTables(pool: pg.Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK.toString()]);
    for (const sql of TABLES) await client.query(sql);
  });
}

/** What the database keeps of a master key: HMAC-SHA256 of a fixed label, hex. */
export function keyFingerprint(masterKey: Buffer): string {
  return createHmac('sha256', masterKey).update('ghostguard master-key fingerprint').digest('hex');
}

/**
 * The first replica records its key's fingerprint; every later one must hold the same key, or it refuses to start:
 * with another key it would derive other per-device secrets and lock the phones out.
 */
export async function checkMasterKey(pool: pg.Pool, masterKey: Buffer): Promise<void> {
  const mine = keyFingerprint(masterKey);
  await pool.query('INSERT INTO gg_cluster_key (id, fingerprint) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [mine]);
  const { rows } = await pool.query<{ fingerprint: string }>('SELECT fingerprint FROM gg_cluster_key WHERE id = 1');
  if (rows[0]?.fingerprint !== mine)
    throw new GhostguardError(
      'GG_ERR_CLUSTER_KEY_MISMATCH',
      `this replica's master key (fingerprint ${mine.slice(0, 16)}) is not the one the other replicas use (${rows[0]?.fingerprint.slice(0, 16)}); copy their master.key into this replica's data directory`,
    );
}
