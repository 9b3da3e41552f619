/** Settings that are not hardening rules: line registration and the per-device provisioning credentials. */
import type { ResolvedDevice, ResolvedPolicy, Transport } from '../../src/model/config-types.js';
import type { Setting } from '../../src/model/vendor-contract.js';
import type { FamilyId } from './families.js';

/** reg.N.server.N.transport values (SIP 2.2 guide: DNSnaptr | TCPpreferred | UDPOnly | TLS | TCPOnly) */
const TRANSPORT: Readonly<Record<Transport, string>> = { udp: 'UDPOnly', tcp: 'TCPOnly', tls: 'TLS' };

export function baseSettings(_family: FamilyId, policy: ResolvedPolicy, device: ResolvedDevice | undefined): Setting[] {
  if (!device) return [];
  const site = device.site;
  // sip-tls-srtp asks for TLS on every line; the base must agree or the two would conflict.
  const transport = policy['sip-tls-srtp'].enabled ? 'TLS' : TRANSPORT[site.transport];
  const out: Setting[] = [];
  for (const line of device.lines) {
    const reg = `reg.${line.index}`;
    out.push(
      { key: `${reg}.address`, value: line.extension },
      { key: `${reg}.label`, value: line.extension },
      { key: `${reg}.displayName`, value: line.displayName },
      { key: `${reg}.auth.userId`, value: line.authUser },
      { key: `${reg}.auth.password`, value: line.password, secret: true },
      { key: `${reg}.server.1.address`, value: site.registrar },
    );
    if (site.registrarPort !== undefined) out.push({ key: `${reg}.server.1.port`, value: String(site.registrarPort) });
    out.push({ key: `${reg}.server.1.transport`, value: transport });
    if (site.outboundProxy) {
      // host and port in separate keys, as FusionPBX's UCS 6 template writes them (reg.x.outboundProxy.address / .port)
      const proxy = /^([^:[\]]+|\[[^\]]+\]):(\d{1,5})$/.exec(site.outboundProxy);
      out.push({ key: `${reg}.outboundProxy.address`, value: proxy ? proxy[1]!.replace(/^\[|\]$/g, '') : site.outboundProxy });
      if (proxy) out.push({ key: `${reg}.outboundProxy.port`, value: proxy[2]! });
      out.push({ key: `${reg}.outboundProxy.transport`, value: transport });
    }
  }
  // SIP 3.x takes device.* parameters too (Wazo's SIP 3.1.6/3.2.4 plugin template writes device.set, device.net.*)
  out.push(...provisioningCredentials(device));
  return out;
}

/**
 * device.* parameters (UCS and SIP 3.x). The server address itself is left as the phone found it (DHCP / boot server):
 * the sources give neither the accepted form of device.prov.serverName nor the values of device.prov.serverType.
 */
function provisioningCredentials(device: ResolvedDevice): Setting[] {
  return [
    { key: 'device.set', value: '1' },
    { key: 'device.prov.user.set', value: '1' },
    { key: 'device.prov.user', value: device.provisioning.username },
    { key: 'device.prov.password.set', value: '1' },
    { key: 'device.prov.password', value: device.provisioning.password, secret: true },
  ];
}
