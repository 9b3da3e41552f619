import http from 'node:http';
import https from 'node:https';
import { generate } from 'selfsigned';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditDispatcher, undiciHttpClient, type HttpLimits } from '../../src/auditor/probes/http-client.js';
import { probeHttp } from '../../src/auditor/probes/http-probe.js';
import { freeTcpPort } from './helpers/net.js';
import { endlessHeadersHttp, silentHttp, streamingHttp } from './helpers/hostile.js';

const HOST = '127.77.2.1';
const limits: HttpLimits = {
  connectTimeoutMs: 500,
  headersTimeoutMs: 600,
  bodyTimeoutMs: 600,
  totalTimeoutMs: 1500,
  maxBodyBytes: 256 * 1024,
};
const dispatcher = createAuditDispatcher(limits);
const client = undiciHttpClient(dispatcher, limits);
let normal: http.Server;

beforeAll(async () => {
  normal = http.createServer((_req, res) => {
    res.setHeader('Server', 'yealink embed httpd');
    res.end('<html><head><title>Yealink T21P_E2 Phone</title></head></html>');
  });
  await new Promise<void>((resolve) => normal.listen(0, HOST, resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => normal.close(() => resolve()));
  await dispatcher.close();
});

describe('HTTP probe (real sockets, hard caps)', () => {
  it('reads Server and title', async () => {
    const r = await probeHttp(HOST, (normal.address() as AddressInfo).port, 'http', client);
    expect(r).toMatchObject({ outcome: 'answered', status: 200, server: 'yealink embed httpd', title: 'Yealink T21P_E2 Phone' });
  });

  it('HTTPS with a self-signed certificate (as phones ship) is read', async () => {
    const pems = await generate([{ name: 'commonName', value: '482567164887' }], { keySize: 2048 });
    const srv = https.createServer({ key: pems.private, cert: pems.cert }, (_req, res) => {
      res.setHeader('Server', 'Polycom SoundPoint IP Telephone HTTPd');
      res.end('<title>Polycom - Configuration Utility</title>');
    });
    await new Promise<void>((resolve) => srv.listen(0, HOST, resolve));
    const r = await probeHttp(HOST, (srv.address() as AddressInfo).port, 'https', client);
    await new Promise<void>((resolve) => srv.close(() => resolve()));
    expect(r).toMatchObject({ outcome: 'answered', scheme: 'https', server: 'Polycom SoundPoint IP Telephone HTTPd' });
  });

  it('a refused port is "closed"', async () => {
    const r = await probeHttp(HOST, await freeTcpPort(HOST), 'http', client);
    expect(r.outcome).toBe('closed');
  });

  it('a server that never answers is a timeout within the header timeout', async () => {
    const peer = await silentHttp(HOST);
    const start = performance.now();
    const r = await probeHttp(HOST, peer.port, 'http', client);
    await peer.close();
    expect(r.outcome).toBe('timeout');
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('a 50 MB body is cut at the cap and the connection dropped', async () => {
    const peer = await streamingHttp(HOST, 50 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    const r = await probeHttp(HOST, peer.port, 'http', client);
    await new Promise((res) => setTimeout(res, 100));
    const sent = peer.sent();
    await peer.close();
    expect(r.outcome).toBe('answered');
    expect(r.truncated).toBe(true);
    expect(r.detail).toMatch(/larger than 256 KB/);
    expect(r.body!.length).toBeLessThanOrEqual(64 * 1024);
    expect(sent).toBeLessThan(50 * 1024 * 1024);
    expect(process.memoryUsage().rss - rss).toBeLessThan(40 * 1024 * 1024);
  });

  it('endless headers are an error, not a hang', async () => {
    const peer = await endlessHeadersHttp(HOST);
    const start = performance.now();
    const r = await probeHttp(HOST, peer.port, 'http', client);
    await peer.close();
    expect(['error', 'timeout']).toContain(r.outcome);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
