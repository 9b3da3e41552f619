/**
 * What `ghostguard store copy` moves from the SQLite state file into PostgreSQL: every table of the SQLite schema
 * (sqlite-migrations.ts), column by column into the PostgreSQL schema (postgres-migrations.ts), parents before the
 * tables that reference them; and the SQLite tables it leaves behind, with the reason. A test holds both lists to
 * the SQLite schema, so a table added there and not here fails it.
 */

/** the PostgreSQL type of a column, for the `unnest($n::type[])` a batch is inserted with */
export type CopyType = 'bigint' | 'integer' | 'text' | 'boolean';

export interface CopyColumn {
  /** the PostgreSQL column */
  name: string;
  type: CopyType;
  /** the SQLite expression read for it (default: the same name) */
  from?: string;
}

export interface CopiedTable {
  table: string;
  columns: readonly CopyColumn[];
  /** the BIGSERIAL column whose sequence continues after the copied ids */
  serial?: string;
}

const text = (...names: string[]): CopyColumn[] => names.map((name) => ({ name, type: 'text' as const }));
const integer = (...names: string[]): CopyColumn[] => names.map((name) => ({ name, type: 'integer' as const }));
/** the SQLite rowid (an INTEGER PRIMARY KEY's own value), kept so cursors and order survive the move */
const rowId = (name = 'id'): CopyColumn => ({ name, type: 'bigint', from: 'rowid' });

export const COPIED_TABLES: readonly CopiedTable[] = [
  { table: 'credentials', columns: [...text('mac'), ...integer('generation', 'previous_generation', 'sip_generation')] },
  { table: 'enrolments', columns: text('mac', 'opened_at', 'expires_at', 'closed_at', 'pinned_source') },
  {
    table: 'fetches',
    columns: [rowId(), ...text('ts', 'mac', 'source', 'user_agent', 'file', 'sha256', 'auth'), ...integer('status')],
    serial: 'id',
  },
  // served versions: the dashboard's snapshot follower keeps a cursor over these ids
  { table: 'fetch_versions', columns: [rowId(), ...text('sha256', 'mac', 'file', 'ts', 'user_agent')], serial: 'id' },
  { table: 'events', columns: [rowId(), ...text('ts', 'reason', 'severity', 'source', 'mac', 'file', 'detail')], serial: 'id' },
  { table: 'overrides', columns: [rowId(), ...text('ts', 'mac', 'file', 'body', 'weakened')], serial: 'id' },
  { table: 'audit_runs', columns: [rowId(), ...text('started_at', 'finished_at', 'targets', 'summary')], serial: 'id' },
  {
    table: 'audit_findings',
    columns: [
      rowId(),
      { name: 'run_id', type: 'bigint' },
      ...text('host', 'mac', 'vendor', 'model', 'rule', 'state', 'severity', 'evidence', 'fix'),
    ],
    serial: 'id',
  },
  {
    table: 'schedule_runs',
    columns: [
      { name: 'run_id', type: 'bigint' },
      ...text('schedule', 'signature', 'started_at', 'finished_at'),
      { name: 'complete', type: 'boolean' },
      { name: 'previous_run_id', type: 'bigint' },
      ...integer('hosts', 'phones', 'exposed', 'failing', 'unknown_devices', 'changes'),
      ...text('delivery'),
      ...integer('attempts'),
    ],
  },
  { table: 'dashboard_served', columns: text('sha256', 'mac', 'file', 'ts', 'body') },
];

/** SQLite tables that are not state of their own, and why they stay behind */
export const TABLES_LEFT_BEHIND: Readonly<Record<string, string>> = {
  fetch_sources: 'the latest MAC per source address, an index of fetches (PostgreSQL indexes fetches by source itself)',
  state_version: "a change counter for SQLite's read caches",
  schema_version: "each database's own migrations (the target's are applied before the copy)",
  dashboard_sessions: 'dashboard logins of the old machine: operators log in again on the replicas',
};
