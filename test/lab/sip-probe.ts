/** Test helper: a UDP SIP client on its own 127.x address that sends requests and collects responses. */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { buildRequest, parseSipMessage, type SipResponse } from '../../src/lab/sip-message.js';

export interface ProbeRequest {
  method: string;
  callId?: string;
  branch?: string;
  cseq?: number;
  user?: string;
  extra?: [string, string][];
}

export class SipProbe {
  private socket!: Socket;
  private readonly inbox: SipResponse[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly ip: string) {}

  static async open(ip: string): Promise<SipProbe> {
    const probe = new SipProbe(ip);
    probe.socket = createSocket('udp4');
    probe.socket.on('message', (data) => {
      const msg = parseSipMessage(data);
      if (msg?.kind === 'response') {
        probe.inbox.push(msg);
        for (const w of probe.waiters.splice(0)) w();
      }
    });
    await new Promise<void>((resolve) => probe.socket.bind(0, ip, () => resolve()));
    return probe;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** send a request; returns the ids used so CANCEL can match */
  send(target: { ip: string; port: number }, req: ProbeRequest): { callId: string; branch: string } {
    const callId = req.callId ?? randomBytes(8).toString('hex');
    const branch = req.branch ?? `z9hG4bK${randomBytes(6).toString('hex')}`;
    const uri = `sip:${req.user ?? '100'}@${target.ip}:${target.port}`;
    const text = buildRequest({
      method: req.method,
      uri,
      headers: [
        ['Via', `SIP/2.0/UDP ${this.ip}:${this.port};branch=${branch};rport`],
        ['Max-Forwards', '70'],
        ['From', `"probe" <sip:probe@${this.ip}>;tag=${randomBytes(4).toString('hex')}`],
        ['To', `<${uri}>`],
        ['Call-ID', callId],
        ['CSeq', `${req.cseq ?? 1} ${req.method}`],
        ['Contact', `<sip:probe@${this.ip}:${this.port}>`],
        ['User-Agent', 'ghostguard-test'],
        ...(req.extra ?? []),
      ],
    });
    this.socket.send(text, target.port, target.ip);
    return { callId, branch };
  }

  sendRaw(target: { ip: string; port: number }, text: string): void {
    this.socket.send(text, target.port, target.ip);
  }

  /** wait for a response matching the predicate, or undefined after timeoutMs */
  async expect(match: (r: SipResponse) => boolean, timeoutMs = 1000): Promise<SipResponse | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** forget responses not consumed yet */
  drain(): void {
    this.inbox.length = 0;
  }

  async close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}

export const byStatus =
  (status: number, callId?: string) =>
  (r: SipResponse): boolean =>
    r.status === status && (callId === undefined || r.headers.some(([n, v]) => n === 'call-id' && v === callId));

export const cseqMethod = (r: SipResponse): string => r.headers.find(([n]) => n === 'cseq')?.[1].split(/\s+/)[1] ?? '';
