/**
 * The SSH banner probe for ssh-off: a TCP connection to the phone, and the first line it sends. An SSH server speaks
 * first with `SSH-<protoversion>-<softwareversion>` (RFC 4253 §4.2), so a banner proves SSH is on; nothing is sent.
 */
import net from 'node:net';
import { clean } from '../../model/wire-text.js';

export type SshOutcome = 'banner' | 'open' | 'closed' | 'timeout' | 'error';

export interface SshProbeResult {
  port: number;
  outcome: SshOutcome;
  /** the identification line, control characters removed */
  banner?: string;
}

export type TcpConnect = (port: number, host: string) => net.Socket;

const MAX_LINE = 255; // RFC 4253: the identification string is at most 255 characters

export function probeSshBanner(
  host: string,
  port: number,
  timeoutMs: number,
  connect: TcpConnect = (p, h) => net.connect(p, h),
  signal?: AbortSignal,
): Promise<SshProbeResult> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    let received = '';
    let connected = false;
    const done = (r: SshProbeResult) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.destroy();
      resolve(r);
    };
    const abort = () => done({ port, outcome: connected ? 'open' : 'timeout' });
    const timer = setTimeout(abort, timeoutMs);
    signal?.addEventListener('abort', abort, { once: true });
    socket.setEncoding('latin1');
    socket.on('connect', () => void (connected = true));
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end < 0 && received.length < MAX_LINE) return;
      const line = received.slice(0, end < 0 ? MAX_LINE : end).replace(/\r$/, '');
      done(line.startsWith('SSH-') ? { port, outcome: 'banner', banner: clean(line, 120) } : { port, outcome: 'open' });
    });
    socket.on('end', () => done({ port, outcome: 'open' }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ port, outcome: err.code === 'ECONNREFUSED' ? 'closed' : 'error' }));
  });
}
