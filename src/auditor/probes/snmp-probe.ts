/** SNMP v2c GET of sysDescr and sysObjectID with each configured community. Sessions come from an injected factory. */
import dgram from 'node:dgram';
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

/** `closed`: the agent's host refused the datagram (ICMP port unreachable), so nothing listens there. */
export type SnmpGetResult = { ok: true; varbinds: SnmpVarbind[] } | { ok: false; kind: 'timeout' | 'malformed' | 'closed' | 'error'; detail: string };

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

type SendCallback = (error: Error | null, bytes?: number) => void;

/**
 * A dgram module for net-snmp whose socket connects to the agent before its first datagram. Connected, an ICMP port
 * unreachable surfaces at once as ECONNREFUSED (as for the SIP probes) instead of a wait for the timeout; a host
 * without SNMP — most phones — then costs one packet and no waiting. Replies from another source address are dropped by
 * the kernel, which an agent answering a unicast GET does not send.
 */
function connectedDgram(onRefused: () => void): { createSocket(type: 'udp4' | 'udp6'): dgram.Socket } {
  return {
    createSocket(type) {
      const socket = dgram.createSocket(type);
      const send = socket.send.bind(socket) as (msg: Buffer, offset: number, length: number, cb: SendCallback) => void;
      let connected: Promise<Error | undefined> | undefined;
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED') onRefused();
      });
      // net-snmp calls send(buffer, offset, length, port, address, callback)
      (socket as unknown as { send: unknown }).send = (msg: Buffer, offset: number, length: number, port: number, address: string, cb: SendCallback) => {
        connected ??= new Promise<Error | undefined>((resolve) => {
          // a failed connect is reported as an 'error' event, never through the callback: settle on either
          const onError = (err: Error) => resolve(err);
          socket.once('error', onError);
          try {
            socket.connect(port, address, () => {
              socket.off('error', onError);
              resolve(undefined);
            });
          } catch (err) {
            socket.off('error', onError);
            resolve(err as Error);
          }
        });
        void connected.then((err) => {
          if (err) return cb(err);
          try {
            send(msg, offset, length, cb);
          } catch (e) {
            cb(e as Error);
          }
        });
      };
      return socket;
    },
  };
}

/**
 * Sessions over net-snmp: no library retries (the auditor paces its own), garbage replies reported, not thrown.
 * `connected`: the socket connects to the agent first, so a closed port answers `closed` at once (see connectedDgram).
 */
function netSnmpFactory(connected: boolean): SnmpSessionFactory {
  return (host, community, options) => {
    netSnmp ??= require_('net-snmp') as NetSnmp;
    const lib = netSnmp;
    let refused = false;
    let settle: ((r: SnmpGetResult) => void) | undefined;
    const closed: SnmpGetResult = { ok: false, kind: 'closed', detail: 'port unreachable (ICMP, ECONNREFUSED)' };
    const session = lib.createSession(host, community, {
      port: options.port, retries: 0, timeout: options.timeoutMs, version: lib.Version2c, transport: host.includes(':') ? 'udp6' : 'udp4',
      ...(connected ? {
        dgramModule: connectedDgram(() => {
          refused = true;
          settle?.(closed);
        }),
      } : {}),
    });
    let garbage: string | undefined;
    // net-snmp emits "error" for undecodable datagrams; without a listener that would crash the process
    session.on('error', (err) => {
      garbage ??= errorText(err);
    });
    return {
      get: (oids) =>
        new Promise<SnmpGetResult>((resolve) => {
          let done = false;
          settle = (r) => {
            if (done) return;
            done = true;
            resolve(r);
          };
          const finish = settle;
          if (refused) return finish(closed);
          try {
            session.get(oids, (error, varbinds) => {
              if (error) {
                if (refused) return finish(closed);
                if (garbage) return finish({ ok: false, kind: 'malformed', detail: `undecodable reply (${garbage})` });
                if (error instanceof lib.RequestTimedOutError) return finish({ ok: false, kind: 'timeout', detail: 'no answer' });
                return finish({ ok: false, kind: 'error', detail: errorText(error) });
              }
              finish({
                ok: true,
                varbinds: (varbinds ?? []).map((vb) => (lib.isVarbindError(vb) ? { oid: vb.oid } : { oid: vb.oid, value: valueText(vb.value) })),
              });
            });
          } catch (err) {
            finish({ ok: false, kind: 'error', detail: errorText(err) });
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
}

/** Unconnected sockets: a refused port looks like silence (a timeout). Kept for callers that want net-snmp as it is. */
export const netSnmpSessionFactory: SnmpSessionFactory = netSnmpFactory(false);

/** The audit's default: connected sockets, so hosts without SNMP (most phones) answer `closed` at once instead of timing out. */
export const connectedSnmpSessionFactory: SnmpSessionFactory = netSnmpFactory(true);

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

/** One result per community tried; stops at the first community that answers, and when the port is closed. */
export async function probeSnmp(host: string, options: SnmpProbeOptions): Promise<SnmpProbeResult[]> {
  const out: SnmpProbeResult[] = [];
  for (const community of options.communities.slice(0, 8)) {
    const result = await tryCommunity(host, community, options);
    out.push(result);
    if (result.outcome === 'answered' || result.outcome === 'closed' || options.signal?.aborted) break;
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
    if (last.kind === 'closed') return { kind: 'snmp', port: options.port, outcome: 'closed', detail: `${where}: SNMP ${last.detail}` };
    return { kind: 'snmp', port: options.port, outcome: last.kind, detail: `${where}: SNMPv2c with ${label}: ${last.detail}` };
  }
  const descr = last.varbinds.find((v) => v.oid === SYS_DESCR)?.value;
  const oid = last.varbinds.find((v) => v.oid === SYS_OBJECT_ID)?.value;
  const result: SnmpProbeResult = { kind: 'snmp', port: options.port, community, outcome: 'answered', detail: '' };
  if (descr !== undefined) result.sysDescr = clean(descr, 200);
  if (oid !== undefined) result.sysObjectId = clean(oid, 80);
  result.detail = `${where}: SNMPv2c answered to ${label}${result.sysDescr ? `, sysDescr "${result.sysDescr}"` : ''}`;
  return result;
}
