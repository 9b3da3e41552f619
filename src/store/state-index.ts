/**
 * Every enrolment and credential row of the state database, held in memory: loaded in one read when the store opens,
 * loaded again when the database's change counter says another process changed them, and kept current by this
 * process's own changes. A phone's request then never runs a statement for them, whatever the fleet's size.
 * Compact: one object per enrolment, its repeated values (the window every new device got, a shared source address)
 * held once; credential rows exist only for devices whose credentials were ever rotated.
 */
import type Database from 'better-sqlite3';
import type { CredentialState, Enrolment } from './store.js';
import { oneCopyEach } from '../model/shared-values.js';

interface EnrolmentRow {
  mac: string;
  openedAt: string;
  expiresAt: string;
  closedAt: string | null;
  pinnedSource: string | null;
}

interface CredentialRow {
  mac: string;
  generation: number;
  previousGeneration: number | null;
  sipGeneration: number;
}

const ENROLMENT_COLUMNS = 'mac, opened_at AS openedAt, expires_at AS expiresAt, closed_at AS closedAt, pinned_source AS pinnedSource';
const CREDENTIAL_COLUMNS = 'mac, generation, previous_generation AS previousGeneration, sip_generation AS sipGeneration';

export class StateIndex {
  private enrolments = new Map<string, Enrolment>();
  private credentialRows = new Map<string, CredentialState>();
  private readonly stmts;

  constructor(db: Database.Database) {
    this.stmts = {
      enrolments: db.prepare(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments`),
      enrolment: db.prepare(`SELECT ${ENROLMENT_COLUMNS} FROM enrolments WHERE mac = ?`),
      credentials: db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials`),
      credential: db.prepare(`SELECT ${CREDENTIAL_COLUMNS} FROM credentials WHERE mac = ?`),
    };
  }

  /** Reads every row again (the caller holds one read transaction around this and the change counter's read). */
  load(): void {
    const once = oneCopyEach();
    const enrolments = new Map<string, Enrolment>();
    for (const row of this.stmts.enrolments.iterate() as Iterable<EnrolmentRow>) enrolments.set(row.mac, enrolmentOf(row, once));
    const credentials = new Map<string, CredentialState>();
    for (const row of this.stmts.credentials.iterate() as Iterable<CredentialRow>) credentials.set(row.mac, credentialOf(row));
    this.enrolments = enrolments;
    this.credentialRows = credentials;
  }

  enrolment(mac: string): Enrolment | undefined {
    return this.enrolments.get(mac);
  }

  credentials(mac: string): CredentialState {
    return this.credentialRows.get(mac) ?? { generation: 0, sipGeneration: 0 };
  }

  /** After this process changed a device's enrolment: its row as it is now. */
  rereadEnrolment(mac: string): void {
    const row = this.stmts.enrolment.get(mac) as EnrolmentRow | undefined;
    if (row)
      this.enrolments.set(
        mac,
        enrolmentOf(row, (s) => s),
      );
    else this.enrolments.delete(mac);
  }

  /** After this process opened windows for devices that had none: the rows it inserted. */
  addEnrolments(macs: readonly string[], openedAt: string, expiresAt: string): void {
    for (const mac of macs) this.enrolments.set(mac, { mac, openedAt, expiresAt });
  }

  /** After this process changed a device's credentials: its row as it is now. */
  rereadCredentials(mac: string): void {
    const row = this.stmts.credential.get(mac) as CredentialRow | undefined;
    if (row) this.credentialRows.set(mac, credentialOf(row));
    else this.credentialRows.delete(mac);
  }
}

function enrolmentOf(row: EnrolmentRow, once: (s: string) => string): Enrolment {
  const e: Enrolment = { mac: row.mac, openedAt: once(row.openedAt), expiresAt: once(row.expiresAt) };
  if (row.closedAt !== null) e.closedAt = row.closedAt;
  if (row.pinnedSource !== null) e.pinnedSource = once(row.pinnedSource);
  return e;
}

function credentialOf(row: CredentialRow): CredentialState {
  return {
    generation: row.generation,
    sipGeneration: row.sipGeneration,
    ...(row.previousGeneration === null ? {} : { previousGeneration: row.previousGeneration }),
  };
}
