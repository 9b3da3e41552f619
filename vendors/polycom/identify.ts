/** Identification of provisioning requests (file name + User-Agent) and of auditor observations (SIP, HTTP, REST, SNMP). */
import { ouiOf } from '../../src/model/mac.js';
import {
  IDENTIFY_LEVELS,
  type IdentifyLevel,
  type Observation,
  type ObservationIdentity,
  type PhoneRequest,
  type RequestIdentity,
} from '../../src/model/vendor-contract.js';
import { classifyFile } from './files.js';
import { findModel, findModelLoose } from './models.js';
import { parseProvisioningAgent, parseSipAgent } from './user-agent.js';

/** IEEE OUIs: 00:04:F2 and 64:16:7F (Polycom), 48:25:67 (Poly) — nmap-mac-prefixes 2022-08-29 */
export const OUIS: readonly string[] = ['0004f2', '64167f', '482567'];

export function identifyRequest(req: PhoneRequest): RequestIdentity {
  const file = classifyFile(req.fileName, req.method);
  if (!file) {
    return { level: IDENTIFY_LEVELS.none, file: { name: req.fileName, kind: 'common', secret: false, upload: false } };
  }
  const agent = parseProvisioningAgent(req.userAgent);
  if (agent) {
    const model = findModel(agent.model);
    const out: RequestIdentity = { level: model ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, file, model: model?.id ?? agent.model };
    // The Updater reports its own version, not the application's: no firmware family can be read from it.
    if (agent.type !== 'Updater') out.firmware = agent.version;
    return out;
  }
  const polycomOui = file.mac !== undefined && OUIS.includes(ouiOf(file.mac));
  return { level: polycomOui ? IDENTIFY_LEVELS.vendor : IDENTIFY_LEVELS.weak, file };
}

const SOUNDPOINT_HTTPD = /^Polycom SoundPoint IP Telephone HTTPd\b/;
const POLYCOM_ENTERPRISES = ['1.3.6.1.4.1.13885.', '1.3.6.1.4.1.2684.'];
const VERSION = /\d+(?:\.\d+)+/;

export function identifyObservation(obs: Observation): ObservationIdentity {
  const found: ObservationIdentity[] = [];
  // a sysDescr carrying Poly's SIP product string (VVX/Trio sysDescr format unverified, vendor-facts 2.5) reads the same way
  for (const header of [obs.sipUserAgent, obs.sipServer, obs.sysDescr]) {
    const agent = header ? parseSipAgent(header) : undefined;
    if (!agent) continue;
    const model = findModel(agent.model);
    found.push({ level: model ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, model: model?.id ?? agent.model, firmware: agent.version });
  }
  const rest = obs.httpBody ? restDeviceInfo(obs.httpBody) : undefined;
  if (rest) found.push(rest);
  if (obs.httpServer && SOUNDPOINT_HTTPD.test(obs.httpServer.trim())) found.push({ level: IDENTIFY_LEVELS.vendor });
  const oid = obs.sysObjectId?.replace(/^\./, '');
  if (oid && POLYCOM_ENTERPRISES.some((p) => `${oid}.`.startsWith(p))) found.push({ level: IDENTIFY_LEVELS.weak });
  if (obs.sysDescr && /\bPoly(?:com)?\b/.test(obs.sysDescr)) found.push({ level: IDENTIFY_LEVELS.weak });
  if (obs.mac && OUIS.includes(ouiOf(obs.mac))) found.push({ level: IDENTIFY_LEVELS.weak });
  return best(found);
}

/** REST `GET /api/v1/mgmt/device/info` reply (UCS 5.4+): `{"Status":"2000","data":{"ModelNumber":…,"FirmwareRelease":…}}`. */
function restDeviceInfo(body: string): ObservationIdentity | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const record = asRecord(parsed);
  const info = asRecord(record?.data) ?? record;
  if (!info) return undefined;
  const modelNumber = typeof info.ModelNumber === 'string' ? info.ModelNumber : undefined;
  const release = typeof info.FirmwareRelease === 'string' ? VERSION.exec(info.FirmwareRelease)?.[0] : undefined;
  if (!modelNumber && !release) return undefined;
  if (typeof info.DeviceVendor === 'string' && !/poly/i.test(info.DeviceVendor)) return undefined;
  const model = modelNumber ? findModelLoose(modelNumber) : undefined;
  const level: IdentifyLevel = model && release ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor;
  const out: ObservationIdentity = { level };
  const modelName = model?.id ?? modelNumber;
  if (modelName) out.model = modelName;
  if (release) out.firmware = release;
  return out;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Highest level wins; at equal level the answer that names a firmware, then a model, wins. */
function best(found: ObservationIdentity[]): ObservationIdentity {
  let out: ObservationIdentity = { level: IDENTIFY_LEVELS.none };
  const score = (o: ObservationIdentity): number => o.level * 4 + (o.firmware ? 2 : 0) + (o.model ? 1 : 0);
  for (const f of found) if (score(f) > score(out)) out = f;
  return out;
}
