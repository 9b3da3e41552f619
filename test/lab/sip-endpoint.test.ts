import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import type { Mac } from '../../src/model/mac.js';
import { EmulatedPhone, type PhoneSpec } from '../../src/lab/phone.js';
import { header } from '../../src/lab/sip-message.js';
import { byStatus, cseqMethod, SipProbe } from './sip-probe.js';

// this file's own loopback range: 127.0.21.0/24
const PROBE_IP = '127.0.21.200';
const REGISTRAR_IP = '127.0.21.250';
const adapter = (id: string) => VENDORS.find((v) => v.id === id)!;

let next = 1;
const phones: EmulatedPhone[] = [];
let probe: SipProbe;
let registrar: SipProbe;

async function phone(spec: Omit<PhoneSpec, 'ip' | 'mac' | 'factory'> & { files?: [string, string][] }): Promise<EmulatedPhone> {
  const n = next++;
  const oui = { yealink: '001565', polycom: '0004f2', grandstream: '000b82' }[spec.vendor];
  const p = new EmulatedPhone(
    {
      ...spec,
      ip: `127.0.21.${n}`,
      mac: `${oui}21${n.toString(16).padStart(4, '0')}` as Mac,
      factory: !spec.files,
      ringTimeoutMs: spec.ringTimeoutMs ?? 5000,
    },
    adapter(spec.vendor),
  );
  for (const [name, body] of spec.files ?? []) expect(p.applyFile(name, body).ok).toBe(true);
  await p.start();
  phones.push(p);
  return p;
}

const target = (p: EmulatedPhone, port?: number) => ({ ip: p.ip, port: port ?? p.manifest().sipPort! });
const kv = (...lines: string[]) => ['#!version:1.0.0.1', ...lines].join('\n') + '\n';
const polycomXml = (attrs: Record<string, string>) =>
  `<?xml version="1.0"?><polycomConfig ${Object.entries(attrs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ')}/>`;
const gsXml = (values: Record<string, string>) =>
  `<?xml version="1.0"?><gs_provision version="1"><config version="1">${Object.entries(values)
    .map(([k, v]) => `<${k}>${v}</${k}>`)
    .join('')}</config></gs_provision>`;

beforeAll(async () => {
  probe = await SipProbe.open(PROBE_IP);
  registrar = await SipProbe.open(REGISTRAR_IP);
});

afterEach(async () => {
  await Promise.all(phones.splice(0).map((p) => p.stop()));
  probe.drain();
  registrar.drain();
});

afterAll(async () => {
  await probe.close();
  await registrar.close();
});

