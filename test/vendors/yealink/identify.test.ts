/** Yealink identification against real captured User-Agent, SIP and HTTP strings. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { yealink } from '../../../vendors/yealink/index.js';
import { parseUserAgent } from '../../../vendors/yealink/user-agent.js';
import { parseMac } from '../../../src/model/mac.js';
import { IDENTIFY_LEVELS, type Observation } from '../../../src/model/vendor-contract.js';

interface Fixtures {
  http: { ua: string; model: string; firmware: string; mac: string | null }[];
  sip: { ua: string; model: string; firmware: string }[];
  web: (Observation & { level: keyof typeof IDENTIFY_LEVELS; model?: string; firmware?: string })[];
  notYealink: string[];
}

const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/yealink-user-agents.json'), 'utf8')) as Fixtures;
const get = (fileName: string, userAgent: string) => yealink.identifyRequest({ fileName, method: 'GET', userAgent });

describe('yealink User-Agent parsing', () => {
  it.each(fixtures.http.map((f) => [f.ua, f] as const))('HTTP %s', (_ua, f) => {
    const agent = parseUserAgent(f.ua);
    expect(agent).toEqual({ model: f.model, firmware: f.firmware, ...(f.mac ? { mac: f.mac } : {}) });
  });

  it.each(fixtures.sip.map((f) => [f.ua, f] as const))('SIP %s', (_ua, f) => {
    expect(parseUserAgent(f.ua)).toEqual({ model: f.model, firmware: f.firmware });
    expect(yealink.identifyObservation({ sipUserAgent: f.ua })).toEqual({
      level: IDENTIFY_LEVELS.model,
      model: f.model,
      firmware: f.firmware,
    });
    expect(yealink.identifyObservation({ sipServer: f.ua }).level).toBe(IDENTIFY_LEVELS.model);
  });

  it.each(fixtures.notYealink)('ignores %s', (ua) => {
    expect(parseUserAgent(ua)).toBeUndefined();
    expect(yealink.identifyObservation({ sipUserAgent: ua }).level).toBe(IDENTIFY_LEVELS.none);
  });
});

describe('yealink request identification', () => {
  const withMac = fixtures.http.filter((f) => f.mac);

  it.each(withMac.map((f) => [f.ua, f] as const))('MAC file fetched by %s is exact', (_ua, f) => {
    const id = get(`${f.mac}.cfg`, f.ua);
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.exact, model: f.model, firmware: f.firmware, uaMac: f.mac });
    expect(id.file).toEqual({ name: `${f.mac}.cfg`, kind: 'device', mac: f.mac, secret: true, upload: false });
  });

  it('accepts an uppercase MAC in the path and normalises it', () => {
    const id = get('0015654AA937.cfg', 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37');
    expect(id.level).toBe(IDENTIFY_LEVELS.exact);
    expect(id.file.mac).toBe('0015654aa937');
    expect(id.file.name).toBe('0015654AA937.cfg');
  });

  it('knows the file kinds', () => {
    const ua = 'Yealink SIP-T54W 96.86.0.45 00:15:65:12:34:56';
    expect(get('001565123456.boot', ua).file).toEqual({
      name: '001565123456.boot',
      kind: 'boot',
      mac: '001565123456',
      secret: false,
      upload: false,
    });
    expect(get('y000000000000.boot', ua).file).toEqual({ name: 'y000000000000.boot', kind: 'boot', secret: false, upload: false });
    expect(get('y000000000096.cfg', ua).file).toEqual({
      name: 'y000000000096.cfg',
      kind: 'common',
      model: 'T54W',
      secret: false,
      upload: false,
    });
    expect(get('y000000000096.cfg', ua).level).toBe(IDENTIFY_LEVELS.exact);
    expect(get('y000000000038.cfg', ua).file.model).toBeUndefined();
  });

  it('lowers the level when the User-Agent MAC is another phone', () => {
    const id = get('001565123456.cfg', 'Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37');
    expect(id.level).toBe(IDENTIFY_LEVELS.model);
    expect(id.uaMac).toBe('0015654aa937');
    expect(id.file.mac).toBe('001565123456');
  });

  it('gives model level to <mac>.cfg fetched by the old MAC-less User-Agent', () => {
    expect(get('001565123456.cfg', 'Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0')).toMatchObject({
      level: IDENTIFY_LEVELS.model,
      model: 'T46G',
      firmware: '28.71.0.81',
    });
  });

  it('without a Yealink User-Agent relies on the name and the OUI', () => {
    expect(get('y000000000028.cfg', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('001565123456.boot', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('001565123456.cfg', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('0004f2123456.cfg', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.weak);
  });

  it.each([
    '001565123456-local.cfg',
    '../001565123456.cfg',
    'a/001565123456.cfg',
    '00156512345g.cfg',
    '00156512345.cfg',
    '0015651234567.cfg',
    '000000000000.cfg',
    'ffffffffffff.cfg',
    '011565123456.cfg',
    'y00000000028.cfg',
    'Y000000000028.cfg',
    'y000000000028.CFG',
    'y000000000028.cfg.bak',
    '001565123456.xml',
    'index.html',
    '',
  ])('does not serve %j', (fileName) => {
    const id = get(fileName, 'Yealink SIP-T46G 28.72.0.1 00:15:65:12:34:56');
    expect(id.level).toBe(IDENTIFY_LEVELS.none);
    expect(id.file).toEqual({ name: fileName, kind: 'common', secret: false, upload: false });
  });

  it('does not accept uploads', () => {
    const id = yealink.identifyRequest({
      fileName: '001565123456.cfg',
      method: 'PUT',
      userAgent: 'Yealink SIP-T46G 28.72.0.1 00:15:65:12:34:56',
    });
    expect(id.level).toBe(IDENTIFY_LEVELS.none);
  });

  it('asks for lowercase names in the boot sequence', () => {
    const seq = yealink.bootSequence(parseMac('0015654aa937')!, 'T46G', '28.81.0.110');
    expect(seq.map((s) => s.fileName)).toEqual(['0015654aa937.boot', 'y000000000028.cfg', '0015654aa937.cfg']);
    expect(seq[0]!.userAgent).toBe('Yealink SIP-T46G 28.81.0.110 00:15:65:4a:a9:37');
    expect(yealink.bootSequence(parseMac('0015654aa937')!, 'T46G', '28.72.0.1').map((s) => s.fileName)).toEqual([
      'y000000000028.cfg',
      '0015654aa937.cfg',
    ]);
  });
});

describe('yealink observation identification', () => {
  it.each(fixtures.web.map((f) => [JSON.stringify(f), f] as const))('%s', (_label, f) => {
    const { level, model, firmware, ...obs } = f;
    const id = yealink.identifyObservation(obs as Observation);
    expect(id.level).toBe(IDENTIFY_LEVELS[level]);
    if (model) expect(id).toEqual({ level: IDENTIFY_LEVELS[level], model, firmware });
  });

  it('treats the OUI alone as weak and other devices as none', () => {
    expect(yealink.identifyObservation({ mac: parseMac('805ec0123456')! }).level).toBe(IDENTIFY_LEVELS.weak);
    expect(yealink.identifyObservation({ httpServer: 'lighttpd/1.4.59', httpTitle: 'Grandstream Device Configuration' }).level).toBe(
      IDENTIFY_LEVELS.none,
    );
    expect(yealink.identifyObservation({ httpBody: '{"phoneName":"Kitchen","firmware":"1.2.3.4"}' }).level).toBe(IDENTIFY_LEVELS.none);
  });
});
