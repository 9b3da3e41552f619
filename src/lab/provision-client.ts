/**
 * The phone's HTTP(S) provisioning client: every request leaves from the phone's own 127.x address with its
 * real User-Agent; a Digest challenge is answered when the phone holds provisioning credentials.
 */
import { Agent, request } from 'undici';
import { DigestSession, parseChallenge, type Credentials } from './digest-client.js';
import { assertLoopback, checkServerUrl } from './loopback.js';

const MAX_BODY = 4 * 1024 * 1024;

export interface ProvisionClientOptions {
  serverUrl: string;
  /** the phone's own address */
  localAddress: string;
  /** PEM of the server certificate (or its CA) for https */
  ca?: string;
  timeoutMs?: number;
  /** provisioning credentials the phone currently holds */
  credentials: () => Credentials | undefined;
}

export interface FetchResult {
  status: number;
  body?: string;
  auth: 'none' | 'digest';
  /** network or protocol failure (status 0) */
  error?: string;
}

export class ProvisionClient {
  private readonly base: URL;
  private readonly agent: Agent;
  private readonly digest = new DigestSession();
  private readonly timeoutMs: number;

  constructor(private readonly options: ProvisionClientOptions) {
    assertLoopback(options.localAddress, 'phone address');
    this.base = checkServerUrl(options.serverUrl);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.agent = new Agent({
      localAddress: options.localAddress,
      connections: 2,
      keepAliveTimeout: 2000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: { timeout: this.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) },
    });
  }

  get(fileName: string, userAgent: string): Promise<FetchResult> {
    return this.send('GET', fileName, userAgent);
  }

  put(fileName: string, body: string, userAgent: string): Promise<FetchResult> {
    return this.send('PUT', fileName, userAgent, body);
  }

  /** a file name or relative path under the server base; an absolute URL only on the same origin */
  private resolve(fileName: string): URL | undefined {
    if (/^[a-z][a-z0-9+.-]*:/i.test(fileName)) {
      const url = URL.canParse(fileName) ? new URL(fileName) : undefined;
      return url && url.origin === this.base.origin ? url : undefined;
    }
    const path = fileName.replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');
    const url = new URL(path, this.base);
    return url.origin === this.base.origin ? url : undefined;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(method: 'GET' | 'PUT', fileName: string, userAgent: string, body?: string): Promise<FetchResult> {
    const url = this.resolve(fileName);
    if (!url) return { status: 0, auth: 'none', error: `${fileName} is not on the provisioning server` };
    const uri = url.pathname + url.search;
    // at most: one pre-emptive or plain try, one answer to a fresh challenge
    for (let attempt = 0; attempt < 2; attempt++) {
      const creds = this.options.credentials();
      const authorization = creds && this.digest.ready ? this.digest.authorization(creds, method, uri) : undefined;
      let res: Awaited<ReturnType<typeof request>>;
      try {
        res = await request(url, {
          method,
          dispatcher: this.agent,
          headers: {
            'user-agent': userAgent,
            ...(authorization ? { authorization } : {}),
            ...(body !== undefined ? { 'content-type': 'text/plain' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.timeoutMs * 2),
        });
      } catch (err) {
        return { status: 0, auth: 'none', error: (err as Error).message.slice(0, 200) };
      }
      const auth = authorization ? 'digest' : 'none';
      if (res.statusCode === 401) {
        await res.body.dump().catch(() => undefined);
        const challenge = parseChallenge(res.headers['www-authenticate']);
        if (!challenge || !creds) return { status: 401, auth };
        this.digest.accept(challenge);
        // the second 401 in a row answers a fresh challenge: the credentials are wrong
        if (attempt === 1) return { status: 401, auth };
        continue;
      }
      const text = await readLimited(res.body);
      if (text === undefined) return { status: 0, auth, error: `body larger than ${MAX_BODY} bytes` };
      return res.statusCode >= 200 && res.statusCode < 300
        ? { status: res.statusCode, body: text, auth }
        : { status: res.statusCode, auth };
    }
    return { status: 401, auth: 'digest' };
  }
}

async function readLimited(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
