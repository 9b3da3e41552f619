/** Small network helpers for tests: loopback only. */
import dgram from 'node:dgram';
import net from 'node:net';

export function assertLoopback(host: string): void {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) throw new Error(`tests may only use 127.0.0.0/8, not ${host}`);
}

/** A UDP port that was free a moment ago on `host`. */
export async function freeUdpPort(host: string): Promise<number> {
  assertLoopback(host);
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function freeTcpPort(host: string): Promise<number> {
  assertLoopback(host);
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** A UDP peer that answers every datagram with `reply(datagram)` (or nothing when it returns undefined). */
export async function udpResponder(
  host: string,
  reply: (msg: Buffer) => Buffer | undefined,
  port = 0,
): Promise<{ port: number; hits: () => number; close: () => Promise<void> }> {
  assertLoopback(host);
  const s = dgram.createSocket('udp4');
  let hits = 0;
  s.on('message', (msg, rinfo) => {
    hits++;
    const out = reply(msg);
    if (out) s.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => s.bind(port, host, resolve));
  return { port: s.address().port, hits: () => hits, close: () => new Promise<void>((resolve) => s.close(() => resolve())) };
}
