/**
 * SNMP v2c sessions over net-snmp, the probe's I/O edge: GET, and the one SET the write-access check sends. No library
 * retries (the auditor paces its own); garbage replies, refusals and agent errors are results, never throws.
 */
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { errorText } from '../sanitize.js';

export interface SnmpVarbind {
  oid: string;
  /** string for text and OIDs; undefined when the agent reported an error for this OID */
  value?: string;
}

type SnmpFailure = { ok: false; kind: 'timeout' | 'malformed' | 'closed' | 'error'; detail: string };

/** `closed`: the agent's host refused the datagram (ICMP port unreachable), so nothing listens there. */
export type SnmpGetResult = { ok: true; varbinds: SnmpVarbind[] } | SnmpFailure;

/** `rejected`: the agent answered the SET with an error status (noAccess, notWritable, authorizationError, …). */
export type SnmpSetResult = { ok: true } | { ok: false; kind: 'rejected'; status: string } | SnmpFailure;

export interface SnmpSession {
  get(oids: string[]): Promise<SnmpGetResult>;
  /** SET one OCTET STRING object; optional so that read-only test doubles need not provide it */
  set?(oid: string, value: string): Promise<SnmpSetResult>;
  close(): void;
}

export type SnmpSessionFactory = (host: string, community: string, options: { port: number; timeoutMs: number }) => SnmpSession;

interface NetSnmpSession {
  get(oids: string[], cb: (error: Error | null, varbinds?: { oid: string; type: number; value: unknown }[]) => void): void;
  set(varbinds: { oid: string; type: number; value: unknown }[], cb: (error: Error | null) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  close(): void;
}

interface NetSnmp {
  createSession(target: string, community: string, options: Record<string, unknown>): NetSnmpSession;
  isVarbindError(vb: unknown): boolean;
  Version2c: number;
  RequestTimedOutError: new (...args: unknown[]) => Error;
  RequestFailedError: new (...args: unknown[]) => Error & { status?: number };
  ObjectType: { OctetString: number };
  ErrorStatus: Record<number, string>;
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
      (socket as unknown as { send: unknown }).send = (
        msg: Buffer,
        offset: number,
        length: number,
        port: number,
        address: string,
        cb: SendCallback,
      ) => {
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
    let settle: ((r: SnmpFailure | SnmpGetResult | SnmpSetResult) => void) | undefined;
    const closed: SnmpFailure = { ok: false, kind: 'closed', detail: 'port unreachable (ICMP, ECONNREFUSED)' };
    const session = lib.createSession(host, community, {
      port: options.port,
      retries: 0,
      timeout: options.timeoutMs,
      version: lib.Version2c,
      transport: host.includes(':') ? 'udp6' : 'udp4',
      ...(connected
        ? {
            dgramModule: connectedDgram(() => {
              refused = true;
              settle?.(closed);
            }),
          }
        : {}),
    });
    let garbage: string | undefined;
    // net-snmp emits "error" for undecodable datagrams; without a listener that would crash the process
    session.on('error', (err) => {
      garbage ??= errorText(err);
    });
    /** One request at a time: settles on the library's callback, a refusal (ICMP), or a throw. */
    const request = <T>(send: (finish: (r: T | SnmpFailure) => void) => void): Promise<T | SnmpFailure> =>
      new Promise((resolve) => {
        let done = false;
        settle = (r) => {
          if (done) return;
          done = true;
          resolve(r as T | SnmpFailure);
        };
        const finish = settle as (r: T | SnmpFailure) => void;
        if (refused) return finish(closed);
        try {
          send(finish);
        } catch (err) {
          finish({ ok: false, kind: 'error', detail: errorText(err) });
        }
      });
    const failure = (error: Error): SnmpFailure => {
      if (refused) return closed;
      if (garbage) return { ok: false, kind: 'malformed', detail: `undecodable reply (${garbage})` };
      if (error instanceof lib.RequestTimedOutError) return { ok: false, kind: 'timeout', detail: 'no answer' };
      return { ok: false, kind: 'error', detail: errorText(error) };
    };
    return {
      get: (oids) =>
        request<SnmpGetResult>((finish) =>
          session.get(oids, (error, varbinds) => {
            if (error) return finish(failure(error));
            finish({
              ok: true,
              varbinds: (varbinds ?? []).map((vb) =>
                lib.isVarbindError(vb) ? { oid: vb.oid } : { oid: vb.oid, value: valueText(vb.value) },
              ),
            });
          }),
        ),
      set: (oid, value) =>
        request<SnmpSetResult>((finish) =>
          session.set([{ oid, type: lib.ObjectType.OctetString, value: Buffer.from(value, 'utf8') }], (error) => {
            if (!error) return finish({ ok: true });
            if (error instanceof lib.RequestFailedError && typeof error.status === 'number') {
              return finish({ ok: false, kind: 'rejected', status: lib.ErrorStatus[error.status] ?? `error ${error.status}` });
            }
            finish(failure(error));
          }),
        ),
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
