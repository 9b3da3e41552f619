/**
 * `server.proxyProtocol` through real HAProxy (TCP mode, `send-proxy` and `send-proxy-v2`) in front of one `ghostguard
 * serve`: the phone's own address is the one that counts (site networks for enrolment, events, the per-address
 * connection cap), a listed balancer that sends no header or an oversized one is refused before TLS, and a PROXY header
 * from an address not listed is never read as one (the TLS handshake fails; plain HTTP answers 400).
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Haproxy, startHaproxy } from '../helpers/haproxy.js';
import { fleetYaml } from '../helpers/runtime.js';
import { type ServeProcess, startServe } from '../helpers/serve-process.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('haproxy');
const SERVER = '127.142.0.2';
const PORT = 20413;
const PLAIN_PORT = 20412;
const BALANCER = '127.142.0.9';
const V1 = { host: '127.142.0.10', port: 20410 };
const V2 = { host: '127.142.0.11', port: 20411 };
const MAC = '00:15:65:00:42:01';
const UA = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** connects from `localAddress`, writes `bytes`, and resolves with what came back before the server closed */
const exchange = (host: string, port: number, localAddress: string, bytes: Buffer | string): Promise<string> =>
  new Promise((resolve) => {
    let got = '';
    const s: Socket = connect({ host, port, localAddress }, () => s.write(bytes));
    s.on('data', (d) => (got += d));
    s.once('close', () => resolve(got));
    s.once('error', () => {});
    setTimeout(() => s.destroy(), 5000);
  });

describe.skipIf(peers.missing)(`PROXY protocol through real HAProxy${peers.note}`, () => {
  let serve: ServeProcess;
  const balancers: Haproxy[] = [];

  const events = (): { reason: string; source?: string }[] => {
    try {
      return readFileSync(join(serve.dir, 'data', 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      return [];
    }
  };
  const untilEvent = async (reason: string, source: string) => {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if (events().some((e) => e.reason === reason && e.source === source)) return true;
      await sleep(50);
    }
    return false;
  };
  const phone = (via: { host: string; port: number }, address: string) =>
    new Client(`https://${via.host}:${via.port}`, { localAddress: address, connect: { rejectUnauthorized: false } });

  beforeAll(async () => {
    const yaml = fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }])
      .replace(
        'server:\n',
        `server:\n  host: ${SERVER}\n  plainPort: ${PLAIN_PORT}\n  proxyProtocol: { from: [${BALANCER}] }\n  connections: { perAddress: 2 }\n`,
      )
      .replace('    registrar: 127.0.0.10\n', '    registrar: 127.0.0.10\n    networks: [127.142.3.0/24]\n');
    serve = await startServe(yaml, PORT);
    const bin = peers.path('haproxy');
    const servers = [{ host: SERVER, port: PORT }];
    balancers.push(await startHaproxy({ bin, listen: V1, servers, source: BALANCER, proxy: 'send-proxy' }));
    balancers.push(await startHaproxy({ bin, listen: V2, servers, source: BALANCER, proxy: 'send-proxy-v2' }));
  });

  afterAll(async () => {
    for (const b of balancers) await b.stop();
    await serve?.stop();
  });

  it('send-proxy-v2: a phone inside its site networks enrols through the balancer (whose own address is outside them)', async () => {
    const c = phone(V2, '127.142.3.7');
    const res = await c.request({ method: 'GET', path: `/${MAC.replaceAll(':', '')}.cfg`, headers: { 'user-agent': UA } });
    const body = await res.body.text();
    await c.close();
    expect(res.statusCode, body).toBe(200);
    expect(await untilEvent('enrolment-closed', '127.142.3.7')).toBe(true);
    expect(events().some((e) => e.source === BALANCER)).toBe(false);
  });

  it("send-proxy (v1): the phone's address is the one its events name", async () => {
    const c = phone(V1, '127.142.3.8');
    const res = await c.request({
      method: 'GET',
      path: '/001565ffee01.cfg',
      headers: { 'user-agent': UA.replace(MAC, '00:15:65:ff:ee:01') },
    });
    await res.body.text();
    await c.close();
    expect(res.statusCode).toBe(401);
    expect(await untilEvent('unknown-mac', '127.142.3.8')).toBe(true);
  });

  it('the per-address connection cap counts the phone behind the balancer, not the balancer', async () => {
    const sockets = Array.from({ length: 3 }, () => connect({ host: V2.host, port: V2.port, localAddress: '127.142.3.9' }));
    for (const s of sockets) s.on('error', () => {});
    expect(await untilEvent('connection-limit', '127.142.3.9')).toBe(true);
    for (const s of sockets) s.destroy();
    expect(events().some((e) => e.reason === 'connection-limit' && e.source === BALANCER)).toBe(false);
  });

  it('a listed balancer that sends no PROXY header (here: a TLS ClientHello) is refused before TLS, with an event', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const raw = connect({ host: SERVER, port: PORT, localAddress: BALANCER });
      raw.once('error', () => {});
      const t = tlsConnect({ socket: raw, rejectUnauthorized: false }, () => resolve('handshake'));
      t.once('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    });
    expect(outcome).toMatch(/^error/);
    expect(await untilEvent('proxy-header-refused', BALANCER)).toBe(true);
  });

  it('a listed balancer whose v2 header announces more than the bound is closed unanswered', async () => {
    const oversized = Buffer.from('0d0a0d0a000d0a515549540a2111ffff', 'hex');
    expect(await exchange(SERVER, PORT, BALANCER, Buffer.concat([oversized, Buffer.alloc(2000)]))).toBe('');
  });

  it('a PROXY header from an address not listed is not read as one: TLS fails, plain HTTP answers 400', async () => {
    const header = 'PROXY TCP4 127.142.9.9 127.142.0.2 4000 443\r\n';
    const tls = await new Promise<string>((resolve) => {
      const raw = connect({ host: SERVER, port: PORT, localAddress: '127.142.4.1' }, () => {
        raw.write(header);
        const t = tlsConnect({ socket: raw, rejectUnauthorized: false }, () => resolve('handshake'));
        t.once('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code ?? e.message}`));
      });
      raw.once('error', () => {});
    });
    expect(tls).toMatch(/^error/);
    const plain = await exchange(SERVER, PLAIN_PORT, '127.142.4.1', `${header}GET /y000000000000.boot HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    expect(await untilEvent('malformed-request', '127.142.4.1')).toBe(true);
    expect(events().some((e) => e.source === '127.142.9.9')).toBe(false);
  });
});
