/** Reads a test PostgreSQL cluster with the psql client itself, independent of ghostguard's Store code. */
import { execFileSync } from 'node:child_process';
import type { PostgresCluster } from './postgres-cluster.js';
import { findPeer } from './system-peers.js';

function psqlPath(): string {
  const path = findPeer('psql');
  if (!path) throw new Error('psql is not installed (Debian package postgresql-client)');
  return path;
}

/** Rows of a query as arrays of text fields (psql -A -t, fields split on the unit separator). */
export function psqlRows(cluster: PostgresCluster, database: string, sql: string): string[][] {
  const out = execFileSync(
    psqlPath(),
    ['-h', cluster.socketDir, '-p', String(cluster.port), '-U', 'postgres', '-d', database, '-X', '-A', '-t', '-F', '\x1f', '-c', sql],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\x1f'));
}
