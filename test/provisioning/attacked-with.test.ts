/**
 * The attacker's pass of #17, kept as a test: tools and requests the rest of the suite never used, against a real
 * `ghostguard serve` on 127.154.0.1 (HTTPS and plain HTTP). Expected values come from the tools themselves and the
 * RFCs: openssl's reading of the certificate, nmap's http-methods script (it lists what a server's `Allow` header and
 * its answers admit), curl's methods and RFC 9110 §15.5.6 (a 405 carries `Allow`). What each found before the fix is
 * in the README (The provisioning server cannot be harvested: attacked with).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('curl', 'nmap', 'openssl');
const run = promisify(execFile);
const HOST = '127.154.0.1';
const PORT = 23401;
const PLAIN_PORT = 23402;
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:15:41';
const MB = 1024 * 1024;
/** the challenge budget per address, lowered so that a ban is reached in a few requests */
const BUDGET = 40;
let serve: ServeProcess;
const held: TLSSocket[] = [];

const events = (): { reason: string; source?: string; detail?: string }[] =>
  readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serve.child.pid}/status`, 'utf8'))![1]) / 1024;

describe.skipIf(peers.missing)(`attacked with tools the suite never used${peers.note}`, () => {
  beforeAll(async () => {
    const yaml = fleetYaml([{ mac: '00:15:65:00:15:41', vendor: 'yealink', model: 'T46U' }]).replace(
      'server:\n',
      `server:\n  host: ${HOST}\n  plainPort: ${PLAIN_PORT}\n  allowPlainHttp: true\n  rateLimits: { addressChallenges: ${BUDGET} }\n`,
    );
    serve = await startServe(yaml, PORT, ['--duration', '300']);
  });
  afterAll(async () => {
    for (const s of held) s.destroy();
    await serve?.stop();
  });

  it('openssl: the tls: auto certificate is signed with SHA-256 and valid for 825 days (it was SHA-1 for 365)', async () => {
    const cert = join(serve.dir, 'data', 'tls-cert.pem');
    const { stdout } = await run(peers.path('openssl'), ['x509', '-in', cert, '-noout', '-text', '-dates']);
    expect(stdout).toContain('Signature Algorithm: sha256WithRSAEncryption');
    expect(stdout).not.toContain('sha1With');
    const date = (field: string) => Date.parse(new RegExp(`${field}=(.+)`).exec(stdout)![1]!);
    expect(Math.round((date('notAfter') - date('notBefore')) / 86_400_000)).toBe(825);
  });

  it('nmap http-methods: the phone listeners admit GET, HEAD and PUT only (it found POST OPTIONS DELETE TRACE)', async () => {
    const args = [
      '-Pn',
      '-n',
      '-p',
      `${PORT},${PLAIN_PORT}`,
      '--script',
      '+http-methods',
      '--script-args',
      'http-methods.test-all=true',
      HOST,
    ];
    const { stdout } = await run(peers.path('nmap'), args, { timeout: 60_000 });
    expect(stdout.match(/Supported Methods: GET HEAD PUT\n/g)).toHaveLength(2);
    expect(stdout).not.toMatch(/TRACE|OPTIONS|DELETE|POST/);
  }, 90_000);

  it('curl -X: every method no phone sends is a 405 with Allow, an event and no framework text', async () => {
    for (const [method, extra] of [
      ['TRACE', []],
      ['PROPFIND', []],
      ['DELETE', []],
      ['OPTIONS', ['--request-target', '*']],
      ['POST', ['--data-binary', 'a=1']],
    ] as const) {
      const args = [
        '-sk',
        '-i',
        '-X',
        method,
        ...extra,
        '-A',
        UA,
        '--interface',
        '127.154.1.1',
        `https://${HOST}:${PORT}/y000000000108.cfg`,
      ];
      const { stdout } = await run(peers.path('curl'), args, { timeout: 20_000 });
      expect(stdout, method).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
      expect(stdout, method).toMatch(/\r\nallow: GET, HEAD, PUT\r\n/i);
      expect(stdout, method).not.toMatch(/Route|statusCode|FST_/);
    }
    // CONNECT never reaches a request handler: Node closed it unanswered and unrecorded
    const connectAnswer = await raw('127.154.1.1', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    expect(connectAnswer).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*allow: GET, HEAD, PUT\r\n/);
    await new Promise((r) => setTimeout(r, 300)); // events.jsonl is written in 50 ms batches
    const details = events()
      .filter((e) => e.source === '127.154.1.1' && e.reason === 'malformed-request')
      .map((e) => e.detail);
    expect(details).toEqual(['method TRACE', 'method PROPFIND', 'method DELETE', 'method OPTIONS', 'method POST', 'method CONNECT']);
  }, 60_000);

  // RFC 9112: CL with TE "ought to be handled as an error" (§6.1), obs-fold in a request MUST be rejected or replaced
  // (§5.2), differing Content-Lengths are an unrecoverable error (§6.3), a request line is CRLF-terminated (§2.2)
  const SMUGGLING = [
    'GET /y000000000108.cfg HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'GET /y000000000108.cfg HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n',
    'PUT /0004f2000001-phone.cfg HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcd',
    'GET /y000000000108.cfg HTTP/1.1\nHost: a\n\n',
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
  ];
  it(`smuggling framings are 400 and count toward the ban: after ${BUDGET} the source is refused (they were never counted)`, async () => {
    for (let i = 0; i < BUDGET; i++) {
      const answer = await raw('127.154.4.1', SMUGGLING[i % SMUGGLING.length]!);
      expect(answer, SMUGGLING[i % SMUGGLING.length]).toMatch(/^HTTP\/1\.1 400 /);
    }
    const after = await raw('127.154.4.1', `GET /y000000000108.cfg HTTP/1.1\r\nHost: a\r\nUser-Agent: ${UA}\r\nConnection: close\r\n\r\n`);
    expect(after).toMatch(/^HTTP\/1\.1 403 /);
    const other = await raw('127.154.4.2', `GET /y000000000108.cfg HTTP/1.1\r\nHost: a\r\nUser-Agent: ${UA}\r\nConnection: close\r\n\r\n`);
    expect(other).toMatch(/^HTTP\/1\.1 200 /);
  }, 60_000);

  it('500 held 1 MB POST bodies from 20 addresses: answered from the request line, RSS grows < 100 MB (it grew 360 MB)', async () => {
    const before = rssMb();
    const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => holdPost(`127.154.2.${1 + (i % 20)}`)));
    const after = rssMb();
    process.stdout.write(`POST flood: RSS ${before.toFixed(0)} MB before, ${after.toFixed(0)} MB while held\n`);
    expect(after - before).toBeLessThan(100);
    // each answered 405 at once, or cut while still sending past the 64 KB a refused request may drain: none waits for
    // its body's last byte (before the fix none was answered, each body held by the router)
    const kinds = answers.map((a) => (a === '' ? 'still waiting' : a === 'closed' ? a : a.slice(0, 12)));
    expect(kinds.filter((k) => k !== 'HTTP/1.1 405' && k !== 'closed')).toEqual([]);
  }, 120_000);
});

// net.connect takes localAddress; tls.ConnectionOptions does not name it
const tlsFrom = (source: string) => {
  const options = { host: HOST, port: PORT, localAddress: source, rejectUnauthorized: false };
  return options;
};

/** One TLS exchange written by hand, read until the server closes (5 s at most). */
function raw(source: string, request: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(tlsFrom(source), () => socket.write(request));
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.destroy(), 5000);
  });
}

const BODY = Buffer.alloc(MB - 1, 0x61);

/** A POST whose headers promise 1 MB, of which all but one byte are sent; its answer, 'closed', or '' after 30 s. */
function holdPost(source: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(tlsFrom(source), () => {
      socket.write(`POST /y000000000108.cfg HTTP/1.1\r\nHost: ${HOST}\r\nUser-Agent: ${UA}\r\nContent-Length: ${MB}\r\n\r\n`);
      socket.write(BODY);
    });
    held.push(socket);
    const timer = setTimeout(() => resolve(answer), 30_000);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer || 'closed');
    });
  });
}
