/** The webhook: body, signature scheme, and delivery with retries against a local receiver on 127.0.0.1. */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deliverWebhook,
  redactUrl,
  signBody,
  verifySignature,
  webhookBody,
  WEBHOOK_EVENT,
  type WebhookPayload,
} from '../../src/schedule/webhook.js';
import { Receiver } from './receiver.js';

const SECRET = 'test-webhook-secret-0123456789';
const PAYLOAD: WebhookPayload = {
  event: WEBHOOK_EVENT,
  schedule: 'lab',
  runId: 12,
  previousRunId: 11,
  at: '2026-03-02T08:14:09.120Z',
  changes: [
    {
      kind: 'newly-exposed',
      host: '127.0.94.3',
      mac: '001565940003',
      vendor: 'yealink',
      model: 'T46U',
      rules: ['sip-trusted-only'],
      evidence: ['sip-trusted-only: answered OPTIONS'],
    },
  ],
};
const fast = { timeoutMs: 2000, baseDelayMs: 10, maxDelayMs: 50 };
let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('signature', () => {
  it('is HMAC-SHA256 of "<timestamp>.<raw body>", hex, prefixed sha256=', () => {
    const body = webhookBody(PAYLOAD);
    const expected = createHmac('sha256', SECRET).update(`1767225600.${body}`).digest('hex');
    expect(signBody(SECRET, '1767225600', body)).toBe(`sha256=${expected}`);
  });

  it('verifies a good signature and refuses a changed body, timestamp, secret or a stale timestamp', () => {
    const body = webhookBody(PAYLOAD);
    const now = new Date(1767225600_000);
    const sig = signBody(SECRET, '1767225600', body);
    expect(verifySignature(SECRET, '1767225600', sig, body, { now })).toBe(true);
    expect(verifySignature(SECRET, '1767225600', sig, body.replace('127.0.94.3', '127.0.94.4'), { now })).toBe(false);
    expect(verifySignature(SECRET, '1767225601', sig, body, { now })).toBe(false);
    expect(verifySignature(`${SECRET}x`, '1767225600', sig, body, { now })).toBe(false);
    expect(verifySignature(SECRET, '1767225600', sig, body, { now: new Date(1767225600_000 + 301_000) })).toBe(false);
    expect(verifySignature(SECRET, undefined, sig, body, { now })).toBe(false);
    expect(verifySignature(SECRET, '1767225600', 'sha256=00', body, { now })).toBe(false);
  });

  it('the body has a fixed shape and key order', () => {
    expect(JSON.parse(webhookBody(PAYLOAD))).toEqual(PAYLOAD);
    expect(Object.keys(JSON.parse(webhookBody(PAYLOAD)))).toEqual(['event', 'schedule', 'runId', 'previousRunId', 'at', 'changes']);
  });

  it('logs show a webhook URL without its path or query', () => {
    expect(redactUrl('https://hooks.example.net:8443/T000/B000/XXXX?token=1')).toBe('https://hooks.example.net:8443/…');
    expect(redactUrl('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/');
  });
});

describe('deliverWebhook', () => {
  it('retries 5xx and 429 with backoff, then succeeds: one delivery, three attempts, each signed, same delivery id', async () => {
    receiver = await Receiver.start([500, { status: 429, headers: { 'retry-after': '0' } }], 200);
    const body = webhookBody(PAYLOAD);
    const r = await deliverWebhook(body, { url: receiver.url, secret: SECRET, retries: 4, ...fast });
    expect(r).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(r.log.map((a) => a.status)).toEqual([500, 429, 200]);
    const got = receiver.received;
    expect(got.map((g) => g.status)).toEqual([500, 429, 200]);
    expect(got.filter((g) => g.status === 200)).toHaveLength(1);
    for (const [i, g] of got.entries()) {
      expect(g.method).toBe('POST');
      expect(g.path).toBe('/hooks/ghostguard?token=path-secret-123');
      expect(g.body).toBe(body);
      expect(g.headers['content-type']).toBe('application/json');
      expect(g.headers['x-ghostguard-event']).toBe(WEBHOOK_EVENT);
      expect(g.headers['x-ghostguard-delivery']).toBe(r.deliveryId);
      expect(g.headers['x-ghostguard-attempt']).toBe(String(i + 1));
      expect(
        verifySignature(SECRET, g.headers['x-ghostguard-timestamp'] as string, g.headers['x-ghostguard-signature'] as string, g.body),
      ).toBe(true);
      expect(JSON.stringify(g.headers)).not.toContain(SECRET);
    }
    expect(r.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('on a real clock with the documented defaults, the retries come 1 s and then 2 s after the failures', async () => {
    receiver = await Receiver.start([503, 503], 200);
    const r = await deliverWebhook(webhookBody(PAYLOAD), { url: receiver.url, secret: SECRET, retries: 3, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: true, attempts: 3, status: 200 });
    const at = receiver.received.map((g) => g.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[0]).toBeLessThan(1400);
    expect(gaps[1]).toBeGreaterThanOrEqual(2000);
    expect(gaps[1]).toBeLessThan(2400);
  });

  it('does not retry other 4xx answers', async () => {
    receiver = await Receiver.start([400], 200);
    const r = await deliverWebhook(webhookBody(PAYLOAD), { url: receiver.url, secret: SECRET, retries: 4, ...fast });
    expect(r).toMatchObject({ ok: false, attempts: 1, status: 400, error: 'answered 400 (not retried)' });
    expect(receiver.received).toHaveLength(1);
  });

  it('retries network errors and timeouts, gives up after the last attempt, and never names the URL path or secret', async () => {
    const port = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => done(p));
      });
    });
    const refused = await deliverWebhook('{}', {
      url: `http://127.0.0.1:${port}/hooks/path-secret-123`,
      secret: SECRET,
      retries: 2,
      ...fast,
    });
    expect(refused).toMatchObject({ ok: false, attempts: 3 });
    expect(refused.error).toMatch(/^gave up after 3 attempt\(s\): .*ECONNREFUSED/);
    expect(JSON.stringify(refused)).not.toMatch(/path-secret-123|test-webhook-secret/);

    receiver = await Receiver.start(['hang', 503], 200);
    const slow = await deliverWebhook('{}', { url: receiver.url, secret: SECRET, retries: 3, ...fast, timeoutMs: 300 });
    expect(slow).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(slow.log.map((a) => a.error ?? a.status)).toEqual(['timed out after 300 ms', 503, 200]);
  });

  it('stops waiting and sending when its signal aborts', async () => {
    receiver = await Receiver.start([], 500);
    const controller = new AbortController();
    const pending = deliverWebhook('{}', {
      url: receiver.url,
      secret: SECRET,
      retries: 10,
      timeoutMs: 2000,
      baseDelayMs: 5000,
      maxDelayMs: 5000,
      signal: controller.signal,
    });
    await receiver.waitFor(1);
    const began = Date.now();
    controller.abort();
    const r = await pending;
    expect(Date.now() - began).toBeLessThan(1000);
    expect(r).toMatchObject({ ok: false, attempts: 1, error: 'stopped while waiting to retry' });
  });
});
