/** Poly identification against captured User-Agent strings and file names. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDENTIFY_LEVELS } from '../../../src/model/vendor-contract.js';
import { parseMac } from '../../../src/model/mac.js';
import { polycom } from '../../../vendors/polycom/index.js';

interface AgentFixture {
  ua: string;
  model: string;
  known: boolean;
  firmware: string | null;
  mac?: string;
}
interface Fixtures {
  provisioning: AgentFixture[];
  sip: AgentFixture[];
  httpServer: string[];
  restDeviceInfo: { body: string; model: string; firmware: string };
  foreign: string[];
}

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/polycom-user-agents.json'), 'utf8')) as Fixtures;
const MAC = '0004f2123456';
const VVX = 'FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application';
const get = (fileName: string, userAgent = VVX, method: 'GET' | 'PUT' | 'HEAD' = 'GET') =>
  polycom.identifyRequest({ fileName, method, userAgent });

describe('polycom identifyRequest', () => {
  it.each(fixtures.provisioning)('reads model and firmware from $ua', (f) => {
    const id = get(`${MAC}-ghostguard.cfg`, f.ua);
    expect(id.level).toBe(f.known ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor);
    expect(id.model).toBe(f.model);
    expect(id.firmware).toBe(f.firmware ?? undefined);
    expect(id.uaMac).toBeUndefined();
    expect(id.file).toEqual({ name: `${MAC}-ghostguard.cfg`, kind: 'device', mac: MAC, secret: true, upload: false });
  });

  it('never reaches exact: the provisioning User-Agent carries no MAC', () => {
    for (const f of fixtures.provisioning) expect(get(`${MAC}.cfg`, f.ua).level).toBeLessThan(IDENTIFY_LEVELS.exact);
  });

  it('classifies every Poly file name', () => {
    expect(get('000000000000.cfg').file).toEqual({ name: '000000000000.cfg', kind: 'boot', secret: false, upload: false });
    expect(get(`${MAC}.cfg`).file).toEqual({ name: `${MAC}.cfg`, kind: 'boot', mac: MAC, secret: false, upload: false });
    expect(get(`${MAC}-phone.cfg`).file).toMatchObject({ kind: 'override', secret: true, upload: false });
    expect(get(`${MAC}-phone.cfg`, VVX, 'PUT').file).toMatchObject({ kind: 'override', secret: true, upload: true });
    expect(get(`${MAC}-web.cfg`, VVX, 'PUT').file).toMatchObject({ kind: 'override', secret: true, upload: true });
    expect(get(`${MAC}-app.log`, VVX, 'PUT').file).toMatchObject({ kind: 'log', secret: false, upload: true, mac: MAC });
    expect(get(`${MAC}-boot.log`, VVX, 'PUT').file).toMatchObject({ kind: 'log', secret: false, upload: true });
    expect(get(`${MAC}-ghostguard.cfg`, VVX, 'HEAD').level).toBe(IDENTIFY_LEVELS.model);
  });

  it('normalises an uppercase MAC but keeps the requested name', () => {
    const id = get('0004F2ABCDEF-ghostguard.cfg');
    expect(id.level).toBe(IDENTIFY_LEVELS.model);
    expect(id.file.mac).toBe(parseMac('00:04:f2:ab:cd:ef'));
    expect(id.file.name).toBe('0004F2ABCDEF-ghostguard.cfg');
  });

  it.each([
    `${MAC}-license.cfg`,
    `${MAC}-directory.xml`,
    `${MAC}-user.cfg`,
    `0004f212345-ghostguard.cfg`,
    `0004f21234567-ghostguard.cfg`,
    `0004f2g23456-ghostguard.cfg`,
    `010000000000-ghostguard.cfg`,
    `000000000000-ghostguard.cfg`,
    `ffffffffffff.cfg`,
    `../${MAC}-ghostguard.cfg`,
    `${MAC}-ghostguard.cfg/..`,
    `${MAC}.CFG`,
    'y000000000000.cfg',
    `cfg${MAC}.xml`,
    'sip.ld',
    '',
  ])('does not serve %s', (fileName) => {
    const id = get(fileName);
    expect(id.level).toBe(IDENTIFY_LEVELS.none);
    expect(id.file).toEqual({ name: fileName, kind: 'common', secret: false, upload: false });
  });

  it('accepts uploads only where the phone uploads', () => {
    expect(get(`${MAC}-ghostguard.cfg`, VVX, 'PUT').level).toBe(IDENTIFY_LEVELS.none);
    expect(get(`${MAC}.cfg`, VVX, 'PUT').level).toBe(IDENTIFY_LEVELS.none);
    expect(get(`${MAC}-app.log`, VVX, 'GET').level).toBe(IDENTIFY_LEVELS.none);
  });

  it('without a Poly User-Agent, trusts the name only as far as the OUI goes', () => {
    expect(get(`${MAC}-ghostguard.cfg`, 'curl/8.0').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('482567000001.cfg', '').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('001565123456.cfg', fixtures.foreign[0]).level).toBe(IDENTIFY_LEVELS.weak);
    expect(get('000000000000.cfg', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.weak);
  });

  it('announces the boot sequence with User-Agents it recognises', () => {
    for (const model of polycom.models) {
      for (const firmware of model.firmwares) {
        const steps = polycom.bootSequence(parseMac(MAC)!, model.id, firmware);
        expect(steps.map((s) => `${s.method} ${s.fileName}`)).toEqual([
          `GET ${MAC}.cfg`,
          'GET 000000000000.cfg',
          `GET ${MAC}-ghostguard.cfg`,
          `GET ${MAC}-phone.cfg`,
          `PUT ${MAC}-app.log`,
        ]);
        for (const s of steps)
          expect(polycom.identifyRequest(s)).toMatchObject({ level: IDENTIFY_LEVELS.model, model: model.id, firmware });
      }
    }
    expect(polycom.bootSequence(parseMac(MAC)!, 'SPIP_335', '3.2.1.0078')[0]!.userAgent).toBe(
      'FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078',
    );
    expect(polycom.bootSequence(parseMac(MAC)!, 'VVX_400', '4.1.4.7430')[0]!.userAgent).toBe(VVX);
  });
});

describe('polycom identifyObservation', () => {
  it.each(fixtures.sip)('reads the SIP User-Agent $ua', (f) => {
    const id = polycom.identifyObservation({ sipUserAgent: f.ua });
    expect(id).toEqual({ level: f.known ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, model: f.model, firmware: f.firmware });
    expect(polycom.identifyObservation({ sipServer: f.ua })).toEqual(id);
  });

  it('recognises the SoundPoint web server as the vendor only', () => {
    for (const server of fixtures.httpServer)
      expect(polycom.identifyObservation({ httpServer: server })).toEqual({ level: IDENTIFY_LEVELS.vendor });
  });

  it('reads model and firmware from the REST device info', () => {
    const { body, model, firmware } = fixtures.restDeviceInfo;
    expect(polycom.identifyObservation({ httpBody: body })).toEqual({ level: IDENTIFY_LEVELS.model, model, firmware });
    const other = JSON.stringify({ data: { ModelNumber: 'GXP2140', FirmwareRelease: '1.0.9.14', DeviceVendor: 'Grandstream' } });
    expect(polycom.identifyObservation({ httpBody: other }).level).toBe(IDENTIFY_LEVELS.none);
    expect(polycom.identifyObservation({ httpBody: '<html><title>Polycom</title></html>' }).level).toBe(IDENTIFY_LEVELS.none);
  });

  it('keeps SNMP and OUI hints weak', () => {
    expect(polycom.identifyObservation({ sysObjectId: '1.3.6.1.4.1.2684.1.1' }).level).toBe(IDENTIFY_LEVELS.weak);
    expect(polycom.identifyObservation({ sysObjectId: '.1.3.6.1.4.1.13885.101' }).level).toBe(IDENTIFY_LEVELS.weak);
    expect(polycom.identifyObservation({ sysObjectId: '1.3.6.1.4.1.26840' }).level).toBe(IDENTIFY_LEVELS.none);
    expect(polycom.identifyObservation({ mac: parseMac('64:16:7f:00:00:01')! }).level).toBe(IDENTIFY_LEVELS.weak);
  });

  it('prefers the most specific answer', () => {
    const sip = fixtures.sip[0]!;
    expect(
      polycom.identifyObservation({ httpServer: fixtures.httpServer[0], sipUserAgent: sip.ua, mac: parseMac('48:25:67:16:48:87')! }),
    ).toMatchObject({ level: IDENTIFY_LEVELS.model, model: sip.model });
  });

  it.each(fixtures.foreign)('does not claim %s', (ua) => {
    expect(polycom.identifyObservation({ sipUserAgent: ua, httpServer: ua }).level).toBe(IDENTIFY_LEVELS.none);
    expect(get(`${MAC}-ghostguard.cfg`, ua).model).toBeUndefined();
  });
});
