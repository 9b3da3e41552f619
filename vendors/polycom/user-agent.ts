/**
 * Poly User-Agent grammar (vendor-facts 2.1, 2.7):
 *   provisioning  `FileTransport Polycom<product>-<model>-UA/<version>[ (SN:<serial>)][ Type/Application|Type/Updater]`
 *   SIP           `[Polycom/<version> ]Polycom<product>-<model>-UA/<version>[_<mac>]`
 */
import { parseMac, type Mac } from '../../src/model/mac.js';

export interface PolycomAgent {
  product: string;
  /** raw model token, e.g. VVX_400, SPIP_335, Trio_8800 */
  model: string;
  version: string;
  /** provisioning only: which program fetched (the Updater reports its own version, not the application's) */
  type?: 'Application' | 'Updater';
  /** SIP only: MAC appended to the version */
  mac?: Mac;
}

const TOKEN = 'Polycom([A-Za-z]\\w*)-([A-Za-z][\\w.]*?)-UA/(\\d+(?:\\.\\d+)+)';
const HTTP_UA = new RegExp(`^FileTransport ${TOKEN}(?=\\s|$)`);
const HTTP_TYPE = /\sType\/(Application|Updater)(?:\s|$)/;
const SIP_UA = new RegExp(`^(?:Polycom/[\\d.]+ )?${TOKEN}(?:_([0-9A-Fa-f]{12}))?(?:\\s|$)`);

export function parseProvisioningAgent(userAgent: string): PolycomAgent | undefined {
  const m = HTTP_UA.exec(userAgent.trim());
  if (!m) return undefined;
  const agent: PolycomAgent = { product: m[1]!, model: m[2]!, version: m[3]! };
  const type = HTTP_TYPE.exec(userAgent)?.[1];
  if (type) agent.type = type as 'Application' | 'Updater';
  return agent;
}

export function parseSipAgent(header: string): PolycomAgent | undefined {
  const m = SIP_UA.exec(header.trim());
  if (!m) return undefined;
  const agent: PolycomAgent = { product: m[1]!, model: m[2]!, version: m[3]! };
  const mac = m[4] ? parseMac(m[4]) : undefined;
  if (mac) agent.mac = mac;
  return agent;
}

/** The User-Agent a phone of this product/model sends while provisioning (used by bootSequence and the lab). */
export function provisioningAgent(product: string, model: string, version: string, typeSuffix: boolean, serial?: string): string {
  const sn = serial ? ` (SN:${serial})` : '';
  return `FileTransport Polycom${product}-${model}-UA/${version}${sn}${typeSuffix ? ' Type/Application' : ''}`;
}
