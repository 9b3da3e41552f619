import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { createRequire } from 'node:module';
import { VENDORS } from '../../vendors/index.js';
import type { Mac } from '../../src/model/mac.js';
import { DEFAULT_HTTPS_PORT, EmulatedPhone, type PhoneSpec } from '../../src/lab/phone.js';

// this file's own loopback range: 127.0.22.0/24
const HTTP_PORT = 18080;
const SNMP_PORT = 16161;
const adapter = (id: string) => VENDORS.find((v) => v.id === id)!;
const dispatcher = new Agent({ localAddress: '127.0.22.200', keepAliveTimeout: 10 });
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

let n = 0;
const phones: EmulatedPhone[] = [];
async function phone(spec: Pick<PhoneSpec, 'vendor' | 'model' | 'firmware'>, files: [string, string][] = []): Promise<EmulatedPhone> {
  n++;
  const p = new EmulatedPhone(
    {
      ...spec,
      ip: `127.0.22.${n}`,
      mac: `0004f222${n.toString(16).padStart(4, '0')}` as Mac,
      factory: files.length === 0,
      httpPort: HTTP_PORT,
      snmpPort: SNMP_PORT,
    },
    adapter(spec.vendor),
  );
  for (const [name, body] of files) expect(p.applyFile(name, body).ok).toBe(true);
  await p.start();
  phones.push(p);
  return p;
}

async function http(p: EmulatedPhone, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await request(`http://${p.ip}:${HTTP_PORT}${path}`, {
    dispatcher,
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}
const form = { 'content-type': 'application/x-www-form-urlencoded' };

let yealink: EmulatedPhone, yealinkHardened: EmulatedPhone, vvx: EmulatedPhone, vvxOld: EmulatedPhone, spip: EmulatedPhone;
let grp: EmulatedPhone, gxp: EmulatedPhone;

beforeAll(async () => {
  yealink = await phone({ vendor: 'yealink', model: 'T46G', firmware: '28.72.0.1' });
  yealinkHardened = await phone({ vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45' }, [
    ['m.cfg', '#!version:1.0.0.1\nstatic.security.user_password = admin:N3w-Pw\nfeatures.action_uri_limit_ip = 127.0.22.200\n'],
  ]);
  vvx = await phone({ vendor: 'polycom', model: 'VVX_150', firmware: '6.4.1.2280' }, [
    [
      'm.cfg',
      '<polycomConfig voIpProt.SIP.requestValidation.1.request="INVITE" voIpProt.SIP.requestValidation.1.method="source" reg.1.auth.password="sip-secret"/>',
    ],
  ]);
  vvxOld = await phone({ vendor: 'polycom', model: 'VVX_400', firmware: '4.1.4.7430' });
  spip = await phone({ vendor: 'polycom', model: 'SPIP_335', firmware: '3.2.1.0078' });
  grp = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103' });
  gxp = await phone({ vendor: 'grandstream', model: 'GXP2140', firmware: '1.0.9.14' }, [
    ['cfg.xml', '<gs_provision version="1"><config version="1"><P2>Gs-Admin-9</P2><P2347>1</P2347></config></gs_provision>'],
  ]);
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.stop()));
  await dispatcher.close();
});

