/**
 * Plain-text SIP logs: sipp `-trace_msg`, ngrep (`U 2024/01/02 10:00:00.1 1.2.3.4:5060 -> 5.6.7.8:5060`),
 * Asterisk `sip set debug` / pjsip logger (`<--- Received SIP request (..) from UDP:1.2.3.4:5060 --->`), or bare messages
 * separated by blank lines or `---` rulers. Pragmatic rules:
 *  - a message starts at a SIP start line; its headers run to the first blank line (or the first line that is not a
 *    header), then Content-Length bytes of body (counted per line, CRLF assumed);
 *  - any other line is context for the next message: an `A -> B` pair gives source and destination, `from X` / `to X`
 *    one side, and an ISO-like date-time its time (taken as UTC unless the line gives an offset);
 *  - where the log does not say, a request's source is its top Via (received= first) and its destination the
 *    Request-URI host when that is an IP address; a response goes to its top Via; a response's source is left to the
 *    analysis, which takes it from the request it answers.
 * "Packet" numbers for a log are message ordinals (1-based), with the line number of the start line.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Endpoint, SipEvent } from './frame.js';
import { isStartLine, parseSip, uriParts, viaParts } from './sip-parse.js';

const V4 = String.raw`(?:\d{1,3}\.){3}\d{1,3}`;
const V6 = String.raw`\[[0-9a-fA-F:.]+\]`;
const ADDR = String.raw`(${V4}|${V6})(?:[:.](\d{1,5}))?`;
const ARROW = new RegExp(`${ADDR}\\s*-+>\\s*${ADDR}`);
const FROM = new RegExp(String.raw`\bfrom\s+(?:(?:UDP|TCP|TLS|WSS?|SCTP):)?${ADDR}`, 'i');
const TO = new RegExp(String.raw`\bto\s+(?:(?:UDP|TCP|TLS|WSS?|SCTP):)?${ADDR}`, 'i');
const DATE = /(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?/;
const HEADER = /^[A-Za-z0-9!%'*+.^_`|~-]+\s*:/;

function endpoint(addr: string | undefined, port: string | undefined): Endpoint | undefined {
  if (!addr) return undefined;
  const e: Endpoint = { addr: addr.replace(/^\[|\]$/g, '').toLowerCase() };
  if (port) e.port = Number(port);
  return e;
}

export function parseLogTime(line: string): number | undefined {
  const m = DATE.exec(line);
  if (!m) return undefined;
  let ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  if (Number.isNaN(ms)) return undefined;
  return ms / 1000 + (m[7] ? Number(m[7]) : 0);
}

const IP_LITERAL = new RegExp(`^(?:${V4}|[0-9a-f]*:[0-9a-f:.]*)$`, 'i');

interface Context {
  src?: Endpoint;
  dst?: Endpoint;
  time?: number;
}

interface Pending {
  line: number;
  head: string[];
  body: string[];
  bodyBytes: number;
  contentLength: number;
  inBody: boolean;
  ctx: Context;
}

export interface TextLogStats {
  lines: number;
  bytes: number;
  messages: number;
}

export async function readTextLog(stream: Readable, emit: (ev: SipEvent) => void, stats: TextLogStats): Promise<void> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let ctx: Context = {};
  let cur: Pending | undefined;
  let lineNo = 0;

  const finish = () => {
    if (!cur) return;
    const p = cur;
    cur = undefined;
    const msg = parseSip(p.head.join('\n'), p.body.join('\r\n').slice(0, 4096));
    if (!msg) return;
    stats.messages++;
    const ev: SipEvent = { packet: stats.messages, time: p.ctx.time, transport: 'log', line: p.line, msg };
    let src = p.ctx.src;
    let dst = p.ctx.dst;
    const via = viaParts(msg.via);
    if (msg.method) {
      if (!src && via.host) src = endpoint(via.received ?? via.host, via.received ? undefined : via.port?.toString());
      if (!dst && msg.uri) {
        const u = uriParts(msg.uri);
        if (IP_LITERAL.test(u.host)) dst = endpoint(u.host, u.port?.toString());
      }
    } else if (!dst && via.host) {
      dst = endpoint(via.received ?? via.host, via.received ? undefined : via.port?.toString());
    }
    if (src) ev.src = src;
    if (dst) ev.dst = dst;
    emit(ev);
  };

  const context = (line: string) => {
    const t = parseLogTime(line);
    if (t !== undefined) ctx.time = t;
    const a = ARROW.exec(line);
    if (a) {
      ctx.src = endpoint(a[1], a[2]);
      ctx.dst = endpoint(a[3], a[4]);
      return;
    }
    const f = FROM.exec(line);
    if (f) ctx.src = endpoint(f[1], f[2]);
    const to = TO.exec(line);
    if (to) ctx.dst = endpoint(to[1], to[2]);
  };

  const start = (line: string) => {
    cur = { line: lineNo, head: [line], body: [], bodyBytes: 0, contentLength: 0, inBody: false, ctx };
    ctx = {};
  };

  for await (const raw of rl) {
    lineNo++;
    stats.lines++;
    stats.bytes += Buffer.byteLength(raw) + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (cur?.inBody) {
      if (isStartLine(trimmed) || /^(-{3,}|={3,}|<-{2,})/.test(trimmed)) {
        finish();
      } else {
        cur.body.push(line);
        cur.bodyBytes += Buffer.byteLength(line) + 2;
        if (cur.bodyBytes >= cur.contentLength) finish();
        continue;
      }
    }
    if (cur) {
      if (trimmed === '') {
        const cl = /^(?:content-length|l)\s*:\s*(\d+)/im.exec(cur.head.join('\n'));
        cur.contentLength = cl ? Number(cl[1]) : 0;
        if (cur.contentLength > 0) cur.inBody = true;
        else finish();
        continue;
      }
      if (isStartLine(trimmed)) {
        finish();
        start(trimmed);
        continue;
      }
      if (HEADER.test(trimmed)) {
        cur.head.push(trimmed);
        continue;
      }
      if ((line[0] === ' ' || line[0] === '\t') && cur.head.length > 1) {
        cur.head.push(line);
        continue;
      }
      finish();
    }
    if (isStartLine(trimmed)) start(trimmed);
    else if (trimmed !== '') context(line);
  }
  finish();
}
