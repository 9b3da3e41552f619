/**
 * The master key of the replicas sharing one PostgreSQL database, as the database knows it (table gg_cluster_key):
 * never the key, only an HMAC of a fixed label under it, which tells whether two replicas hold the same key and
 * nothing about the key. Recorded by the first replica, or by `store copy` from the installation it moves.
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import { GhostguardError } from '../model/errors.js';
import type { Queryable } from './postgres-pool.js';

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

/**
 * `store copy`: the moved installation's key becomes the one replicas must hold. A target whose replicas recorded
 * another key is refused, unless its state is being replaced (the key goes with the state it derived).
 */
export async function recordKeyFingerprint(db: Queryable, fingerprint: string, replace: boolean): Promise<void> {
  const { rows } = await db.query<{ fingerprint: string }>('SELECT fingerprint FROM gg_cluster_key WHERE id = 1');
  const recorded = rows[0]?.fingerprint;
  if (recorded === fingerprint) return;
  if (recorded !== undefined && !replace)
    throw new GhostguardError(
      'GG_ERR_CLUSTER_KEY_MISMATCH',
      `the target's replicas use another master key (fingerprint ${recorded.slice(0, 16)}) than this installation (${fingerprint.slice(0, 16)}); nothing was copied`,
    );
  await db.query(
    'INSERT INTO gg_cluster_key (id, fingerprint) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, created_at = now()',
    [fingerprint],
  );
}
