/**
 * The bare TCP connect before the discovery GET (undiciHttpClient's connectCheck): closed and silent ports settle
 * without an HTTP client, a live server gets exactly one GET, and the connect takes a packet token.
 * This file's range: 127.0.140.20–29.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/auditor/audit.js';
import { undiciHttpClient, type HttpLimits } from '../../src/auditor/probes/http-client.js';
import { probeHttp } from '../../src/auditor/probes/http-probe.js';
import { VENDORS } from '../../vendors/index.js';
import { silentHttp } from './helpers/hostile.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';
import { CountingAgent, timedHttp } from './helpers/timed-http.js';

const HOST = '127.0.140.20';
const RATED = '127.0.140.21';
const limits: HttpLimits = {
  connectTimeoutMs: 500,
  headersTimeoutMs: 600,
  bodyTimeoutMs: 600,
  totalTimeoutMs: 1500,
  maxBodyBytes: 256 * 1024,
};
const agent = new CountingAgent({ keepAliveTimeout: 10, connect: { timeout: limits.connectTimeoutMs } });
const client = undiciHttpClient(agent, limits);

afterAll(async () => {
  await agent.close();
});

describe('TCP connect before the HTTP probe', () => {
  it('a closed port is "closed" at once, and no HTTP request is made', async () => {
    const before = agent.dispatched;
    const start = performance.now();
    const r = await probeHttp(HOST, await freeTcpPort(HOST), 'http', client);
    expect(r).toMatchObject({ outcome: 'closed', detail: expect.stringMatching(/connection refused/) });
    expect(r.connected).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(250);
    expect(agent.dispatched).toBe(before);
  });

  it('a port that accepts and never answers is a timeout with a reason, after one GET', async () => {
    const peer = await silentHttp(HOST);
    const before = agent.dispatched;
    const start = performance.now();
    const r = await probeHttp(HOST, peer.port, 'http', client);
    const elapsed = performance.now() - start;
    await peer.close();
    expect(r).toMatchObject({ outcome: 'timeout', connected: true, detail: expect.stringMatching(/no response in time/) });
    expect(elapsed).toBeLessThan(limits.totalTimeoutMs + 500);
    expect(agent.dispatched - before).toBe(1);
  });

  it('a normal server gets the connect and exactly one GET', async () => {
    const server = await timedHttp(HOST, { server: 'test httpd' });
    const r = await probeHttp(HOST, server.port, 'http', client);
    await new Promise((res) => setTimeout(res, 50));
    await server.close();
    expect(r).toMatchObject({ outcome: 'answered', status: 200, server: 'test httpd', title: 'Test device' });
    expect(server.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/' })]);
    // the bare connect, then the request's own connection
    expect(server.connections).toHaveLength(2);
  });

  it('the connect takes a packet token: at 1 packet/s the GET waits a second behind it', async () => {
    const server = await timedHttp(RATED);
    const report = await runAudit(
      {
        targets: [RATED],
        sipPorts: [],
        httpPorts: [server.port],
        httpsPorts: [],
        snmpPort: await freeUdpPort(RATED),
        communities: [],
        rate: 1,
        hostGapMs: 0,
        timeoutMs: 300,
        retries: 0,
        http: limits,
      },
      { vendors: VENDORS, neighbours: async () => undefined },
    );
    await server.close();
    expect(report.hosts[0]!.probes.join(' ')).toMatch(/HTTP 200/);
    expect(server.requests).toHaveLength(1);
    expect(server.connections).toHaveLength(2);
    const gap = server.connections[1]! - server.connections[0]!;
    expect(gap).toBeGreaterThan(900);
    expect(gap).toBeLessThan(2500);
  });
});
