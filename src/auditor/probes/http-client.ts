/**
 * The auditor's HTTP port: one request, hard caps on time and size, every failure a result.
 * The production client runs on an injected undici Dispatcher; read-back modules only see the `HttpClient` interface.
 */
import { Agent, type Dispatcher } from 'undici';
import { errorText } from '../sanitize.js';

export interface HttpRequest {
  /** scheme://host:port */
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  status: number;
  /** lowercase names; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: string;
  bytes: number;
  /** the body was cut at the size cap, or stalled; `note` says which */
  truncated: boolean;
  note?: string;
}

export type HttpResult = { ok: true; reply: HttpReply } | { ok: false; outcome: 'closed' | 'timeout' | 'error'; detail: string; beforeConnect?: boolean };

export interface HttpClient {
  request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResult>;
}

export interface HttpLimits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** whole request, connect to last byte */
  totalTimeoutMs: number;
  maxBodyBytes: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectTimeoutMs: 3000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, totalTimeoutMs: 10_000, maxBodyBytes: 256 * 1024,
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

export function undiciHttpClient(dispatcher: Dispatcher, limits: HttpLimits = DEFAULT_HTTP_LIMITS): HttpClient {
  return {
    async request(req, signal) {
      const total = new AbortController();
      const timer = setTimeout(() => total.abort(), limits.totalTimeoutMs);
      const signals = signal ? AbortSignal.any([signal, total.signal]) : total.signal;
      try {
        const res = await dispatcher.request({
          origin: req.origin, path: req.path, method: req.method, headers: req.headers, body: req.body ?? null,
          headersTimeout: limits.headersTimeoutMs, bodyTimeout: limits.bodyTimeoutMs, signal: signals, reset: true,
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
        const reply: HttpReply = { status: res.statusCode, headers: flatten(res.headers), body: Buffer.concat(chunks).toString('utf8'), bytes, truncated };
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
