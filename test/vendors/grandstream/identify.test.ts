/** Grandstream identification from real captured strings (test/fixtures/grandstream-user-agents.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grandstream } from '../../../vendors/grandstream/index.js';
import { IDENTIFY_LEVELS, type Observation } from '../../../src/model/vendor-contract.js';
import { parseMac } from '../../../src/model/mac.js';
import { parseProvisioningUserAgent } from '../../../vendors/grandstream/user-agent.js';

interface Fixtures {
  provisioning: { userAgent: string; model: string; firmware: string; mac: string }[];
  sip: { header: keyof Observation; value: string; model: string; firmware: string; known?: boolean }[];
  http: { header: keyof Observation; value: string; model?: string; firmware?: string }[];
}

const FIXTURES = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/grandstream-user-agents.json'), 'utf8')) as Fixtures;
const get = (fileName: string, userAgent: string) => grandstream.identifyRequest({ fileName, method: 'GET', userAgent });

describe('grandstream provisioning User-Agent', () => {
  it.each(FIXTURES.provisioning.map((f) => [f.userAgent, f] as const))('%s', (_ua, f) => {
    expect(parseProvisioningUserAgent(f.userAgent)).toEqual({ model: f.model, firmware: f.firmware, mac: f.mac });
  });

  it('identifies a known model exactly when path and DevId agree', () => {
    const id = get('cfgec74d7800474.xml', FIXTURES.provisioning[0]!.userAgent);
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.exact, model: 'GRP2616', firmware: '1.0.13.59', uaMac: 'ec74d7800474' });
    expect(id.file).toEqual({ name: 'cfgec74d7800474.xml', kind: 'device', mac: 'ec74d7800474', secret: true, upload: false });
  });

  it('normalises an upper-case path and a colon DevId', () => {
    const id = get('CFGEC74D7891A76.XML', 'Grandstream Model HW GRP2614 SW 1.0.9.103 DevId EC:74:D7:89:1A:76');
    expect(id.level).toBe(IDENTIFY_LEVELS.exact);
    expect(id.file.mac).toBe('ec74d7891a76');
    expect(id.uaMac).toBe('ec74d7891a76');
  });

  it('downgrades a request whose path MAC differs from the DevId', () => {
    const id = get('cfg000b82000001.xml', 'Grandstream Model HW GXP2140 SW 1.0.9.14 DevId 000b82000002');
    expect(id.level).toBe(IDENTIFY_LEVELS.vendor);
    expect(id.uaMac).toBe('000b82000002');
    expect(id.file.mac).toBe('000b82000001');
  });

  it('names shared files', () => {
    const ua = 'Grandstream Model HW GXP2140 SW 1.0.9.14 DevId 000b82123456';
    expect(get('cfggxp2140.xml', ua)).toMatchObject({
      level: IDENTIFY_LEVELS.exact,
      file: { kind: 'common', model: 'GXP2140', secret: false },
    });
    expect(get('cfg.xml', ua)).toMatchObject({ level: IDENTIFY_LEVELS.exact, file: { kind: 'common', secret: false } });
    expect(get('cfggrp2614.xml', ua).level).toBe(IDENTIFY_LEVELS.vendor);
  });

  it('gives vendor level to an unknown model and to paths without a User-Agent', () => {
    expect(get('cfg000b822726c8.xml', FIXTURES.provisioning.at(-1)!.userAgent)).toMatchObject({
      level: IDENTIFY_LEVELS.vendor,
      model: 'GXP2000',
      firmware: '1.2.5.3',
    });
    expect(get('cfg000b82123456.xml', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.vendor);
    expect(get('cfg001565123456.xml', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.weak);
    expect(get('cfg.xml', 'curl/8.0').level).toBe(IDENTIFY_LEVELS.weak);
  });

  it.each([
    'cfg000b82123456.bin',
    'cfg000b8212345z.xml',
    'cfgffffffffffff.xml',
    '../cfg000b82123456.xml',
    'cfg000b82123456.xml.bak',
    'y000000000028.cfg',
    '000b82123456.cfg',
  ])('does not claim %s', (fileName) => {
    const id = get(fileName, 'Grandstream Model HW GXP2140 SW 1.0.9.14 DevId 000b82123456');
    expect(id.level).toBe(IDENTIFY_LEVELS.none);
    expect(id.file).toEqual({ name: fileName, kind: 'common', secret: false, upload: false });
  });

  it('does not accept uploads', () => {
    expect(
      grandstream.identifyRequest({
        fileName: 'cfg000b82123456.xml',
        method: 'PUT',
        userAgent: 'Grandstream Model HW GXP2140 SW 1.0.9.14 DevId 000b82123456',
      }).level,
    ).toBe(IDENTIFY_LEVELS.none);
  });
});

describe('grandstream observations', () => {
  it.each(FIXTURES.sip.map((f) => [f.value, f] as const))('SIP %s', (_v, f) => {
    const id = grandstream.identifyObservation({ [f.header]: f.value });
    expect(id).toEqual({ level: f.known ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, model: f.model, firmware: f.firmware });
  });

  it.each(FIXTURES.http.map((f) => [f.value, f] as const))('HTTP %s', (_v, f) => {
    const id = grandstream.identifyObservation({ [f.header]: f.value });
    expect(id.level).toBe(IDENTIFY_LEVELS.vendor);
    expect(id.model).toBe(f.model);
    expect(id.firmware).toBe(f.firmware);
  });

  it('reads model and firmware from an api.values.get reply', () => {
    const body = JSON.stringify({
      response: 'success',
      body: { phone_model: 'GXP1625', '68': '1.0.7.79', vendor_fullname: 'Grandstream Networks, Inc.' },
    });
    expect(grandstream.identifyObservation({ httpBody: body })).toEqual({
      level: IDENTIFY_LEVELS.model,
      model: 'GXP1625',
      firmware: '1.0.7.79',
    });
    expect(grandstream.identifyObservation({ httpBody: '{"response":"success","body":{"ModelNumber":"VVX 410"}}' }).level).toBe(
      IDENTIFY_LEVELS.none,
    );
    expect(grandstream.identifyObservation({ httpBody: '{not json' }).level).toBe(IDENTIFY_LEVELS.none);
  });

  it('uses SNMP enterprise 42397 and the OUI as weaker hints', () => {
    expect(grandstream.identifyObservation({ sysObjectId: '1.3.6.1.4.1.42397.1.2' }).level).toBe(IDENTIFY_LEVELS.vendor);
    expect(grandstream.identifyObservation({ mac: parseMac('c0:74:ad:00:00:01')! }).level).toBe(IDENTIFY_LEVELS.weak);
  });

  it('ignores other vendors', () => {
    for (const obs of [
      { sipUserAgent: 'Yealink SIP-T46G 28.72.0.1' },
      { sipUserAgent: 'PolycomVVX-VVX_150-UA/6.4.1.2280_482567164887' },
      { httpServer: 'lighttpd/1.4.35' },
      { sipUserAgent: 'friendly-scanner' },
    ] satisfies Observation[]) {
      expect(grandstream.identifyObservation(obs).level).toBe(IDENTIFY_LEVELS.none);
    }
  });
});
