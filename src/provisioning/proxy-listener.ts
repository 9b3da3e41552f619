/**
 * PROXY protocol on a phone listener (`server.proxyProtocol.from`): a connection from one of the load balancers must
 * begin with a PROXY header, read here before TLS or HTTP sees a byte; the address it names then stands in for the
 * connection's own everywhere (`socket.remoteAddress`: rate limits, bans, enrolment and site checks, history, events,
 * the per-address connection cap). A connection from any other address is handed on untouched: a PROXY header from
 * it is never read as one (it fails the TLS handshake, or is a malformed HTTP request).
 */
import type { Server, Socket } from 'node:net';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import { addressWithin } from '../model/address-ranges.js';
import { readProxyHeader } from './proxy-header.js';
import { throttledBySource } from './throttled-events.js';

export interface ProxyProtocolOptions {
  /** the load balancers' addresses, ranges and CIDRs */
  from: readonly string[];
  /** a header not complete within this long closes the connection */
  timeoutMs: number;
  /** a listed address sent something other than a valid PROXY header (the connection is closed) */
  onRefused?: (source: string, why: string) => void;
}

interface Peer {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

const key = (address: string | undefined, port: number | undefined) => `${address}|${port}`;

/** Puts the PROXY header reader in front of every `connection` listener the server has (HTTP or TLS, the gate). */
export function acceptProxyProtocol(server: Server, options: ProxyProtocolOptions): void {
  const downstream = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  const hand = (socket: Socket) => {
    for (const listener of downstream) listener.call(server, socket);
  };
  /** the connection's own (kernel) peer → the phone the header named, for the TLS socket layered on it */
  const phones = new Map<string, Peer>();
  const tls = server instanceof TlsServer;
  server.on('connection', (socket: Socket) => {
    const own = socket.remoteAddress;
    if (!own || !addressWithin(own, options.from)) return hand(socket);
    readHeader(socket, options, (phone) => {
      if (phone) {
        const ownKey = key(own, socket.remotePort);
        phones.set(ownKey, phone);
        socket.once('close', () => phones.delete(ownKey));
        actAs(socket, phone);
      }
      hand(socket);
      // the HTTP parser reads the socket's stream (and what was given back) once it flows; TLS reads it by itself
      if (!tls) socket.resume();
    });
  });
  if (tls)
    server.prependListener('secureConnection', (tls: TLSSocket) => {
      const phone = phones.get(key(tls.remoteAddress, tls.remotePort));
      if (phone) actAs(tls, phone);
    });
}

/** Reads the header, then calls `done` with the phone it names (undefined: LOCAL/UNKNOWN, keep the own address). */
function readHeader(socket: Socket, options: ProxyProtocolOptions, done: (phone: Peer | undefined) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  const timer = setTimeout(() => refuse(buffered.length > 0 ? 'PROXY header not complete in time' : undefined), options.timeoutMs);
  timer.unref();
  const stop = () => {
    clearTimeout(timer);
    socket.removeListener('data', onData);
    socket.removeListener('close', stop);
    socket.removeListener('error', onError);
  };
  // a reset while the header is read: nothing else listens yet, so the error is handled (and the socket gone) here
  const onError = () => refuse(undefined);
  function refuse(why: string | undefined): void {
    stop();
    if (why) options.onRefused?.(socket.remoteAddress ?? '', why);
    socket.destroy();
  }
  function onData(chunk: Buffer): void {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const header = readProxyHeader(buffered);
    if (header.state === 'incomplete') return;
    if (header.state === 'invalid') {
      refuse(header.why);
      return;
    }
    stop();
    socket.pause();
    // what followed the header in the same read is the TLS handshake or the HTTP request: given back, unread
    if (buffered.length > header.length) socket.unshift(buffered.subarray(header.length));
    const source = header.source;
    done(source && { ...source, family: source.address.includes(':') ? 'IPv6' : 'IPv4' });
  }
  socket.on('data', onData);
  socket.once('close', stop);
  socket.on('error', onError);
}

/** The socket answers with the phone's address and port from now on (own properties over the kernel's getters). */
function actAs(socket: Socket, phone: Peer): void {
  for (const [name, value] of [
    ['remoteAddress', phone.address],
    ['remotePort', phone.port],
    ['remoteFamily', phone.family],
  ] as const)
    Object.defineProperty(socket, name, { value, configurable: true });
}

/** Refused headers as events: one per load-balancer address and minute, with how many were refused since the last. */
export function refusedHeaderEvents(
  emit: (source: string, detail: string) => void,
  everyMs = 60_000,
  now: () => number = Date.now,
): (source: string, why: string) => void {
  return throttledBySource<string>(emit, (why, since) => `${why}${since ? ` (+${since} more refused since the last event)` : ''}`, {
    everyMs,
    maxSources: 1_000,
    now,
  });
}
