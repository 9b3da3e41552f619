/** P-value ↔ alias translation used by the auditor, and the small value helpers behind base settings. */
import { describe, expect, it } from 'vitest';
import { aliasForPvalue, aliasToPvalue, pvalueForAlias, pvalueToAlias } from '../../../vendors/grandstream/index.js';
import { configServer, hostPort } from '../../../vendors/grandstream/base.js';
import { accountPort } from '../../../vendors/grandstream/keys.js';
import { grandstream } from '../../../vendors/grandstream/index.js';
import { resolvePolicy } from '../../../src/model/policy.js';
import { testDevice } from '../../helpers/devices.js';

describe('grandstream alias mapping', () => {
  it('translates names and drop-down words both ways', () => {
    expect(aliasToPvalue({ key: 'account.1.sip.validate.incomingServer', value: 'Yes' })).toEqual({ key: 'P2347', value: '1' });
    expect(aliasToPvalue({ key: 'account.3.sip.validate.userIdforInvite', value: 'Yes' })).toEqual({ key: 'P549', value: '1' });
    expect(aliasToPvalue({ key: 'call.ipcall.enable', value: 'No' })).toEqual({ key: 'P1310', value: '1' });
    expect(aliasToPvalue({ key: 'security.webAccessMode', value: 'HTTPS' })).toEqual({ key: 'P1650', value: '0' });
    expect(aliasToPvalue({ key: 'users.admin.password', value: 'pw', secret: true })).toEqual({ key: 'P2', value: 'pw', secret: true });
    expect(pvalueToAlias({ key: 'P26115', value: '0' })).toEqual({ key: 'account.2.sip.allowSipReset', value: 'No' });
    expect(pvalueToAlias({ key: 'P130', value: '2' })).toEqual({ key: 'account.1.sip.transport', value: 'TlsOrTcp' });
    expect(pvalueForAlias('network.snmp.enable')).toBe('P21896');
    expect(aliasForPvalue('P601')).toBe('account.4.enable');
  });

  it('has no P-value for GRP accounts beyond 4 or for unknown names', () => {
    expect(aliasToPvalue({ key: 'account.5.sip.validate.incomingServer', value: 'Yes' })).toBeUndefined();
    expect(pvalueToAlias({ key: 'P4428', value: '1' })).toBeUndefined();
    expect(aliasToPvalue({ key: 'call.ipcall.enable', value: 'Maybe' })).toBeUndefined();
  });

  it('maps every alias setting of a rendered GRP2614 device file that has a P-value', () => {
    const device = testDevice('grandstream', 'GRP2614', '00:0b:82:12:34:56');
    const compiled = grandstream.compile({
      model: 'GRP2614',
      firmware: '1.0.9.103',
      policy: resolvePolicy([{ 'sip-tls-srtp': { enabled: true } }]),
      device,
    });
    for (const c of compiled.rules.values()) {
      if (c.status !== 'applied') continue;
      for (const s of c.settings) expect(aliasToPvalue(s), s.key).toBeDefined();
    }
  });
});

describe('grandstream value helpers', () => {
  it('spaces account ports by two', () => {
    expect([1, 2, 3].map((a) => accountPort(5072, a))).toEqual([5072, 5074, 5076]);
    expect(() => accountPort(65535, 2)).toThrow();
  });

  it('formats servers and the provisioning path', () => {
    expect(hostPort('pbx.example.net', 5080)).toBe('pbx.example.net:5080');
    expect(hostPort('2001:db8::1', 5060)).toBe('[2001:db8::1]:5060');
    expect(configServer('https://prov.example.net:8443/gg/')).toEqual({ path: 'prov.example.net:8443/gg', via: '2' });
    expect(configServer('http://127.0.0.1/')).toEqual({ path: '127.0.0.1', via: '1' });
    expect(() => configServer('tftp://127.0.0.1/')).toThrow();
  });
});
