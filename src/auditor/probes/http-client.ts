/**
 * The auditor's HTTP port: one request, hard caps on time and size, every failure a result.
 * The production client runs on an injected undici Dispatcher; read-back modules only see the `HttpClient` interface.
 */
import { connect } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import type { HttpClient, HttpReply, HttpResult } from '../../model/http-exchange.js';
import { errorText } from '../sanitize.js';

export type { HttpClient, HttpRequest, HttpResult } from '../../model/http-exchange.js';

export interface HttpLimits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** whole request, connect to last byte */
  totalTimeoutMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectTimeoutMs: 3000,
  headersTimeoutMs: 5000,
  bodyTimeoutMs: 5000,
  totalTimeoutMs: 10_000,
  maxBodyBytes: 256 * 1024,
};

/** A dispatcher for auditing phones: self-signed certificates accepted (phones ship them), no keep-alive, small headers. */
export function createAuditDispatcher(limits: HttpLimits = DEFAULT_HTTP_LIMITS): Agent {
  return new Agent({
    connect: { timeout: limits.connectTimeoutMs, rejectUnauthorized: false },
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.bodyTimeoutMs,
    maxHeaderSize: 16 * 1024,
    keepAliveTimeout: 1000,
    connections: 4,
  });
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

function failure(err: unknown, totalTimedOut: boolean): HttpResult {
  const e = err as { code?: string; name?: string };
  if (totalTimedOut || TIMEOUT_CODES.has(e.code ?? '') || e.name === 'TimeoutError') {
    if (e.code === 'UND_ERR_CONNECT_TIMEOUT') return { ok: false, outcome: 'timeout', detail: 'connect timed out', beforeConnect: true };
    return { ok: false, outcome: 'timeout', detail: 'no response in time' };
  }
  if (e.code === 'ECONNREFUSED') return { ok: false, outcome: 'closed', detail: 'connection refused' };
  if (e.code === 'UND_ERR_HEADERS_OVERFLOW') return { ok: false, outcome: 'error', detail: 'response headers too large' };
  return { ok: false, outcome: 'error', detail: errorText(err) };
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * TCP connect and close, bounded by the connect timeout. Most addresses of a sweep refuse or stay silent; for them this
 * is one socket, against an undici pool, client and error chain per origin — the bulk of the CPU time and heap growth
 * of a large sweep. An accepted connection is closed at once and the real request follows.
 */
export function tcpConnectCheck(
  origin: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Extract<HttpResult, { ok: false }> | undefined> {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  return new Promise((resolve) => {
    let settled = false;
    const socket = connect({ host, port });
    const finish = (r: Extract<HttpResult, { ok: false }> | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ ok: false, outcome: 'timeout', detail: 'connect aborted', beforeConnect: true });
    const timer = setTimeout(() => finish({ ok: false, outcome: 'timeout', detail: 'connect timed out', beforeConnect: true }), timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => finish(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') finish({ ok: false, outcome: 'closed', detail: 'connection refused' });
      else if (err.code === 'ETIMEDOUT') finish({ ok: false, outcome: 'timeout', detail: 'connect timed out', beforeConnect: true });
      else finish({ ok: false, outcome: 'error', detail: errorText(err) });
    });
  });
}

export function undiciHttpClient(dispatcher: Dispatcher, limits: HttpLimits = DEFAULT_HTTP_LIMITS): HttpClient {
  return {
    connectCheck: (origin, signal) => tcpConnectCheck(origin, limits.connectTimeoutMs, signal),
    async request(req, signal) {
      const total = new AbortController();
      const timer = setTimeout(() => total.abort(), limits.totalTimeoutMs);
      const signals = signal ? AbortSignal.any([signal, total.signal]) : total.signal;
      try {
        const res = await dispatcher.request({
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body ?? null,
          headersTimeout: limits.headersTimeoutMs,
          bodyTimeout: limits.bodyTimeoutMs,
          signal: signals,
          reset: true,
        });
        const chunks: Buffer[] = [];
        let bytes = 0;
        let truncated = false;
        let note: string | undefined;
        try {
          for await (const chunk of res.body) {
            const buf = chunk as Buffer;
            const room = limits.maxBodyBytes - bytes;
            chunks.push(buf.subarray(0, Math.max(0, room)));
            bytes += Math.min(buf.length, Math.max(0, room));
            if (buf.length > room) {
              truncated = true;
              note = `body larger than ${Math.round(limits.maxBodyBytes / 1024)} KB; stopped reading`;
              break;
            }
          }
        } catch (err) {
          truncated = true;
          const f = failure(err, total.signal.aborted);
          note = `body incomplete (${f.ok ? 'read failed' : f.detail})`;
        } finally {
          if (truncated) res.body.destroy();
        }
        const reply: HttpReply = {
          status: res.statusCode,
          headers: flatten(res.headers),
          body: Buffer.concat(chunks).toString('utf8'),
          bytes,
          truncated,
        };
        if (note) reply.note = note;
        return { ok: true, reply };
      } catch (err) {
        return failure(err, total.signal.aborted);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export function originOf(scheme: 'http' | 'https', host: string, port: number): string {
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
