/** Minimal management APIs on loopback HTTP, shaped like vendor-facts 2.5 / 3.5, for pipeline tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { assertLoopback } from './net.js';

export interface FakeMgmt {
  port: number;
  logins: { username: string; password: string }[];
  close(): Promise<void>;
}

async function read(req: http.IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

export async function fakeGrandstream(host: string, adminPassword: string, values: Record<string, string>): Promise<FakeMgmt> {
  assertLoopback(host);
  const logins: FakeMgmt['logins'] = [];
  const srv = http.createServer(async (req, res) => {
    const body = await read(req);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/cgi-bin/dologin') {
      const form = new URLSearchParams(body);
      logins.push({ username: form.get('username') ?? '', password: form.get('password') ?? '' });
      const ok = form.get('username') === 'admin' && form.get('password') === adminPassword;
      return res.end(
        JSON.stringify(
          ok ? { response: 'success', body: { sid: 'sid42', role: 'admin', defaultAuth: false } } : { response: 'error', body: 'failed' },
        ),
      );
    }
    if (req.url === '/cgi-bin/api.values.get') {
      const form = new URLSearchParams(body);
      if (form.get('sid') !== 'sid42') return res.end(JSON.stringify({ response: 'error', body: 'session-expired' }));
      const keys = (form.get('request') ?? '').split(':');
      return res.end(
        JSON.stringify({ response: 'success', body: Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, values[k]])) }),
      );
    }
    res.setHeader('content-type', 'text/html');
    res.end('<html><head><title>Grandstream Device Configuration</title></head></html>');
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return { port: (srv.address() as AddressInfo).port, logins, close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}

export async function fakePolycomRest(host: string, adminPassword: string, values: Record<string, string>, mac: string): Promise<FakeMgmt> {
  assertLoopback(host);
  const logins: FakeMgmt['logins'] = [];
  const srv = http.createServer(async (req, res) => {
    const body = await read(req);
    const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    const [username = '', password = ''] = auth.split(':');
    res.setHeader('content-type', 'application/json');
    if (!req.url?.startsWith('/api/v1/')) return res.end('<title>Polycom - Configuration Utility</title>');
    logins.push({ username, password });
    if (username !== 'Polycom' || password !== adminPassword) {
      res.statusCode = 401;
      return res.end();
    }
    if (req.url === '/api/v1/mgmt/device/info') {
      return res.end(
        JSON.stringify({
          Status: '2000',
          data: { MacAddress: mac, ModelNumber: 'VVX 150', FirmwareRelease: '6.4.1.2280', DeviceVendor: 'Polycom' },
        }),
      );
    }
    if (req.url === '/api/v1/mgmt/config/get') {
      const keys = (JSON.parse(body) as { data: string[] }).data;
      return res.end(
        JSON.stringify({
          Status: '2000',
          data: Object.fromEntries(keys.filter((k) => k in values).map((k) => [k, { Value: values[k], Source: 'config' }])),
        }),
      );
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  return { port: (srv.address() as AddressInfo).port, logins, close: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}
