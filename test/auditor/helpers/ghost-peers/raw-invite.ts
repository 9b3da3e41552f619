/**
 * A hand-written SIP caller for tests: one INVITE (with an unsupported Require:, like a ghost-call probe) from a
 * throwaway loopback socket; collects the status codes that come back, CANCELs at a 180/183 and ACKs a final error.
 * Its own few lines of SIP: it shares nothing with ghostguard's SIP grammar, lab or probes.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { assertLoopback } from '../net.js';

export interface RawInviteResult {
  /** status codes in the order they arrived (INVITE transaction only) */
  statuses: number[];
  /** the CANCEL drew this (200 when the phone took it) */
  cancelStatus?: number;
}

export async function rawInvite(host: string, port: number, user: string, waitMs = 800): Promise<RawInviteResult> {
  assertLoopback(host);
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
  const callId = `${randomBytes(8).toString('hex')}@raw`;
  const fromTag = randomBytes(4).toString('hex');
  const uri = `sip:${user}@${host}:${port}`;
  const common = (method: string, toTag = ''): string[] => [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:raw@127.0.0.1>;tag=${fromTag}`,
    `To: <${uri}>${toTag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
  ];
  const send = (lines: string[]) => socket.send([...lines, 'Content-Length: 0', '', ''].join('\r\n'), port, host);
  const out: RawInviteResult = { statuses: [] };
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    socket.on('message', (buf) => {
      const text = buf.toString('latin1');
      const status = /^SIP\/2\.0 (\d{3})/.exec(text);
      const cseq = /\r\nCSeq:\s*\d+\s+(\w+)/i.exec(text)?.[1];
      if (!status) return;
      const code = Number(status[1]);
      if (cseq === 'CANCEL') {
        out.cancelStatus = code;
        return;
      }
      out.statuses.push(code);
      const toTag = /\r\nTo:[^\r]*;\s*tag=([^;\s\r]+)/i.exec(text)?.[1] ?? '';
      if ((code === 180 || code === 183) && out.cancelStatus === undefined) send(common('CANCEL'));
      if (code >= 300) {
        send(common('ACK', toTag));
        clearTimeout(timer);
        setTimeout(resolve, 50);
      }
    });
  });
  send([...common('INVITE'), 'Require: raw-test-unsupported-option', 'Subject: test']);
  await done;
  socket.close();
  return out;
}
