/**
 * The connection gate's idle sweep through real sockets: a node:https server on 127.155.0.1:20155 watched by a gate
 * with a 500 ms idle timeout (a sweep every 125 ms), Node's own keep-alive timeout off so that only the gate closes
 * idle connections. A TCP connection that never starts TLS, a TLS connection that never asks, and a keep-alive
 * connection after its answer are closed 500 ms after they went idle (give or take the sweep and a loaded machine);
 * an answer that takes three idle timeouts keeps its connection; a client that dies mid-answer leaves nothing tracked.
 */
import { createServer, type Server } from 'node:https';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionGate } from '../../src/provisioning/connection-gate.js';

const HOST = '127.155.0.1';
const PORT = 20155;
const IDLE_MS = 500;
const SLOW_MS = 3 * IDLE_MS;
/** the sweep period (125 ms) and a loaded machine's event-loop lag */
const LATE_MS = 125 + 1500;
let server: Server;
let gate: ConnectionGate;
let hanging = 0;

beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: HOST }], { algorithm: 'sha256', keySize: 2048 });
  server = createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
    if (req.url === '/hang') {
      hanging++;
      res.once('close', () => hanging--);
      return;
    }
    setTimeout(() => res.end('ok\n'), req.url === '/slow' ? SLOW_MS : 0);
  });
  server.keepAliveTimeout = 0;
  gate = new ConnectionGate({ perAddress: 16, total: 64, idleMs: IDLE_MS });
  gate.watch(server);
  await new Promise<void>((done) => server.listen(PORT, HOST, done));
});

afterAll(async () => {
  gate.shutdown();
  await new Promise((done) => server.close(done));
});

const tcpFrom = (source: string): Socket => tcpConnect({ host: HOST, port: PORT, localAddress: source }).on('error', () => {});
const tlsFrom = (source: string): TLSSocket =>
  tlsConnect({ socket: tcpFrom(source), servername: 'localhost', rejectUnauthorized: false }).on('error', () => {});
const closed = (socket: Socket) => new Promise<number>((done) => socket.once('close', () => done(Date.now())));
const ask = (socket: TLSSocket, path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: keep-alive\r\n\r\n`);
/** resolves with the time the whole answer (its body `ok\n`) has arrived */
const answered = (socket: TLSSocket) =>
  new Promise<{ at: number; head: string }>((done) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      if (!text.endsWith('\r\n\r\nok\n')) return;
      socket.off('data', onData);
      done({ at: Date.now(), head: text.split('\r\n')[0]! });
    };
    socket.on('data', onData);
  });

describe('connection gate idle sweep, real sockets', () => {
  it('closes a silent TCP connection, a TLS connection that never asks, and a keep-alive one after its answer', async () => {
    const t0 = Date.now();
    const silent = tcpFrom('127.155.1.1');
    const tlsOnly = tlsFrom('127.155.1.2');
    const keepAlive = tlsFrom('127.155.1.3');
    keepAlive.once('secureConnect', () => ask(keepAlive, '/cfg.xml'));
    const answer = answered(keepAlive);
    const [silentAt, tlsAt, keepAliveAt] = await Promise.all([closed(silent), closed(tlsOnly), closed(keepAlive)]);
    const { at, head } = await answer;
    expect(head).toBe('HTTP/1.1 200 OK');
    for (const [name, ms] of [
      ['silent TCP', silentAt - t0],
      ['TLS only', tlsAt - t0],
      ['keep-alive after its answer', keepAliveAt - at],
    ] as const) {
      // the server stamps a connection idle a moment after the client started it or read its answer
      expect(ms, name).toBeGreaterThanOrEqual(IDLE_MS - 50);
      expect(ms, name).toBeLessThan(IDLE_MS + LATE_MS);
    }
  }, 15_000);

  it('keeps a connection whose answer takes three idle timeouts, then closes it once idle', async () => {
    const phone = tlsFrom('127.155.2.1');
    let closedAt = 0;
    phone.once('close', () => (closedAt = Date.now()));
    phone.once('secureConnect', () => ask(phone, '/slow'));
    const asked = Date.now();
    const { at, head } = await answered(phone);
    expect(head).toBe('HTTP/1.1 200 OK');
    expect(at - asked).toBeGreaterThanOrEqual(SLOW_MS - 50);
    expect(closedAt).toBe(0);
    const end = await closed(phone);
    expect(end - at).toBeGreaterThanOrEqual(IDLE_MS - 50);
  }, 15_000);

  it('a client that dies mid-answer: its answer closes, nothing stays tracked, the next connection is swept as usual', async () => {
    const before = gate.open;
    const phone = tlsFrom('127.155.3.1');
    phone.once('secureConnect', () => ask(phone, '/hang'));
    for (const until = Date.now() + 5000; hanging === 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    expect(hanging).toBe(1);
    await new Promise((r) => setTimeout(r, 2 * IDLE_MS)); // busy: not swept
    expect(phone.destroyed).toBe(false);
    phone.destroy();
    for (const until = Date.now() + 5000; (hanging > 0 || gate.open > before) && Date.now() < until; )
      await new Promise((r) => setTimeout(r, 20));
    expect(hanging).toBe(0);
    expect(gate.open).toBe(before);
    const next = tcpFrom('127.155.3.1');
    const t0 = Date.now();
    expect((await closed(next)) - t0).toBeLessThan(IDLE_MS + LATE_MS);
  }, 15_000);
});
