/** Settings that are not hardening rules: line registration and the phone's own provisioning credentials. */
import type { ResolvedDevice, ResolvedLine } from '../../src/model/config-types.js';
import type { Setting } from '../../src/model/vendor-contract.js';
import type { FamilyId } from './families.js';
import { secretSetting, setting, staticPrefix, transportKey, TRANSPORT_VALUES } from './keys.js';

export interface BaseOptions {
  /** the sip-tls-srtp rule owns the transport parameter when it is on */
  transportFromRule: boolean;
}

export function baseSettings(family: FamilyId, device: ResolvedDevice, options: BaseOptions): Setting[] {
  return [...device.lines.flatMap((line) => lineSettings(family, device, line, options)), ...provisioning(family, device)];
}

function lineSettings(family: FamilyId, device: ResolvedDevice, line: ResolvedLine, options: BaseOptions): Setting[] {
  const a = `account.${line.index}`;
  const { site } = device;
  const out: Setting[] = [
    setting(`${a}.enable`, '1'),
    setting(`${a}.label`, line.displayName || line.extension),
    ...(line.displayName ? [setting(`${a}.display_name`, line.displayName)] : []),
    setting(`${a}.auth_name`, line.authUser),
    setting(`${a}.user_name`, line.extension),
    secretSetting(`${a}.password`, line.password),
  ];
  const server =
    family === 'v81+'
      ? { host: `${a}.sip_server.1.address`, port: `${a}.sip_server.1.port` }
      : { host: `${a}.sip_server_host`, port: `${a}.sip_server_port` };
  out.push(setting(server.host, site.registrar));
  if (site.registrarPort) out.push(setting(server.port, String(site.registrarPort)));
  if (!options.transportFromRule) out.push(setting(transportKey(family, line.index), TRANSPORT_VALUES[site.transport]));
  if (site.outboundProxy) out.push(...outboundProxy(family, a, site.outboundProxy));
  return out;
}

function outboundProxy(family: FamilyId, a: string, proxy: string): Setting[] {
  const { host, port } = splitHostPort(proxy);
  const keys =
    family === 'v81+'
      ? { host: `${a}.outbound_proxy.1.address`, port: `${a}.outbound_proxy.1.port` }
      : { host: `${a}.outbound_host`, port: `${a}.outbound_port` };
  return [setting(`${a}.outbound_proxy_enable`, '1'), setting(keys.host, host), ...(port ? [setting(keys.port, port)] : [])];
}

/** `host:port` (not a bare IPv6 address) splits into its parts. */
function splitHostPort(value: string): { host: string; port?: string } {
  const m = /^([^:]+):(\d{1,5})$/.exec(value) ?? /^\[([^\]]+)\]:(\d{1,5})$/.exec(value);
  return m ? { host: m[1]!, port: m[2]! } : { host: value };
}

function provisioning(family: FamilyId, device: ResolvedDevice): Setting[] {
  const p = `${staticPrefix(family)}auto_provision.server`;
  return [
    setting(`${p}.url`, device.provisioning.url),
    setting(`${p}.username`, device.provisioning.username),
    secretSetting(`${p}.password`, device.provisioning.password),
  ];
}
