/**
 * The phone app's two doors — GET/HEAD straight from the HTTPS server, everything through fastify's router — give the
 * same answers; conditional and HEAD requests cost no body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { routerTransport, socketTransport, type PhoneReply } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:71';
const socket = socketTransport();
let runtime: Runtime;

beforeAll(async () => {
  ({ runtime } = await startRuntime(fleetYaml([{ mac: '00:15:65:00:00:71', vendor: 'yealink', model: 'T46U' }])));
  await socket.started(runtime);
});
afterAll(async () => {
  await socket.close(runtime);
  await runtime.close();
});

const comparable = (r: PhoneReply) => ({
  status: r.statusCode,
  body: r.body,
  headers: Object.fromEntries(
    Object.entries(r.headers)
      .filter(([k]) => !['date', 'connection', 'keep-alive'].includes(k))
      .map(([k, v]) => [k, k === 'www-authenticate' ? String(v).replace(/nonce="[^"]+"/, 'nonce=…') : v]),
  ),
});

describe('the phone app over a socket and through the router', () => {
  const requests: [string, 'GET' | 'HEAD', string, string][] = [
    ['shared file', 'GET', '/y000000000108.cfg', UA],
    ['shared file, HEAD', 'HEAD', '/y000000000108.cfg', UA],
    ['device file without credentials after enrolment', 'GET', '/001565000071.cfg', 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:72'],
    ['unknown file', 'GET', '/SEP001122334455.cnf.xml', 'Cisco/1.0'],
    ['bad path', 'GET', '/..%2f..%2fetc%2fpasswd', UA],
    // (no "missing User-Agent" case: inject supplies one of its own)
    ['oversized User-Agent', 'GET', '/y000000000108.cfg', `Yealink ${'A'.repeat(600)}`],
  ];
  it.each(requests)('%s: same status, headers and body', async (_name, method, url, ua) => {
    const headers = { 'user-agent': ua };
    const viaSocket = await socket.send(runtime, '127.0.13.1', { method, url, headers });
    const viaRouter = await routerTransport.send(runtime, '127.0.13.2', { method, url, headers });
    expect(comparable(viaSocket)).toEqual(comparable(viaRouter));
  });

  it('answers If-None-Match with a bodiless 304 and HEAD with the length of the body it leaves out', async () => {
    const full = await socket.send(runtime, '127.0.13.3', { method: 'GET', url: '/y000000000108.cfg', headers: { 'user-agent': UA } });
    expect(full.statusCode).toBe(200);
    const etag = String(full.headers.etag);
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await socket.send(runtime, '127.0.13.3', {
      method: 'GET',
      url: '/y000000000108.cfg',
      headers: { 'user-agent': UA, 'if-none-match': etag },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await socket.send(runtime, '127.0.13.3', { method: 'HEAD', url: '/y000000000108.cfg', headers: { 'user-agent': UA } });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(full.body));
  });
});
