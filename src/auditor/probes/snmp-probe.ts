/**
 * SNMP v2c probe: with every configured community, a GET of sysDescr, sysObjectID and sysLocation. Every community that
 * answers is reported, not only the first. Write access is determined without changing anything — a SET of
 * sysLocation.0 to the value just read — and only when the caller allows active probing; otherwise it is `untested`.
 */
import type { SnmpAccess, SnmpProbeResult } from '../observations.js';
import { clean } from '../sanitize.js';
import type { PacketGate } from '../scheduler.js';
import type { SnmpGetResult, SnmpSession, SnmpSessionFactory } from './snmp-session.js';

export { connectedSnmpSessionFactory, netSnmpSessionFactory } from './snmp-session.js';
export type { SnmpSessionFactory } from './snmp-session.js';

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
/** SNMPv2-MIB sysLocation.0: read-write in the MIB, so the object a write-access check can set to its own value */
export const SYS_LOCATION = '1.3.6.1.2.1.1.6.0';
export const DEFAULT_COMMUNITIES = ['public', 'private'] as const;

export interface SnmpProbeOptions {
  port: number;
  communities: readonly string[];
  timeoutMs: number;
  retries: number;
  gate: PacketGate;
  factory: SnmpSessionFactory;
  /** send the no-op SET that tells read-only from read-write (an active probe: only when the operator allows it) */
  testWrite?: boolean;
  signal?: AbortSignal;
}

/** Shown in reports: default communities by name, configured ones masked. */
export function communityLabel(community: string): string {
  return (DEFAULT_COMMUNITIES as readonly string[]).includes(community) ? `"${community}"` : 'a configured community';
}

/** One result per community tried (at most 8); stops early only when the port is closed or the run is aborted. */
export async function probeSnmp(host: string, options: SnmpProbeOptions): Promise<SnmpProbeResult[]> {
  const out: SnmpProbeResult[] = [];
  for (const community of options.communities.slice(0, 8)) {
    const result = await tryCommunity(host, community, options);
    out.push(result);
    if (result.outcome === 'closed' || options.signal?.aborted) break;
  }
  return out;
}

async function tryCommunity(host: string, community: string, options: SnmpProbeOptions): Promise<SnmpProbeResult> {
  const where = `udp/${options.port}`;
  const label = communityLabel(community);
  let last: SnmpGetResult = { ok: false, kind: 'timeout', detail: 'no answer' };
  let session: SnmpSession;
  try {
    session = options.factory(host, community, { port: options.port, timeoutMs: options.timeoutMs });
  } catch (err) {
    return {
      kind: 'snmp',
      port: options.port,
      outcome: 'error',
      detail: `${where}: cannot open an SNMP session: ${(err as Error).message}`,
    };
  }
  let access: { access: SnmpAccess; why: string } | undefined;
  try {
    for (let attempt = 0; attempt <= options.retries && !options.signal?.aborted; attempt++) {
      await options.gate.beforePacket(options.signal);
      last = await session.get([SYS_DESCR, SYS_OBJECT_ID, SYS_LOCATION]);
      if (last.ok || last.kind !== 'timeout') break;
    }
    if (last.ok) access = await writeAccess(session, last.varbinds.find((v) => v.oid === SYS_LOCATION)?.value, options);
  } finally {
    session.close();
  }
  if (!last.ok) {
    if (last.kind === 'closed') return { kind: 'snmp', port: options.port, outcome: 'closed', detail: `${where}: SNMP ${last.detail}` };
    return { kind: 'snmp', port: options.port, outcome: last.kind, detail: `${where}: SNMPv2c with ${label}: ${last.detail}` };
  }
  const descr = last.varbinds.find((v) => v.oid === SYS_DESCR)?.value;
  const oid = last.varbinds.find((v) => v.oid === SYS_OBJECT_ID)?.value;
  const result: SnmpProbeResult = { kind: 'snmp', port: options.port, community, outcome: 'answered', access: access!.access, detail: '' };
  if (descr !== undefined) result.sysDescr = clean(descr, 200);
  if (oid !== undefined) result.sysObjectId = clean(oid, 80);
  result.detail = `${where}: SNMPv2c answered to ${label} (${access!.why})${result.sysDescr ? `, sysDescr "${result.sysDescr}"` : ''}`;
  return result;
}

/**
 * Read-write or read-only, by setting sysLocation.0 to the value the same community just read: the agent either
 * accepts (nothing changed) or answers an error status. Silence or a missing sysLocation leaves it undecided.
 */
async function writeAccess(
  session: SnmpSession,
  location: string | undefined,
  options: SnmpProbeOptions,
): Promise<{ access: SnmpAccess; why: string }> {
  if (!options.testWrite) return { access: 'untested', why: 'write access untested: active probes not allowed' };
  if (location === undefined || !session.set) return { access: 'unknown', why: 'write access unknown: sysLocation.0 not readable' };
  await options.gate.beforePacket(options.signal);
  const r = await session.set(SYS_LOCATION, location);
  if (r.ok) return { access: 'read-write', why: 'read-write: a SET of sysLocation.0 to its own value was accepted' };
  if (r.kind === 'rejected') {
    // notWritable: the community may write, this object may not (e.g. set in the agent's configuration file)
    if (r.status === 'NotWritable') return { access: 'unknown', why: 'write access unknown: sysLocation.0 is not writable on this agent' };
    return { access: 'read-only', why: `read-only: a SET of sysLocation.0 was refused (${r.status})` };
  }
  return { access: 'unknown', why: `write access unknown: the SET drew ${r.kind === 'timeout' ? 'no answer' : r.detail}` };
}
