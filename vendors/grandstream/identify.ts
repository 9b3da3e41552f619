/** Which requests and observations are Grandstream's, and how sure we are. */
import { ouiOf } from '../../src/model/mac.js';
import {
  IDENTIFY_LEVELS,
  type IdentifyLevel,
  type Observation,
  type ObservationIdentity,
  type PhoneRequest,
  type RequestIdentity,
} from '../../src/model/vendor-contract.js';
import { classifyFileName, fileRef, unclaimedRef } from './files.js';
import { findModel } from './models.js';
import { mentionsGrandstream, parseProductToken, parseProvisioningUserAgent, type ProductInfo } from './user-agent.js';

export const OUIS = ['000b82', 'c074ad', 'ec74d7'] as const;

const isOurOui = (mac: string): boolean => (OUIS as readonly string[]).includes(mac.slice(0, 6));

export function identifyRequest(req: PhoneRequest): RequestIdentity {
  const none: RequestIdentity = { level: IDENTIFY_LEVELS.none, file: unclaimedRef(req.fileName) };
  if (req.method === 'PUT') return none;
  const parsed = classifyFileName(req.fileName);
  if (!parsed || parsed.kind === 'binary') return none;
  const file = fileRef(req.fileName, parsed);
  const ua = parseProvisioningUserAgent(req.userAgent);
  if (ua) {
    const identity: RequestIdentity = { level: IDENTIFY_LEVELS.vendor, file, uaMac: ua.mac, model: ua.model, firmware: ua.firmware };
    const consistent = (parsed.kind !== 'device' || ua.mac === parsed.mac) && (parsed.kind !== 'model' || parsed.model === ua.model);
    // a known model with firmware and a path that agrees with the User-Agent is as sure as it gets
    if (findModel(ua.model) && ua.firmware && consistent) identity.level = IDENTIFY_LEVELS.exact;
    return identity;
  }
  let level: IdentifyLevel = IDENTIFY_LEVELS.weak;
  if (parsed.kind === 'device' && isOurOui(parsed.mac)) level = IDENTIFY_LEVELS.vendor;
  if (parsed.kind === 'model' && findModel(parsed.model)) level = IDENTIFY_LEVELS.vendor;
  return { level, file, model: parsed.kind === 'model' ? parsed.model : undefined };
}

function fromProduct(info: ProductInfo): ObservationIdentity {
  const known = findModel(info.model);
  return { level: known ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, model: known?.id ?? info.model, firmware: info.firmware };
}

/** api.values.get answers `phone_model` and `68` (firmware) even without a session on newer firmware. */
function fromApiBody(body: string | undefined): ProductInfo | undefined {
  if (!body || body.length > 65536 || !body.trimStart().startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const outer = json as Record<string, unknown> | null;
  const values = (outer && typeof outer.body === 'object' && outer.body ? outer.body : outer) as Record<string, unknown> | null;
  if (!values) return undefined;
  const model = typeof values.phone_model === 'string' ? values.phone_model.trim().toUpperCase() : '';
  const vendor = typeof values.vendor_fullname === 'string' ? values.vendor_fullname : '';
  if (!/^(GXP|GRP|GXV|WP|HT|DP|GAC)\d{3,4}[A-Z]{0,2}$/.test(model) && !/grandstream/i.test(vendor)) return undefined;
  const firmware = typeof values['68'] === 'string' && /^\d+(\.\d+){1,4}$/.test(values['68']) ? values['68'] : undefined;
  return { model, firmware };
}

export function identifyObservation(obs: Observation): ObservationIdentity {
  const candidates: ObservationIdentity[] = [];
  for (const text of [obs.sipUserAgent, obs.sipServer, obs.httpServer, obs.sysDescr]) {
    const product = parseProductToken(text);
    if (product) candidates.push(fromProduct(product));
    else if (mentionsGrandstream(text)) candidates.push({ level: IDENTIFY_LEVELS.vendor });
  }
  const api = fromApiBody(obs.httpBody);
  if (api) candidates.push(api.model ? fromProduct(api) : { level: IDENTIFY_LEVELS.vendor });
  if (obs.httpTitle?.trim() === 'Grandstream Device Configuration') candidates.push({ level: IDENTIFY_LEVELS.vendor });
  if (obs.sysDescr && /grandstream/i.test(obs.sysDescr)) candidates.push({ level: IDENTIFY_LEVELS.vendor });
  if (obs.sysObjectId && /^\.?1\.3\.6\.1\.4\.1\.42397(\.|$)/.test(obs.sysObjectId)) candidates.push({ level: IDENTIFY_LEVELS.vendor });
  if (obs.mac && isOurOui(ouiOf(obs.mac))) candidates.push({ level: IDENTIFY_LEVELS.weak });
  let best: ObservationIdentity = { level: IDENTIFY_LEVELS.none };
  for (const c of candidates) {
    if (c.level > best.level || (c.level === best.level && !best.firmware && c.firmware)) best = c;
  }
  return best;
}
