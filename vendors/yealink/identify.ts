/** Is this request or observation a Yealink phone, and which one? */
import { ouiOf } from '../../src/model/mac.js';
import {
  IDENTIFY_LEVELS,
  type IdentifyLevel,
  type Observation,
  type ObservationIdentity,
  type PhoneRequest,
  type RequestIdentity,
} from '../../src/model/vendor-contract.js';
import { findModel } from './models.js';
import { parsePath, ref, type YealinkPath } from './files.js';
import { parseUserAgent, type YealinkAgent } from './user-agent.js';

/** IEEE registrations to Yealink (nmap-mac-prefixes 2022-08-29). */
export const OUIS: readonly string[] = ['001565', '249ad8', '805e0c', '805ec0'];

export function identifyRequest(req: PhoneRequest): RequestIdentity {
  const path = req.method === 'PUT' ? undefined : parsePath(req.fileName);
  if (!path) return { level: IDENTIFY_LEVELS.none, file: ref(req.fileName, 'common', false) };
  const agent = parseUserAgent(req.userAgent);
  return {
    level: requestLevel(path, agent),
    file: path.file,
    ...(agent?.mac ? { uaMac: agent.mac } : {}),
    ...(agent ? { model: agent.model } : {}),
    ...(agent?.firmware ? { firmware: agent.firmware } : {}),
  };
}

function requestLevel(path: YealinkPath, agent: YealinkAgent | undefined): IdentifyLevel {
  const { file } = path;
  if (agent?.firmware) {
    if (file.mac && agent.mac) return file.mac === agent.mac ? IDENTIFY_LEVELS.exact : IDENTIFY_LEVELS.model;
    const uaCode = findModel(agent.model)?.code;
    // a phone asking for another model's common file is odd enough not to be called exact
    if (path.code !== undefined && uaCode !== undefined && uaCode !== path.code) return IDENTIFY_LEVELS.model;
    return path.unambiguous ? IDENTIFY_LEVELS.exact : IDENTIFY_LEVELS.model;
  }
  if (agent || path.unambiguous) return IDENTIFY_LEVELS.vendor;
  if (file.mac && OUIS.includes(ouiOf(file.mac))) return IDENTIFY_LEVELS.vendor;
  return IDENTIFY_LEVELS.weak;
}

const PHONETYPE = /g_phonetype\s*=\s*["']([A-Za-z0-9_ -]{1,30})["']/;
const FIRMWARE_VAR = /g_str[Ff]irmware\s*=\s*["']([0-9.]{1,30})["']/;
const JSON_NAME = /"phoneName"\s*:\s*"([A-Za-z0-9_ -]{1,30})"/;
const JSON_FIRMWARE = /"firmware"\s*:\s*"([0-9.]{1,30})"/;

export function identifyObservation(obs: Observation): ObservationIdentity {
  // No real Yealink sysDescr is verified (vendor-facts 1.5); one that carries the product string the phone sends as its
  // SIP User-Agent names model and firmware the same way.
  for (const header of [obs.sipUserAgent, obs.sipServer, obs.sysDescr]) {
    const agent = parseUserAgent(header);
    if (agent) return withModel(agent.firmware ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, agent.model, agent.firmware);
  }
  const body = obs.httpBody?.slice(0, 200_000) ?? '';
  const yealinkWeb = /^yealink\b/i.test(obs.httpServer?.trim() ?? '') || /\byealink\b/i.test(obs.httpTitle ?? '');
  // g_phonetype is Yealink's own login-page variable; the newer UI's JSON keys are generic, so they need more support
  const legacyPage = fromPage(body, PHONETYPE, FIRMWARE_VAR);
  const jsonPage = fromPage(body, JSON_NAME, JSON_FIRMWARE);
  const page = legacyPage ?? (jsonPage && (yealinkWeb || findModel(jsonPage.model)) ? jsonPage : undefined);
  if (page) return withModel(page.firmware ? IDENTIFY_LEVELS.model : IDENTIFY_LEVELS.vendor, page.model, page.firmware);
  if (yealinkWeb || /\byealink\b/i.test(obs.sysDescr ?? '')) return { level: IDENTIFY_LEVELS.vendor };
  if (obs.mac && OUIS.includes(ouiOf(obs.mac))) return { level: IDENTIFY_LEVELS.weak };
  return { level: IDENTIFY_LEVELS.none };
}

function fromPage(body: string, modelRe: RegExp, firmwareRe: RegExp): { model: string; firmware?: string } | undefined {
  const model = modelRe
    .exec(body)?.[1]
    ?.trim()
    .replace(/^SIP[- ](?:VP-)?/i, '');
  if (!model) return undefined;
  const firmware = firmwareRe.exec(body)?.[1];
  return { model: findModel(model)?.id ?? model, ...(firmware ? { firmware } : {}) };
}

function withModel(level: IdentifyLevel, model: string, firmware: string | undefined): ObservationIdentity {
  return { level, model, ...(firmware ? { firmware } : {}) };
}
