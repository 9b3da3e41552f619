/**
 * Webhook retries wait exactly as the README documents — 1 s, doubling, at most 30 s, a longer Retry-After waited
 * out up to the same cap — measured on fake timers against undici's MockAgent (no real waiting, no jitter).
 */
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverWebhook } from '../../src/schedule/webhook.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('webhook retry backoff', () => {
  it('waits 1, 2, 4 s … capped at 30 s, and honours Retry-After up to the cap', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('http://127.124.40.1:21401');
    const answers: { status: number; retryAfter?: string }[] = [
      { status: 503 },
      { status: 503 },
      { status: 429, retryAfter: '7' },
      { status: 502 },
      { status: 500 },
      { status: 503, retryAfter: '120' },
      { status: 503 },
      { status: 200 },
    ];
    const at: number[] = [];
    for (const a of answers) {
      pool.intercept({ path: '/hook', method: 'POST' }).reply(() => {
        at.push(Date.now());
        return { statusCode: a.status, data: '', responseOptions: { headers: a.retryAfter ? { 'retry-after': a.retryAfter } : {} } };
      });
    }
    let settled = false;
    const delivery = deliverWebhook('{}', {
      url: 'http://127.124.40.1:21401/hook',
      secret: 'backoff-test-secret-000',
      timeoutMs: 5000,
      retries: 7,
      dispatcher: agent,
    }).finally(() => (settled = true));
    for (let i = 0; i < 500 && !settled; i++) await vi.advanceTimersByTimeAsync(250);
    const result = await delivery;
    expect(result).toMatchObject({ ok: true, attempts: 8, status: 200 });
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // 1 s, 2 s, then Retry-After 7 s (longer than the 4 s due), 8 s, 16 s, Retry-After 120 s capped to 30 s, 30 s (the cap)
    const expected = [1000, 2000, 7000, 8000, 16000, 30000, 30000];
    expect(result.log.slice(0, -1).map((a) => a.retryInMs)).toEqual(expected);
    gaps.forEach((gap, i) => {
      expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(expected[i]!);
      expect(gap, `gap ${i + 1}`).toBeLessThan(expected[i]! + 250);
    });
    await agent.close();
  });
});
