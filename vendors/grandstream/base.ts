/** Non-rule settings: line registration per configured line and the phone's own provisioning server/credentials. */
import type { ResolvedDevice, Transport } from '../../src/model/config-types.js';
import type { Setting } from '../../src/model/vendor-contract.js';
import { isDp, type RuleContext } from './keys.js';
import { settingFor } from './naming.js';
import { PARAMS, type GsParam } from './params.js';
import { GhostguardError } from '../../src/model/errors.js';

const TRANSPORT: Record<Transport, string> = { udp: '0', tcp: '1', tls: '2' };

/** Grandstream server fields take `host[:port]`; IPv6 literals need brackets before a port. */
export function hostPort(host: string, port?: number): string {
  if (port === undefined) return host;
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${h}:${port}`;
}

/** P237 holds the server path without scheme; P212 selects the protocol. */
export function configServer(url: string): { path: string; via: string } {
  const parsed = new URL(url);
  const via = parsed.protocol === 'https:' ? '2' : parsed.protocol === 'http:' ? '1' : undefined;
  if (!via) throw new GhostguardError('GG_ERR_CONFIG_INVALID', `provisioning URL must be http(s): ${parsed.protocol}`);
  return { path: parsed.host + parsed.pathname.replace(/\/+$/, ''), via };
}

type Put = (param: GsParam, value: string, account?: number) => void;

/** DP750: the site's server on profile 1, each line a handset account on that profile (P4150… = 0 is profile 1). */
function dpLines(ctx: RuleContext & { device: ResolvedDevice }, put: Put): void {
  const { device, model, policy } = ctx;
  const site = device.site;
  if (device.lines.length > 0) {
    put(PARAMS.accountActive, '1', 1);
    put(PARAMS.sipServer, hostPort(site.registrar, site.registrarPort), 1);
    if (site.outboundProxy) put(PARAMS.outboundProxy, site.outboundProxy, 1);
    if (!policy['sip-tls-srtp'].enabled) put(PARAMS.sipTransport, TRANSPORT[site.transport], 1);
  }
  for (const line of device.lines) {
    const a = line.index;
    if (!Number.isInteger(a) || a < 1 || a > model.accounts)
      throw new GhostguardError('GG_ERR_RENDER_INVALID', `${model.id} has ${model.accounts} handset accounts; line ${a} does not fit`);
    put(PARAMS.handsetUserId, line.extension, a);
    put(PARAMS.handsetAuthId, line.authUser, a);
    put(PARAMS.handsetPassword, line.password, a);
    put(PARAMS.handsetName, line.displayName, a);
    put(PARAMS.handsetProfile, '0', a);
  }
}

export function baseSettings(ctx: RuleContext & { device: ResolvedDevice }): Setting[] {
  const { device, model, family, policy } = ctx;
  const out: Setting[] = [];
  const put: Put = (param, value, account) => {
    const s = settingFor(family, param, value, account);
    if (!s)
      throw new GhostguardError(
        'GG_ERR_RENDER_INVALID',
        `${model.id} (${family.id}) has no verified parameter for account ${account ?? '-'}; cannot provision line`,
      );
    out.push(s);
  };
  const site = device.site;
  if (isDp(family)) dpLines(ctx, put);
  else
    for (const line of device.lines) {
      const a = line.index;
      if (!Number.isInteger(a) || a < 1 || a > model.accounts)
        throw new GhostguardError('GG_ERR_RENDER_INVALID', `${model.id} has ${model.accounts} accounts; line ${a} does not fit`);
      put(PARAMS.accountActive, '1', a);
      put(PARAMS.accountName, line.displayName || line.extension, a);
      put(PARAMS.sipServer, hostPort(site.registrar, site.registrarPort), a);
      if (site.outboundProxy) put(PARAMS.outboundProxy, site.outboundProxy, a);
      put(PARAMS.sipUserId, line.extension, a);
      put(PARAMS.authId, line.authUser, a);
      put(PARAMS.authPassword, line.password, a);
      put(PARAMS.displayName, line.displayName, a);
      // with sip-tls-srtp on, the rule owns the transport setting
      if (!policy['sip-tls-srtp'].enabled) put(PARAMS.sipTransport, TRANSPORT[site.transport], a);
    }
  const server = configServer(device.provisioning.url);
  put(PARAMS.configServerPath, server.path);
  put(PARAMS.upgradeVia, server.via);
  put(PARAMS.provUsername, device.provisioning.username);
  put(PARAMS.provPassword, device.provisioning.password);
  return out;
}
