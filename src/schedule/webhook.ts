/**
 * Change notifications as a signed JSON POST, retried with exponential backoff.
 *
 * Request: `POST <url>` with the JSON body (WebhookPayload) and the headers
 *   Content-Type: application/json
 *   X-Ghostguard-Event: ghostguard.audit.changes
 *   X-Ghostguard-Delivery: <uuid>           the same on every attempt of one delivery (deduplicate on it)
 *   X-Ghostguard-Attempt: <n>               1 for the first attempt (not signed)
 *   X-Ghostguard-Timestamp: <unix seconds>  when this attempt was signed
 *   X-Ghostguard-Signature: sha256=<hex>    HMAC-SHA256, keyed with the webhook secret, of `${timestamp}.${rawBody}`
 * Verify by recomputing the HMAC over the timestamp header, a dot and the raw body bytes, comparing in constant time,
 * and refusing timestamps more than five minutes from your clock (verifySignature does exactly that).
 *
 * Success is any 2xx. Network errors, timeouts, 408, 429 and 5xx are retried after 1 s, 2 s, 4 s … (doubling, at most
 * 30 s; a longer Retry-After is waited out, up to 30 s); any other status (3xx, 4xx) is final. Redirects are not followed. The secret goes into the HMAC only; the URL's
 * path and query (which may carry a token) never reach a log line.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import type { ScheduleChange } from './changes.js';
import { GhostguardError } from '../model/errors.js';

export const WEBHOOK_EVENT = 'ghostguard.audit.changes';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface WebhookPayload {
  event: typeof WEBHOOK_EVENT;
  schedule: string;
  runId: number;
  previousRunId: number | null;
  /** when the run finished (ISO 8601) */
  at: string;
  changes: ScheduleChange[];
  /** changes left out of this payload (more than the limit in one run) */
  truncated?: number;
}

/** The raw body, keys in a fixed order. */
export function webhookBody(p: WebhookPayload): string {
  const body: WebhookPayload = {
    event: p.event,
    schedule: p.schedule,
    runId: p.runId,
    previousRunId: p.previousRunId,
    at: p.at,
    changes: p.changes.map((c) => ({
      kind: c.kind,
      host: c.host,
      ...(c.mac ? { mac: c.mac } : {}),
      ...(c.vendor ? { vendor: c.vendor } : {}),
      ...(c.model ? { model: c.model } : {}),
      ...(c.rules ? { rules: c.rules } : {}),
      evidence: c.evidence,
    })),
    ...(p.truncated ? { truncated: p.truncated } : {}),
  };
  return JSON.stringify(body);
}

/** `sha256=<hex HMAC-SHA256(secret, `${timestamp}.${body}`)>` */
export function signBody(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** The receiver's side: a valid signature over this timestamp and body, and a timestamp within the tolerance. */
export function verifySignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string | Buffer,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((options.now ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const want = Buffer.from(signBody(secret, timestamp, body));
  const got = Buffer.from(signature);
  return got.length === want.length && timingSafeEqual(got, want);
}

/** scheme://host[:port] plus "/…" when there is more: what logs and pages may show of a webhook URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname !== '/' || u.search ? '/…' : '/'}`;
  } catch {
    return '(invalid URL)';
  }
}

export interface DeliveryOptions {
  url: string;
  secret: string;
  /** per attempt: connect, headers and body */
  timeoutMs: number;
  /** further attempts after the first */
  retries: number;
  dispatcher?: Dispatcher;
  /** the wait after the first attempt; it doubles after each further one, up to maxDelayMs */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** aborts waits and the request in flight (server stopping) */
  signal?: AbortSignal;
  now?: () => Date;
  deliveryId?: string;
}

export interface AttemptRecord {
  attempt: number;
  status?: number;
  error?: string;
  /** wait before the next attempt */
  retryInMs?: number;
}

export interface DeliveryResult {
  deliveryId: string;
  ok: boolean;
  attempts: number;
  /** the last HTTP status, when there was one */
  status?: number;
  /** why the delivery failed (no secrets, no URL path) */
  error?: string;
  log: AttemptRecord[];
  durationMs: number;
}

export const DELIVERY_DEFAULTS = { baseDelayMs: 1000, maxDelayMs: 30_000 } as const;

const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

function retryAfterMs(header: string | string[] | undefined, now: Date): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d{1,6}$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now.getTime()) : undefined;
}

