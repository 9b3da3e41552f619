/**
 * A SIP port on loopback that ignores OPTIONS, answers the first INVITE with 420 and then closes: later datagrams
 * to it draw an ICMP port unreachable, so the auditor's OPTIONS retransmission finds the port refused.
 */
import dgram from 'node:dgram';
import { assertLoopback } from './net.js';

export interface VanishingSip {
  port: number;
  /** method and performance.now() of every request received */
  received: { method: string; at: number }[];
  close(): Promise<void>;
}

function answer(req: string, status: string): Buffer {
  const keep = req.split('\r\n').filter((l) => /^(via|from|to|call-id|cseq):/i.test(l));
  return Buffer.from([`SIP/2.0 ${status}`, ...keep, 'Content-Length: 0', '', ''].join('\r\n'));
}

export async function vanishingSip(host: string): Promise<VanishingSip> {
  assertLoopback(host);
  const socket = dgram.createSocket('udp4');
  const received: VanishingSip['received'] = [];
  let open = true;
  const close = () =>
    new Promise<void>((resolve) => {
      if (!open) return resolve();
      open = false;
      socket.close(() => resolve());
    });
  socket.on('error', () => undefined);
  socket.on('message', (buf, rinfo) => {
    const msg = buf.toString('utf8');
    const method = msg.split(' ', 1)[0]!;
    received.push({ method, at: performance.now() });
    if (method !== 'INVITE') return;
    socket.send(answer(msg, '420 Bad Extension'), rinfo.port, rinfo.address, () => void close());
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { port: socket.address().port, received, close };
}
