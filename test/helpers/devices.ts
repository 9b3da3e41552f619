import type { ResolvedDevice, Site } from '../../src/model/config-types.js';
import { parseMac } from '../../src/model/mac.js';

export const TEST_SITE: Site = {
  name: 'hq',
  registrar: '127.0.0.2',
  outboundProxy: '127.0.0.3',
  trustedServers: ['127.0.0.4'],
  transport: 'udp',
  policy: {},
};

export const SECRETS = {
  sip1: 'Sip1-s3cret-Q7',
  sip2: 'Sip2-s3cret-Z9',
  admin: 'Adm1n-s3cret-K4',
  user: 'Us3r-s3cret-M8',
  prov: 'Pr0v-s3cret-W2',
};

export function testDevice(vendor: string, model: string, mac: string, lines = 2): ResolvedDevice {
  const all = [
    { index: 1, extension: '1001', authUser: '1001', password: SECRETS.sip1, displayName: 'Reception' },
    { index: 2, extension: '1002', authUser: '1002', password: SECRETS.sip2, displayName: 'Back office' },
  ];
  const parsed = parseMac(mac)!;
  return {
    mac: parsed,
    vendor,
    model,
    site: TEST_SITE,
    lines: all.slice(0, lines),
    adminPassword: SECRETS.admin,
    userPassword: SECRETS.user,
    provisioning: { username: `gg-${parsed}`, password: SECRETS.prov, url: 'https://127.0.0.1:8443/' },
  };
}