function describeError(err: unknown, url: URL, secret: string): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'Error';
  let message = typeof e.message === 'string' ? e.message : String(err);
  for (const s of [secret, url.href, `${url.pathname}${url.search}`].filter((x) => x.length > 1)) message = message.split(s).join('…');
  message = message.replace(/\s+/g, ' ').slice(0, 200);
  return message.includes(code) ? message : `${code}: ${message}`;
}

/** Waits `ms` on the global timer (which tests may fake); rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GhostguardError('GG_ERR_ABORTED', 'aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GhostguardError('GG_ERR_ABORTED', 'aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** POSTs the body; resolves with the outcome (never rejects). */
export async function deliverWebhook(body: string, o: DeliveryOptions): Promise<DeliveryResult> {
  const began = Date.now();
  const now = o.now ?? (() => new Date());
  const deliveryId = o.deliveryId ?? randomUUID();
  const url = new URL(o.url);
  const maxAttempts = 1 + Math.max(0, Math.min(10, Math.floor(o.retries)));
  const base = o.baseDelayMs ?? DELIVERY_DEFAULTS.baseDelayMs;
  const cap = o.maxDelayMs ?? DELIVERY_DEFAULTS.maxDelayMs;
  const log: AttemptRecord[] = [];
  const result = (ok: boolean, extra: { status?: number; error?: string }): DeliveryResult => ({
    deliveryId,
    ok,
    attempts: log.length,
    ...extra,
    log,
    durationMs: Date.now() - began,
  });

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (o.signal?.aborted) return result(false, { error: 'stopped before delivery' });
    const timestamp = String(Math.floor(now().getTime() / 1000));
    const record: AttemptRecord = { attempt };
    log.push(record);
    let retryHint: number | undefined;
    const timeout = AbortSignal.timeout(o.timeoutMs);
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ghostguard-webhook/1',
          'x-ghostguard-event': WEBHOOK_EVENT,
          'x-ghostguard-delivery': deliveryId,
          'x-ghostguard-attempt': String(attempt),
          'x-ghostguard-timestamp': timestamp,
          'x-ghostguard-signature': signBody(o.secret, timestamp, body),
        },
        headersTimeout: o.timeoutMs,
        bodyTimeout: o.timeoutMs,
        signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
      });
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      record.status = res.statusCode;
      if (res.statusCode >= 200 && res.statusCode < 300) return result(true, { status: res.statusCode });
      if (!retryableStatus(res.statusCode))
        return result(false, { status: res.statusCode, error: `answered ${res.statusCode} (not retried)` });
      retryHint = retryAfterMs(res.headers['retry-after'], now());
    } catch (err) {
      if (o.signal?.aborted) {
        record.error = 'stopped';
        return result(false, { error: 'stopped while delivering' });
      }
      record.error = timeout.aborted ? `timed out after ${o.timeoutMs} ms` : describeError(err, url, o.secret);
    }
    if (attempt === maxAttempts) break;
    // exactly as documented: 1 s, 2 s, 4 s … at most 30 s; a longer Retry-After is waited out, up to the same cap
    const backoff = Math.min(cap, base * 2 ** (attempt - 1));
    const wait = Math.min(cap, Math.max(retryHint ?? 0, backoff));
    record.retryInMs = wait;
    try {
      await sleep(wait, o.signal);
    } catch {
      return result(false, { error: 'stopped while waiting to retry' });
    }
  }
  const last = log.at(-1)!;
  return result(false, {
    ...(last.status !== undefined ? { status: last.status } : {}),
    error: `gave up after ${log.length} attempt(s): ${last.error ?? `answered ${last.status}`}`,
  });
}
