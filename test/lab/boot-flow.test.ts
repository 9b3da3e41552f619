import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import type { Mac } from '../../src/model/mac.js';
import { NonceAuthority, parseDigestHeader, verifyDigest } from '../../src/provisioning/digest.js';
import { EmulatedPhone, type PhoneSpec } from '../../src/lab/phone.js';
import { parseYealinkBoot } from '../../vendors/yealink/lab/boot.js';

// this file's own loopback range: 127.0.27.0/24; the fake server plays a provisioning server with canned files
const SERVER_IP = '127.0.27.250';
const adapter = (id: string) => VENDORS.find((v) => v.id === id)!;

interface Hit {
  path: string;
  method: string;
  ua: string;
  source: string;
  auth: boolean;
}
let files: Record<string, string> = {};
let protectedPaths = new Set<string>();
const hits: Hit[] = [];
const nonces = new NonceAuthority();
const PROV = { user: 'prov-user', pass: 'Prov-Pass-1' };
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').slice(1));
    const auth = parseDigestHeader(req.headers.authorization);
    const authed =
      !!auth && nonces.check(auth.nonce) === 'fresh' && auth.username === PROV.user && verifyDigest(auth, PROV.pass, req.method ?? 'GET');
    hits.push({
      path,
      method: req.method ?? '',
      ua: String(req.headers['user-agent']),
      source: req.socket.remoteAddress ?? '',
      auth: authed,
    });
    req.resume();
    if (protectedPaths.has(path) && !authed) {
      res.writeHead(401, { 'www-authenticate': nonces.challenge() }).end();
      return;
    }
    if (req.method === 'PUT') return void res.writeHead(204).end();
    const body = files[path];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, SERVER_IP, () => resolve()));
  url = `http://${SERVER_IP}:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  files = {};
  protectedPaths = new Set();
  hits.length = 0;
});

let n = 0;
function phone(spec: Pick<PhoneSpec, 'vendor' | 'model' | 'firmware'>, mac: string): EmulatedPhone {
  n++;
  return new EmulatedPhone({ ...spec, ip: `127.0.27.${n}`, mac: mac as Mac, factory: false }, adapter(spec.vendor));
}

describe('Yealink boot', () => {
  const mac = '001565270001';

  it('falls back from <mac>.boot to y000000000000.boot, follows its model-filtered includes, from its own address and UA', async () => {
    files['y000000000000.boot'] =
      '#!version:1.0.0.1\n[T46U]include:config "y000000000108.cfg"\n[T48G]include:config "y000000000035.cfg"\noverwrite_mode = 1\n';
    files['y000000000108.cfg'] = '#!version:1.0.0.1\nsip.trust_ctrl = 1\n';
    const p = phone({ vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45' }, mac);
    const report = await p.boot(url);
    expect(hits.map((h) => h.path)).toEqual([`${mac}.boot`, 'y000000000000.boot', 'y000000000108.cfg']);
    expect(hits.every((h) => h.source === p.ip && h.ua === 'Yealink SIP-T46U 108.86.0.45 00:15:65:27:00:01')).toBe(true);
    expect(report.files.map((f) => f.outcome)).toEqual(['missing', 'accepted', 'applied']);
    expect(report.provisioned).toBe(false); // only the shared file
    expect(p.behaviour().trustedOnly).toBe(true);
  });

  it('rejects a malformed CFG whole and keeps the settings it had', async () => {
    files[`${mac}.boot`] = `#!version:1.0.0.1\ninclude:config "good.cfg"\ninclude:config "bad.cfg"\n`;
    files['good.cfg'] = '#!version:1.0.0.1\nsip.trust_ctrl = 1\n';
    files['bad.cfg'] = 'sip.trust_ctrl = 0\nfeatures.direct_ip_call_enable = 0\n'; // no version header
    const p = phone({ vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45' }, mac);
    const report = await p.boot(url);
    expect(report.files.find((f) => f.file === 'bad.cfg')).toMatchObject({ outcome: 'rejected' });
    expect(report.errors.join()).toMatch(/bad\.cfg/);
    expect(p.state.effective.get('sip.trust_ctrl')).toBe('1');
    expect(p.state.effective.get('features.direct_ip_call_enable')).toBe('1');
  });

  it('answers a Digest challenge with the provisioning credentials an earlier file delivered', async () => {
    files[`${mac}.boot`] = `#!version:1.0.0.1\ninclude:config "y000000000108.cfg"\ninclude:config "${mac}.cfg"\n`;
    files['y000000000108.cfg'] =
      `#!version:1.0.0.1\nstatic.auto_provision.server.username = ${PROV.user}\nstatic.auto_provision.server.password = ${PROV.pass}\n`;
    files[`${mac}.cfg`] = '#!version:1.0.0.1\naccount.1.enable = 1\n';
    protectedPaths.add(`${mac}.cfg`);
    const p = phone({ vendor: 'yealink', model: 'T46U', firmware: '108.86.0.45' }, mac);
    const report = await p.boot(url);
    expect(report.files.find((f) => f.file === `${mac}.cfg`)).toMatchObject({ outcome: 'applied', auth: 'digest' });
    expect(report.provisioned).toBe(true);
    expect(hits.filter((h) => h.path === `${mac}.cfg`).map((h) => h.auth)).toEqual([false, true]);
  });

  it('without credentials a protected file is recorded as denied', async () => {
    files[`${mac}.cfg`] = '#!version:1.0.0.1\n';
    protectedPaths.add(`${mac}.cfg`);
    const p = phone({ vendor: 'yealink', model: 'T46G', firmware: '28.72.0.1' }, mac); // V7x: no boot files
    const report = await p.boot(url);
    expect(hits.map((h) => h.path)).toEqual(['y000000000028.cfg', `${mac}.cfg`]);
    expect(report.files.at(-1)).toMatchObject({ status: 401, outcome: 'denied' });
  });

  it('parses boot files strictly', () => {
    expect(parseYealinkBoot('#!version:1.0.0.1\n[T46G,T48G]include:config "a.cfg"\ninclude:config "b.cfg"\n', 'T48G')).toEqual([
      'a.cfg',
      'b.cfg',
    ]);
    expect(() => parseYealinkBoot('include:config "a.cfg"\n', 'T46G')).toThrow(/header/);
    expect(() => parseYealinkBoot('#!version:1.0.0.1\n<html>\n', 'T46G')).toThrow();
  });
});