describe('factory-default phones ring for anyone', () => {
  it('Yealink answers OPTIONS with its User-Agent and Allow list, rings an INVITE, and CANCEL ends it with 487', async () => {
    const p = await phone({ vendor: 'yealink', model: 'T46G', firmware: '28.72.0.1' });
    probe.send(target(p), { method: 'OPTIONS' });
    const ok = await probe.expect(byStatus(200));
    expect(ok).toBeDefined();
    expect(header(ok!.headers, 'user-agent')).toBe('Yealink SIP-T46G 28.72.0.1');
    expect(header(ok!.headers, 'allow')).toContain('INVITE');

    const ids = probe.send(target(p), { method: 'INVITE', extra: [['Content-Type', 'application/sdp']] });
    expect(await probe.expect(byStatus(100, ids.callId))).toBeDefined();
    const ringing = await probe.expect(byStatus(180, ids.callId));
    expect(ringing).toBeDefined();
    expect(header(ringing!.headers, 'to')).toMatch(/;tag=/);
    expect(header(ringing!.headers, 'via')).toContain(ids.branch);
    expect(p.sipEndpoints[0]!.activeCalls).toBe(1);

    probe.send(target(p), { method: 'CANCEL', callId: ids.callId, branch: ids.branch });
    const cancelOk = await probe.expect((r) => r.status === 200 && cseqMethod(r) === 'CANCEL');
    expect(cancelOk).toBeDefined();
    const terminated = await probe.expect(byStatus(487, ids.callId));
    expect(terminated).toBeDefined();
    expect(cseqMethod(terminated!)).toBe('INVITE');
    expect(p.sipEndpoints[0]!.activeCalls).toBe(0);
  });

  it('Polycom and Grandstream identify themselves in their vendor format', async () => {
    const poly = await phone({ vendor: 'polycom', model: 'VVX_150', firmware: '6.4.1.2280' });
    const gxp = await phone({ vendor: 'grandstream', model: 'GXP1625', firmware: '1.0.7.79' });
    probe.send(target(poly), { method: 'OPTIONS' });
    expect(header((await probe.expect(byStatus(200)))!.headers, 'user-agent')).toBe('PolycomVVX-VVX_150-UA/6.4.1.2280');
    probe.send(target(gxp), { method: 'OPTIONS' });
    expect(header((await probe.expect(byStatus(200)))!.headers, 'server')).toBe('Grandstream GXP1625 1.0.7.79');
  });

  it('the ring timeout ends an unanswered call with 480', async () => {
    const p = await phone({ vendor: 'grandstream', model: 'GXP2140', firmware: '1.0.9.14', ringTimeoutMs: 200 });
    const ids = probe.send(target(p), { method: 'INVITE' });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();
    expect(await probe.expect(byStatus(480, ids.callId), 2000)).toBeDefined();
  });

  it('a Grandstream after factory reset listens on every account port', async () => {
    const p = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103' });
    expect(p.manifest().sipPorts).toEqual([5060, 5062, 5064, 5066]);
    const ids = probe.send(target(p, 5064), { method: 'INVITE' });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();
  });

  it('GRP auto-answers an INVITE asking for it with Call-Info (factory "allow auto answer by Call-Info")', async () => {
    const p = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103' });
    const ids = probe.send(target(p), { method: 'INVITE', extra: [['Call-Info', '<sip:probe>;answer-after=0']] });
    const answered = await probe.expect(byStatus(200, ids.callId));
    expect(answered?.body).toContain('m=audio');
  });

  it('ignores malformed datagrams and keeps answering', async () => {
    const p = await phone({ vendor: 'yealink', model: 'T46G', firmware: '28.72.0.1' });
    probe.sendRaw(target(p), 'garbage\r\n\r\n');
    probe.sendRaw(target(p), 'INVITE sip:x SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n'); // no Via/From/To/Call-ID
    expect(await probe.expect(() => true, 200)).toBeUndefined();
    probe.send(target(p), { method: 'OPTIONS' });
    expect(await probe.expect(byStatus(200))).toBeDefined();
  });
});