describe('Yealink web', () => {
  it('has the embedded httpd fingerprint and a login page naming model and firmware', async () => {
    const root = await http(yealink, '/');
    expect(root.status).toBe(302);
    expect(root.headers.server).toBe('yealink embed httpd');
    const login = await http(yealink, '/servlet?m=mod_listener&p=login&q=loginForm&jumpto=status');
    expect(login.status).toBe(200);
    expect(login.headers.server).toBe('yealink embed httpd');
    expect(login.text).toContain('g_phonetype = "T46G"');
    expect(login.text).toContain('g_strFirmware = "28.72.0.1"');
  });

  it('answers the Action URI info query only with the admin credentials', async () => {
    expect((await http(yealink, '/servlet?phonecfg=get')).status).toBe(401);
    expect((await http(yealink, '/servlet?phonecfg=get', { headers: { authorization: basic('admin', 'wrong') } })).status).toBe(401);
    const ok = await http(yealink, '/servlet?phonecfg=get', { headers: { authorization: basic('admin', 'admin') } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Firmware=28.72.0.1');
    const login = await http(yealink, '/servlet?m=mod_listener&p=login&q=login', {
      method: 'POST',
      headers: form,
      body: 'username=admin&pwd=admin',
    });
    expect(login.json()).toEqual({ authstatus: 'done' });
  });

  it('a provisioned admin password replaces the factory one', async () => {
    expect((await http(yealinkHardened, '/servlet?phonecfg=get', { headers: { authorization: basic('admin', 'admin') } })).status).toBe(
      401,
    );
    expect((await http(yealinkHardened, '/servlet?phonecfg=get', { headers: { authorization: basic('admin', 'N3w-Pw') } })).status).toBe(
      200,
    );
    expect(yealinkHardened.manifest().expect.defaultAdminPassword).toBe(false);
  });
});

describe('Polycom REST', () => {
  it('device/info needs Basic auth as Polycom with the admin password (factory 456)', async () => {
    expect((await http(vvx, '/api/v1/mgmt/device/info')).status).toBe(401);
    expect((await http(vvx, '/api/v1/mgmt/device/info', { headers: { authorization: basic('Polycom', '123') } })).status).toBe(401);
    const info = await http(vvx, '/api/v1/mgmt/device/info', { headers: { authorization: basic('Polycom', '456') } });
    expect(info.status).toBe(200);
    expect(info.json()).toMatchObject({
      Status: '2000',
      data: { ModelNumber: 'VVX 150', FirmwareRelease: '6.4.1.2280', DeviceVendor: 'Polycom' },
    });
  });

  it('config/get reads applied settings and never returns a password', async () => {
    const res = await http(vvx, '/api/v1/mgmt/config/get', {
      method: 'POST',
      headers: { authorization: basic('Polycom', '456'), 'content-type': 'application/json' },
      body: JSON.stringify({
        data: ['voIpProt.SIP.requestValidation.1.method', 'call.autoAnswer.SIP', 'reg.1.auth.password', 'no.such.param'],
      }),
    });
    const body = res.json();
    expect(body.data).toEqual({ 'voIpProt.SIP.requestValidation.1.method': 'source', 'call.autoAnswer.SIP': '0' });
    expect(body.InvalidParams).toEqual(['no.such.param']);
    expect(res.text).not.toContain('sip-secret');
  });

  it('has no REST API before UCS 5.4; SoundPoint sends its HTTPd Server header', async () => {
    expect((await http(vvxOld, '/api/v1/mgmt/device/info', { headers: { authorization: basic('Polycom', '456') } })).status).toBe(404);
    expect((await http(spip, '/')).headers.server).toBe('Polycom SoundPoint IP Telephone HTTPd');
  });
});

describe('Grandstream web API', () => {
  const login = (p: EmulatedPhone, pw: string) =>
    http(p, '/cgi-bin/dologin', { method: 'POST', headers: form, body: `username=admin&password=${encodeURIComponent(pw)}` });
  const values = (p: EmulatedPhone, names: string, sid?: string) =>
    http(p, '/cgi-bin/api.values.get', { method: 'POST', headers: form, body: `request=${names}${sid ? `&sid=${sid}` : ''}` });

  it('fingerprints: GRP behind lighttpd with the GWT page, GXP with its product Server header', async () => {
    const g = await http(grp, '/');
    expect(g.headers.server).toBe('lighttpd');
    expect(g.text).toContain('<title>Loading Web Application</title>');
    const x = await http(gxp, '/');
    expect(x.headers.server).toBe('Grandstream GXP2140 1.0.9.14');
    expect(x.text).toContain('Grandstream Device Configuration');
  });

  it('dologin honours the admin password and flags the factory one', async () => {
    expect((await login(grp, 'nope')).json()).toMatchObject({ response: 'error' });
    const ok = (await login(grp, 'admin')).json();
    expect(ok).toMatchObject({ response: 'success', body: { role: 'admin', defaultAuth: true } });
    expect((await login(gxp, 'admin')).json()).toMatchObject({ response: 'error' });
    expect((await login(gxp, 'Gs-Admin-9')).json()).toMatchObject({ response: 'success', body: { defaultAuth: false } });
  });

  it('api.values.get: identity without a session, settings with one, never the password', async () => {
    const anon = (await values(gxp, 'phone_model:68:P2347:P2')).json();
    expect(anon).toEqual({ response: 'success', body: { phone_model: 'GXP2140', '68': '1.0.9.14' } });
    const sid = ((await login(gxp, 'Gs-Admin-9')).json().body as { sid: string }).sid;
    const authed = (await values(gxp, 'P2347:P1310:P271:P2', sid)).json();
    expect(authed).toEqual({ response: 'success', body: { P2347: '1', P1310: '0', P271: '1' } });
  });
});

describe('web listeners follow the settings', () => {
  const tlsDispatcher = new Agent({ localAddress: '127.0.22.200', keepAliveTimeout: 10, connect: { rejectUnauthorized: false } });
  afterAll(() => tlsDispatcher.close());
  const answers = async (url: string) => {
    try {
      const res = await request(url, { dispatcher: url.startsWith('https:') ? tlsDispatcher : dispatcher });
      await res.body.dump();
      return res.statusCode;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };

  it('a factory Yealink answers on both; with wui.http_enable = 0 plain HTTP is refused and HTTPS still answers', async () => {
    expect(await answers(`http://${yealink.ip}:${HTTP_PORT}/`)).toBe(302);
    expect(await answers(`https://${yealink.ip}:${DEFAULT_HTTPS_PORT}/`)).toBe(302);
    const hardened = await phone({ vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45' }, [
      ['m.cfg', '#!version:1.0.0.1\nstatic.wui.http_enable = 0\nstatic.wui.https_enable = 1\n'],
    ]);
    expect(await answers(`http://${hardened.ip}:${HTTP_PORT}/`)).toBe('ECONNREFUSED');
    expect(await answers(`https://${hardened.ip}:${DEFAULT_HTTPS_PORT}/`)).toBe(302);
    expect(hardened.manifest()).toMatchObject({ httpsPort: DEFAULT_HTTPS_PORT, expect: { webHttps: true } });
    expect(hardened.manifest().httpPort).toBeUndefined();
  });

  it('Grandstream P1650: factory HTTP only, 3 both, 2 no web interface at all', async () => {
    expect(await answers(`http://${grp.ip}:${HTTP_PORT}/`)).toBe(200);
    expect(await answers(`https://${grp.ip}:${DEFAULT_HTTPS_PORT}/`)).toBe('ECONNREFUSED');
    const gsConfig = (mode: string) =>
      [['cfg.xml', `<gs_provision version="1"><config version="1"><P1650>${mode}</P1650></config></gs_provision>`]] as [string, string][];
    const both = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103' }, gsConfig('3'));
    expect(await answers(`http://${both.ip}:${HTTP_PORT}/`)).toBe(200);
    expect(await answers(`https://${both.ip}:${DEFAULT_HTTPS_PORT}/`)).toBe(200);
    expect(both.manifest().expect.webHttps).toBe(false);
    const off = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103' }, gsConfig('2'));
    expect(await answers(`http://${off.ip}:${HTTP_PORT}/`)).toBe('ECONNREFUSED');
    expect(await answers(`https://${off.ip}:${DEFAULT_HTTPS_PORT}/`)).toBe('ECONNREFUSED');
  });
});

describe('SNMP agent', () => {
  const snmp = createRequire(import.meta.url)('net-snmp') as {
    createSession(
      target: string,
      community: string,
      options: Record<string, unknown>,
    ): {
      get(oids: string[], cb: (err: Error | null, vbs?: { value: unknown }[]) => void): void;
      close(): void;
    };
  };
  const get = (ip: string, community: string) =>
    new Promise<string | Error>((resolve) => {
      const session = snmp.createSession(ip, community, { port: SNMP_PORT, timeout: 300, retries: 0, version: 1 });
      session.get(['1.3.6.1.2.1.1.1.0'], (err, vbs) => {
        session.close();
        resolve(err ?? String(vbs![0]!.value));
      });
    });

  it('runs only when the settings enable it as SNMPv1/v2c, with the configured community', async () => {
    expect(grp.manifest().snmpPort).toBeUndefined();
    const on = await phone({ vendor: 'grandstream', model: 'GRP2616', firmware: '1.0.13.59' }, [
      [
        'cfg.xml',
        '<gs_provision version="1"><config version="2"><item name="network.snmp.enable">Yes</item><item name="network.snmp.version">Version2</item><item name="network.snmp.community">lab-c0mm</item></config></gs_provision>',
      ],
    ]);
    // the template's factory version is Version3: enabled alone, the agent answers no community
    const v3 = await phone({ vendor: 'grandstream', model: 'GRP2616', firmware: '1.0.13.59' }, [
      ['cfg.xml', '<gs_provision version="1"><config version="2"><item name="network.snmp.enable">Yes</item></config></gs_provision>'],
    ]);
    expect(v3.manifest().expect).toMatchObject({ snmpEnabled: false });
    expect(on.manifest()).toMatchObject({ snmpPort: SNMP_PORT, expect: { snmpEnabled: true, snmpDefaultCommunity: false } });
    expect(await get(on.ip, 'lab-c0mm')).toBe('Grandstream GRP2616 1.0.13.59');
    expect(await get(on.ip, 'public')).toBeInstanceOf(Error);
    expect(await get(grp.ip, 'public')).toBeInstanceOf(Error);
  });
});
