/** SNMP v2c GET of sysDescr and sysObjectID with each configured community. Sessions come from an injected factory. */
import { createRequire } from 'node:module';
import type { SnmpProbeResult } from '../observations.js';
import { clean, errorText } from '../sanitize.js';
import type { PacketGate } from '../scheduler.js';

export const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
export const DEFAULT_COMMUNITIES = ['public', 'private'] as const;

export interface SnmpVarbind {
  oid: string;
  /** string for text and OIDs; undefined when the agent reported an error for this OID */
  value?: string;
}

export type SnmpGetResult = { ok: true; varbinds: SnmpVarbind[] } | { ok: false; kind: 'timeout' | 'malformed' | 'error'; detail: string };

export interface SnmpSession {
  get(oids: string[]): Promise<SnmpGetResult>;
  close(): void;
}

export type SnmpSessionFactory = (host: string, community: string, options: { port: number; timeoutMs: number }) => SnmpSession;

interface NetSnmpSession {
  get(oids: string[], cb: (error: Error | null, varbinds?: { oid: string; type: number; value: unknown }[]) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

interface NetSnmp {
  createSession(target: string, community: string, options: Record<string, unknown>): NetSnmpSession;
  isVarbindError(vb: unknown): boolean;
  Version2c: number;
  RequestTimedOutError: new (...args: unknown[]) => Error;
}

const require_ = createRequire(import.meta.url);
let netSnmp: NetSnmp | undefined;

function valueText(value: unknown): string | undefined {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}

/** The production factory over net-snmp: no library retries (the auditor paces its own), garbage replies reported, not thrown. */
export const netSnmpSessionFactory: SnmpSessionFactory = (host, community, options) => {
  netSnmp ??= require_('net-snmp') as NetSnmp;
  const lib = netSnmp;
  const session = lib.createSession(host, community, {
    port: options.port, retries: 0, timeout: options.timeoutMs, version: lib.Version2c, transport: host.includes(':') ? 'udp6' : 'udp4',
  });
  let garbage: string | undefined;
  // net-snmp emits "error" for undecodable datagrams; without a listener that would crash the process
  session.on('error', (err) => {
    garbage ??= errorText(err);
  });
  return {
    get: (oids) =>
      new Promise<SnmpGetResult>((resolve) => {
        try {
          session.get(oids, (error, varbinds) => {
            if (error) {
              if (garbage) return resolve({ ok: false, kind: 'malformed', detail: `undecodable reply (${garbage})` });
              if (error instanceof lib.RequestTimedOutError) return resolve({ ok: false, kind: 'timeout', detail: 'no answer' });
              return resolve({ ok: false, kind: 'error', detail: errorText(error) });
            }
            resolve({
              ok: true,
              varbinds: (varbinds ?? []).map((vb) => (lib.isVarbindError(vb) ? { oid: vb.oid } : { oid: vb.oid, value: valueText(vb.value) })),
            });
          });
        } catch (err) {
          resolve({ ok: false, kind: 'error', detail: errorText(err) });
        }
      }),
    close: () => {
      try {
        session.close();
      } catch {
        // already closed
      }
    },
  };
};

export interface SnmpProbeOptions {
  port: number;
  communities: readonly string[];
  timeoutMs: number;
  retries: number;
  gate: PacketGate;
  factory: SnmpSessionFactory;
  signal?: AbortSignal;
}

/** Shown in reports: default communities by name, configured ones masked. */
export function communityLabel(community: string): string {
  return (DEFAULT_COMMUNITIES as readonly string[]).includes(community) ? `"${community}"` : 'a configured community';
}

/** One result per community tried; stops at the first community that answers. */
export async function probeSnmp(host: string, options: SnmpProbeOptions): Promise<SnmpProbeResult[]> {
  const out: SnmpProbeResult[] = [];
  for (const community of options.communities.slice(0, 8)) {
    const result = await tryCommunity(host, community, options);
    out.push(result);
    if (result.outcome === 'answered' || options.signal?.aborted) break;
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
    return { kind: 'snmp', port: options.port, outcome: 'error', detail: `${where}: cannot open an SNMP session: ${errorText(err)}` };
  }
  try {
    for (let attempt = 0; attempt <= options.retries && !options.signal?.aborted; attempt++) {
      await options.gate.beforePacket(options.signal);
      last = await session.get([SYS_DESCR, SYS_OBJECT_ID]);
      if (last.ok || last.kind !== 'timeout') break;
    }
  } finally {
    session.close();
  }
  if (!last.ok) {
    const outcome = last.kind === 'timeout' ? 'timeout' : last.kind;
    return { kind: 'snmp', port: options.port, outcome, detail: `${where}: SNMPv2c with ${label}: ${last.detail}` };
  }
  const descr = last.varbinds.find((v) => v.oid === SYS_DESCR)?.value;
  const oid = last.varbinds.find((v) => v.oid === SYS_OBJECT_ID)?.value;
  const result: SnmpProbeResult = { kind: 'snmp', port: options.port, community, outcome: 'answered', detail: '' };
  if (descr !== undefined) result.sysDescr = clean(descr, 200);
  if (oid !== undefined) result.sysObjectId = clean(oid, 80);
  result.detail = `${where}: SNMPv2c answered to ${label}${result.sysDescr ? `, sysDescr "${result.sysDescr}"` : ''}`;
  return result;
}
