/** A scriptable fake SIP phone on a loopback UDP socket, for probe tests. Only ever binds 127.0.0.0/8. */
import dgram from 'node:dgram';

export type InviteBehaviour = '420' | 'ring' | 'answer' | 'silent' | 'reject-403' | 'reject-404';

export interface SipPeerOptions {
  host: string;
  userAgent?: string;
  /** OPTIONS answer; 'silent' drops it, 'garbage' answers junk */
  options?: number | 'silent' | 'garbage';
  invite?: InviteBehaviour;
  /** per Request-URI user, overriding `invite` (a phone that checks the user part) */
  inviteFor?: Record<string, InviteBehaviour>;
  /** send 100 Trying before the INVITE behaviour (the transaction layer answering) */
  trying?: boolean;
}

export interface SipPeer {
  port: number;
  received: string[];
  methods(): string[];
  close(): Promise<void>;
}

function headers(msg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of msg.split('\r\n').slice(1)) {
    if (line === '') break;
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

export async function startSipPeer(opts: SipPeerOptions): Promise<SipPeer> {
  if (!opts.host.startsWith('127.')) throw new Error('test peers bind loopback only');
  const socket = dgram.createSocket('udp4');
  const received: string[] = [];
  const toTag = 'peer' + Math.random().toString(16).slice(2, 8);
  const reply = (req: string, status: string, rinfo: dgram.RemoteInfo, extra: string[] = []) => {
    const h = headers(req);
    const to = (h.get('to') ?? '') + (h.get('to')?.includes('tag=') ? '' : `;tag=${toTag}`);
    const lines = [
      `SIP/2.0 ${status}`,
      `Via: ${h.get('via')}`,
      `From: ${h.get('from')}`,
      `To: ${to}`,
      `Call-ID: ${h.get('call-id')}`,
      `CSeq: ${h.get('cseq')}`,
      ...(opts.userAgent ? [`User-Agent: ${opts.userAgent}`] : []),
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ];
    socket.send(Buffer.from(lines.join('\r\n')), rinfo.port, rinfo.address);
  };
  socket.on('message', (buf, rinfo) => {
    const msg = buf.toString('utf8');
    received.push(msg);
    const method = msg.split(' ', 1)[0];
    if (method === 'OPTIONS') {
      if (opts.options === 'silent') return;
      if (opts.options === 'garbage') {
        socket.send(Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a]), rinfo.port, rinfo.address);
        return;
      }
      reply(msg, `${opts.options ?? 200} OK`, rinfo, ['Allow: INVITE, ACK, CANCEL, BYE, OPTIONS']);
    } else if (method === 'INVITE') {
      const user = /^INVITE sip:([^@\s]+)@/.exec(msg)?.[1] ?? '';
      const b = opts.inviteFor?.[user] ?? opts.invite ?? 'silent';
      if (opts.trying) reply(msg, '100 Trying', rinfo);
      if (b === 'reject-404') reply(msg, '404 Not Found', rinfo);
      if (b === '420') reply(msg, '420 Bad Extension', rinfo, [`Unsupported: ${headers(msg).get('require')}`]);
      if (b === 'reject-403') reply(msg, '403 Forbidden', rinfo);
      if (b === 'ring') reply(msg, '180 Ringing', rinfo);
      if (b === 'answer') reply(msg, '200 OK', rinfo, [`Contact: <sip:peer@${opts.host}:${socket.address().port}>`]);
    } else if (method === 'CANCEL') {
      reply(msg, '200 OK', rinfo);
      reply(msg.replace(/CSeq: (\d+) CANCEL/, 'CSeq: $1 INVITE'), '487 Request Terminated', rinfo);
    } else if (method === 'BYE') {
      reply(msg, '200 OK', rinfo);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, opts.host, resolve));
  return {
    port: socket.address().port,
    received,
    methods: () => received.map((m) => m.split(' ', 1)[0]!),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
