/**
 * A Yealink phone booting as real ones do, for storms through a load balancer: from its own address it fetches the
 * shared boot file, is challenged for its device file and fetches it with its Digest credentials. A step that fails
 * (connection reset or refused, a 5xx, a timeout) is retried after a backoff that doubles (with jitter, capped),
 * a bounded number of times; a 401 to the Digest fetch is answered once more with the fresh challenge it carries.
 */
import { Client } from 'undici';
import { digestHeader, nonceFrom } from './digest-client.js';

export interface BootingPhone {
  /** the balancer's (or a replica's) origin, e.g. https://127.142.0.10:20400 */
  origin: string;
  /** the phone's own source address */
  address: string;
  /** 12 hex digits, lowercase */
  mac: string;
  username: string;
  password: string;
  /** attempts per step, the first included (default 8) */
  attempts?: number;
  /** first backoff (default 200 ms; doubled per retry up to 3 s) */
  backoffMs?: number;
}

export interface BootOutcome {
  booted: boolean;
  /** steps retried after a failure */
  retries: number;
  /** latency of each request that was answered, ms */
  latencies: number[];
  /** a Digest fetch got no answer (or a 5xx): the server may have recorded a delivery the phone never received */
  deliveryCut: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function bootPhone(p: BootingPhone): Promise<BootOutcome> {
  const client = new Client(p.origin, {
    localAddress: p.address,
    connect: { rejectUnauthorized: false, timeout: 10_000 },
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const ua = `Yealink SIP-T46U 108.86.0.45 ${p.mac.match(/../g)!.join(':')}`;
  const outcome: BootOutcome = { booted: false, retries: 0, latencies: [], deliveryCut: false };
  const attempts = p.attempts ?? 8;
  /** one request, retried on what a real phone retries: no answer at all or a 5xx */
  const request = async (path: string, authorization?: string) => {
    for (let attempt = 0; ; attempt++) {
      const t = performance.now();
      try {
        const res = await client.request({
          method: 'GET',
          path,
          headers: { 'user-agent': ua, ...(authorization ? { authorization } : {}) },
        });
        await res.body.text();
        if (res.statusCode < 500) {
          outcome.latencies.push(performance.now() - t);
          return res;
        }
      } catch {
        // reset, refused, timed out: the phone tries again
      }
      if (authorization) outcome.deliveryCut = true;
      if (attempt + 1 >= attempts) return undefined;
      outcome.retries++;
      const backoff = Math.min(3000, (p.backoffMs ?? 200) * 2 ** attempt);
      await sleep(backoff / 2 + Math.random() * (backoff / 2));
    }
  };
  try {
    const boot = await request('/y000000000000.boot');
    if (boot?.statusCode !== 200) return outcome;
    const path = `/${p.mac}.cfg`;
    let challenge = await request(path);
    for (let answered = 0; challenge?.statusCode === 401 && answered < 2; answered++) {
      const authorization = digestHeader(p.username, p.password, 'GET', path, nonceFrom(challenge.headers['www-authenticate']));
      const res = await request(path, authorization);
      if (res?.statusCode === 200) {
        outcome.booted = true;
        return outcome;
      }
      challenge = res;
    }
    return outcome;
  } finally {
    await client.close().catch(() => {});
  }
}