describe('hardened phones', () => {
  it('Yealink with trust control silently drops SIP from anyone but its server', async () => {
    const p = await phone({
      vendor: 'yealink',
      model: 'T46G',
      firmware: '28.81.0.110',
      files: [['y000000000028.cfg', kv('sip.trust_ctrl = 1', `account.1.enable = 1`, `account.1.sip_server.1.address = ${REGISTRAR_IP}`)]],
    });
    expect(p.behaviour().trustedOnly).toBe(true);
    probe.send(target(p), { method: 'OPTIONS' });
    probe.send(target(p), { method: 'INVITE' });
    expect(await probe.expect(() => true, 300)).toBeUndefined();
    registrar.send(target(p), { method: 'OPTIONS' });
    expect(await registrar.expect(byStatus(200))).toBeDefined();
  });

  it('V7x Yealink honours only the per-account trust switch', async () => {
    const global = await phone({ vendor: 'yealink', model: 'T41P', firmware: '36.72.0.1', files: [['a.cfg', kv('sip.trust_ctrl = 1')]] });
    expect(global.behaviour().trustedOnly).toBe(false);
    const perAccount = await phone({
      vendor: 'yealink',
      model: 'T41P',
      firmware: '36.72.0.1',
      files: [['b.cfg', kv('account.1.sip_trust_ctrl = 1')]],
    });
    expect(perAccount.behaviour().trustedOnly).toBe(true);
  });

  it('Polycom with source validation answers OPTIONS but refuses an INVITE from a stranger with 403', async () => {
    const p = await phone({
      vendor: 'polycom',
      model: 'VVX_150',
      firmware: '6.4.1.2280',
      files: [
        [
          'x-ghostguard.cfg',
          polycomXml({
            'reg.1.address': '1001',
            'reg.1.server.1.address': REGISTRAR_IP,
            'voIpProt.SIP.requestValidation.1.request': 'INVITE',
            'voIpProt.SIP.requestValidation.1.method': 'source',
          }),
        ],
      ],
    });
    probe.send(target(p), { method: 'OPTIONS' });
    expect(await probe.expect(byStatus(200))).toBeDefined();
    const ids = probe.send(target(p), { method: 'INVITE' });
    expect(await probe.expect(byStatus(403, ids.callId))).toBeDefined();
    expect(await probe.expect(byStatus(180, ids.callId), 200)).toBeUndefined();
    const fromServer = registrar.send(target(p), { method: 'INVITE', user: '1001' });
    expect(await registrar.expect(byStatus(180, fromServer.callId))).toBeDefined();
  });

  it('Polycom with digest validation challenges the INVITE', async () => {
    const p = await phone({
      vendor: 'polycom',
      model: 'Trio_8800',
      firmware: '7.2.2.1094',
      files: [
        [
          'x.cfg',
          polycomXml({ 'voIpProt.SIP.requestValidation.1.request': 'INVITE', 'voIpProt.SIP.requestValidation.1.method': 'digest' }),
        ],
      ],
    });
    const ids = probe.send(target(p), { method: 'INVITE' });
    const challenge = await probe.expect(byStatus(401, ids.callId));
    expect(header(challenge!.headers, 'www-authenticate')).toMatch(/^Digest realm="PolycomSPIP"/);
  });

  it('Grandstream: "proxy only" on account 1 drops there, an unhardened account 2 still rings; P1310 refuses IP calls', async () => {
    const p = await phone({
      vendor: 'grandstream',
      model: 'GXP2140',
      firmware: '1.0.9.14',
      files: [['cfg.xml', gsXml({ P2347: '1', P47: `${REGISTRAR_IP}:5060` })]],
    });
    expect(p.behaviour().trustedSources).toEqual([REGISTRAR_IP]);
    probe.send(target(p, 5060), { method: 'OPTIONS' });
    expect(await probe.expect(() => true, 300)).toBeUndefined();
    const ids = probe.send(target(p, 5062), { method: 'INVITE' });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();

    const noIp = await phone({
      vendor: 'grandstream',
      model: 'GXP2140',
      firmware: '1.0.9.14',
      files: [['cfg.xml', gsXml({ P1310: '1' })]],
    });
    const refused = probe.send(target(noIp), { method: 'INVITE' });
    expect(await probe.expect(byStatus(403, refused.callId))).toBeDefined();
  });

  it('alias-format settings reach the same switches on GRP firmware that reads them', async () => {
    const alias =
      `<?xml version="1.0"?><gs_provision version="1"><config version="2">` +
      '<item name="account.1.sip.validate.incomingServer">Yes</item><item name="call.ipcall.enable">No</item>' +
      '<item name="account.2.enable">No</item><item name="account.3.enable">No</item><item name="account.4.enable">No</item></config></gs_provision>';
    const p = await phone({ vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103', files: [['cfg.xml', alias]] });
    expect(p.behaviour()).toMatchObject({ trustedOnly: true, directIpCalls: false, accountsActive: 1 });
    expect(p.manifest().sipPorts).toEqual([5060]);
    const old = new EmulatedPhone(
      { vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.3.6', ip: '127.0.21.199', mac: '000b82219999' as Mac, factory: false },
      adapter('grandstream'),
    );
    expect(old.applyFile('cfg.xml', alias)).toMatchObject({ ok: false });
  });
});

describe('RFC 3261 request handling', () => {
  it('an INVITE with an unknown Require option gets 420 with Unsupported, without ringing', async () => {
    const p = await phone({ vendor: 'yealink', model: 'T46G', firmware: '28.72.0.1' });
    const ids = probe.send(target(p), { method: 'INVITE', extra: [['Require', 'x-ghostguard-probe']] });
    const bad = await probe.expect(byStatus(420, ids.callId));
    expect(bad).toBeDefined();
    expect(header(bad!.headers, 'unsupported')).toBe('x-ghostguard-probe');
    expect(await probe.expect(byStatus(180, ids.callId), 200)).toBeUndefined();
    expect(p.sipEndpoints[0]!.activeCalls).toBe(0);
  });

  it('a retransmitted INVITE gets the same 180 and does not start a second call; BYE without a call gets 481', async () => {
    const p = await phone({ vendor: 'polycom', model: 'VVX_400', firmware: '4.1.4.7430' });
    const ids = probe.send(target(p), { method: 'INVITE' });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();
    probe.send(target(p), { method: 'INVITE', callId: ids.callId, branch: ids.branch });
    expect(await probe.expect(byStatus(180, ids.callId))).toBeDefined();
    expect(p.sipEndpoints[0]!.activeCalls).toBe(1);
    probe.send(target(p), { method: 'BYE', cseq: 2 });
    expect(await probe.expect(byStatus(481))).toBeDefined();
  });
});
