/**
 * Poly web interface (vendor-facts 2.5): the REST API under /api/v1 with Basic auth (`Polycom` / admin password),
 * where the firmware has it (UCS ≥ 5.4); SoundPoint's `Server: Polycom SoundPoint IP Telephone HTTPd`.
 * mgmt/config/get answers from the applied settings and never returns a secret; mgmt/safeRestart and mgmt/safeReboot
 * make the phone fetch its files again.
 */
import { escapeHtml } from '../../../src/model/html.js';
import { macWithColons } from '../../../src/model/mac.js';
import type { VendorWeb, WebContext, WebRequest, WebResponse } from '../../../src/model/vendor-lab.js';
import { basicAuth, html, json, notFound } from '../../_shared/lab-web.js';

const MAX_NAMES = 500;

export function polycomWeb(ctx: WebContext): VendorWeb {
  const { identity } = ctx;
  const soundPoint = /^SPIP_/i.test(identity.model);

  const authorized = (req: WebRequest): boolean => {
    const b = ctx.behaviour();
    const creds = basicAuth(req.headers);
    return creds?.user === b.adminUser && creds.password === b.adminPassword;
  };

  const deviceInfo = (): WebResponse =>
    json(200, {
      Status: '2000',
      data: {
        ModelNumber: identity.model.replace(/_/g, ' '),
        FirmwareRelease: identity.firmware,
        MacAddress: macWithColons(identity.mac),
        DeviceVendor: 'Polycom',
        DeviceType: 'HardwareEndpoint',
        IPV4Address: ctx.ip,
      },
    });

  const configGet = (req: WebRequest): WebResponse => {
    let names: unknown;
    try {
      names = (JSON.parse(req.body) as { data?: unknown }).data;
    } catch {
      return json(400, { Status: '4000' });
    }
    if (!Array.isArray(names) || names.length > MAX_NAMES || names.some((n) => typeof n !== 'string')) return json(400, { Status: '4000' });
    const settings = ctx.settings();
    const data: Record<string, string> = {};
    const invalid: string[] = [];
    for (const name of names as string[]) {
      if (ctx.profile.isSecretKey(name)) continue;
      const value = settings.get(name);
      if (value === undefined) invalid.push(name);
      else data[name] = value;
    }
    return json(200, { Status: '2000', data, ...(invalid.length ? { InvalidParams: invalid } : {}) });
  };

  const rest = (req: WebRequest): WebResponse => {
    if (!ctx.behaviour().restApi) return notFound();
    if (!authorized(req)) return json(401, { Status: '4001' }, { 'www-authenticate': 'Basic realm="Polycom"' });
    const route = `${req.method} ${req.path.replace(/\/+$/, '')}`;
    switch (route) {
      case 'GET /api/v1/mgmt/device/info':
        return deviceInfo();
      case 'GET /api/v1/mgmt/network/info':
        return json(200, { Status: '2000', data: { IPV4Address: ctx.ip, DHCPEnabled: 'true' } });
      case 'POST /api/v1/mgmt/config/get':
        return configGet(req);
      case 'POST /api/v1/mgmt/safeRestart':
        return json(200, { Status: ctx.requestBoot('resync') ? '2000' : '5000' });
      case 'POST /api/v1/mgmt/safeReboot':
        return json(200, { Status: ctx.requestBoot('reboot') ? '2000' : '5000' });
      default:
        return json(404, { Status: '4004' });
    }
  };

  return {
    ...(soundPoint ? { server: 'Polycom SoundPoint IP Telephone HTTPd' } : {}),
    handle(req) {
      if (req.path.startsWith('/api/')) return rest(req);
      if (req.path === '/' && req.method === 'GET') {
        return html(
          200,
          `<!DOCTYPE html><html><head><title>Polycom - ${escapeHtml(identity.model.replace(/_/g, ' '))} Web Configuration Utility</title></head>` +
            '<body><form method="post" action="/form-submit/auth.htm"><input name="password" type="password"></form></body></html>',
        );
      }
      return notFound();
    },
  };
}