describe('Polycom boot', () => {
  const mac = '0004f2270001';

  it('falls back to 000000000000.cfg, fetches its CONFIG_FILES (first listed wins), the override, then uploads its log', async () => {
    files['000000000000.cfg'] = '<APPLICATION APP_FILE_PATH="sip.ld" CONFIG_FILES="[PHONE_MAC_ADDRESS]-site.cfg, common.cfg"/>';
    files[`${mac}-site.cfg`] =
      '<polycomConfig call.autoAnswer.SIP="0" voIpProt.SIP.requestValidation.1.request="INVITE" voIpProt.SIP.requestValidation.1.method="source"/>';
    files['common.cfg'] = '<polycomConfig call.autoAnswer.SIP="1" voIpProt.SIP.local.port="5070"/>';
    const p = phone({ vendor: 'polycom', model: 'VVX_150', firmware: '6.4.1.2280' }, mac);
    await p.boot(url);
    expect(hits.map((h) => `${h.method} ${h.path}`)).toEqual([
      `GET ${mac}.cfg`,
      'GET 000000000000.cfg',
      `GET ${mac}-site.cfg`,
      'GET common.cfg',
      `GET ${mac}-phone.cfg`,
      `PUT ${mac}-app.log`,
    ]);
    expect(hits[0]!.ua).toBe('FileTransport PolycomVVX-VVX_150-UA/6.4.1.2280 Type/Application');
    expect(p.behaviour()).toMatchObject({ autoAnswer: false, inviteRequestValidation: 'source', sipPort: 5070 });
  });

  it('an admin password needs its .set companions', async () => {
    files[`${mac}.cfg`] = '<APPLICATION CONFIG_FILES="a.cfg"/>';
    files['a.cfg'] = '<polycomConfig device.auth.localAdminPassword="No-Set-1"/>';
    const p = phone({ vendor: 'polycom', model: 'VVX_150', firmware: '6.4.1.2280' }, mac);
    await p.boot(url);
    expect(p.behaviour().adminPassword).toBe('456');
    p.applyFile('b.cfg', '<polycomConfig device.set="1" device.auth.localAdminPassword.set="1"/>');
    expect(p.behaviour().adminPassword).toBe('No-Set-1');
  });
});

describe('Grandstream boot', () => {
  const mac = '000b82270001';

  it('stops at the first file applied, and rejects a file naming another MAC', async () => {
    files[`cfg${mac}.xml`] =
      '<gs_provision version="1"><mac>000b82999999</mac><config version="1"><P1310>1</P1310></config></gs_provision>';
    files['cfggxp2140.xml'] = '<gs_provision version="1"><config version="1"><P2347>1</P2347></config></gs_provision>';
    files['cfg.xml'] = '<gs_provision version="1"><config version="1"><P90>1</P90></config></gs_provision>';
    const p = phone({ vendor: 'grandstream', model: 'GXP2140', firmware: '1.0.9.14' }, mac);
    const report = await p.boot(url);
    expect(hits.map((h) => h.path)).toEqual([`cfg${mac}.xml`, 'cfggxp2140.xml']);
    expect(hits[0]!.ua).toBe(`Grandstream Model HW GXP2140 SW 1.0.9.14 DevId ${mac}`);
    expect(report.files.map((f) => f.outcome)).toEqual(['rejected', 'applied']);
    expect(p.behaviour()).toMatchObject({ directIpCalls: true, trustedOnly: true, autoAnswer: false });
  });
});
