/** Who a resync reaches and why not: scope, address from the last fetch, firmware from the fetch history, auditAllow. */
import { describe, expect, it } from 'vitest';
import { planResync, type LastFetch } from '../../../src/auditor/resync/resync-plan.js';
import type { Mac } from '../../../src/model/mac.js';
import { VENDORS } from '../../../vendors/index.js';
import { inventoryFrom } from '../helpers/inventory.js';

const inventory = inventoryFrom(
  `
version: 1
sites:
  hq: { registrar: 127.137.4.250 }
  branch: { registrar: 127.137.5.250 }
devices:
  - { mac: "00:15:65:00:40:01", vendor: yealink, model: T46U, site: hq, adminPassword: generate }
  - { mac: "00:04:f2:00:40:02", vendor: polycom, model: VVX_450, site: hq, adminPassword: generate }
  - { mac: "00:04:f2:00:40:03", vendor: polycom, model: VVX_400, site: hq, adminPassword: generate }
  - { mac: "00:0b:82:00:40:04", vendor: grandstream, model: GXP2140, site: branch, adminPassword: generate }
  - { mac: "00:0b:82:00:40:05", vendor: grandstream, model: GXP2140, site: branch, adminPassword: generate, provision: false }
  - { mac: "00:15:65:00:40:06", vendor: yealink, model: T46U, site: branch, adminPassword: generate, disabled: true }
`,
  VENDORS,
);

function lastFetch(mac: Mac): LastFetch | undefined {
  const d = inventory.device(mac)!;
  if (mac === '001565004001') return undefined; // never fetched
  const firmware =
    d.model === 'VVX_400' ? '4.1.4.7430' : d.model === 'VVX_450' ? '6.4.6' : d.vendor === 'grandstream' ? '1.0.11.79' : '108.86.0.45';
  const boot = VENDORS.find((v) => v.id === d.vendor)!.bootSequence(mac, d.model, firmware);
  return {
    source: `127.137.4.${Number.parseInt(mac.slice(-2), 16)}`,
    recent: boot.map((b) => ({ file: b.fileName, userAgent: b.userAgent })).reverse(),
  };
}

const web = { port: 443, plainHttp: false };

describe('resync plan', () => {
  it('the fleet: each phone ready with its method, or the reason it gets nothing', () => {
    const plan = planResync({ action: 'resync', scope: { all: true }, vendors: VENDORS, inventory, lastFetch, web });
    const byMac = new Map(plan.map((t) => [t.mac, t]));
    expect(byMac.get('001565004001' as Mac)).toMatchObject({ ready: false, reason: 'has never fetched its files: its address is unknown' });
    expect(byMac.get('0004f2004002' as Mac)).toMatchObject({
      ready: true,
      address: '127.137.4.2',
      origin: 'https://127.137.4.2:443',
      interface: 'Poly REST API',
      steps: [{ method: 'POST', path: '/api/v1/mgmt/safeRestart' }],
    });
    // the firmware comes from the fetch history's User-Agent
    expect(byMac.get('0004f2004003' as Mac)).toMatchObject({
      ready: false,
      reason: 'firmware 4.1.4.7430 predates the REST API (UC Software 5.4)',
    });
    expect(byMac.get('000b82004004' as Mac)).toMatchObject({ ready: true, interface: 'Grandstream web API' });
    expect(byMac.get('000b82004005' as Mac)).toMatchObject({ ready: false, reason: expect.stringMatching(/^audit only/) });
    expect(byMac.get('001565004006' as Mac)).toMatchObject({ ready: false, reason: 'disabled in the inventory' });
  });

  it('a site, plain HTTP on another port, and reboot', () => {
    const plan = planResync({
      action: 'reboot',
      scope: { site: 'branch' },
      vendors: VENDORS,
      inventory,
      lastFetch,
      web: { port: 8080, plainHttp: true },
    });
    expect(plan.map((t) => t.mac)).toEqual(['000b82004004', '000b82004005', '001565004006']);
    expect(plan[0]).toMatchObject({ ready: true, origin: 'http://127.137.4.4:8080' });
    expect(plan[0]!.ready && plan[0]!.steps[1]!.path).toBe('/cgi-bin/api-sys_operation (request=REBOOT&sid=<sid>)');
  });

  it('an address outside server.auditAllow is not contacted, and says so', () => {
    const [t] = planResync({
      action: 'resync',
      scope: { mac: '0004f2004002' as Mac },
      vendors: VENDORS,
      inventory,
      lastFetch,
      web,
      allowed: ['127.137.9.0/24'],
    });
    expect(t).toMatchObject({ ready: false, outOfScope: true, reason: '127.137.4.2 is outside server.auditAllow (127.137.9.0/24)' });
  });

  it('an unknown MAC or an empty site is a usage error', () => {
    expect(() =>
      planResync({ action: 'resync', scope: { mac: '001565999999' as Mac }, vendors: VENDORS, inventory, lastFetch, web }),
    ).toThrow(/no device 001565999999/);
    expect(() => planResync({ action: 'resync', scope: { site: 'nowhere' }, vendors: VENDORS, inventory, lastFetch, web })).toThrow(
      /has no devices/,
    );
  });
});
