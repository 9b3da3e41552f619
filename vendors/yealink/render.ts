/** Compile the rule table for a model/firmware/device and render Yealink boot and CFG files. Pure. */
import type { Compiled, CompileInput, FileRef, FirmwareFamily, RenderedFile, RenderInput } from '../../src/model/vendor-contract.js';
import { compileRuleTable, deviceFileOwner, paramSettings, renderCompiled } from '../_shared/compile.js';
import { KV_HEADER, parseKeyValue, serializeKeyValue } from '../_shared/key-value-cfg.js';
import { baseSettings } from './base.js';
import { familyOf } from './families.js';
import { COMMON_BOOT, commonCfgName, macCfgName } from './files.js';
import { ruleTable, unsupportedReason } from './keys.js';
import { fileKey, settingKey } from './logins.js';
import { findModel, MODELS } from './models.js';
import { GhostguardError } from '../../src/model/errors.js';

const CONTENT_TYPE = 'text/plain; charset=utf-8';

export function compile(input: CompileInput): Compiled {
  const family = familyOf(input.firmware);
  const model = findModel(input.model);
  const { device, policy } = input;
  const tooHigh = model && device?.lines.find((l) => l.index < 1 || l.index > model.accounts);
  if (tooHigh)
    throw new GhostguardError(
      'GG_ERR_RENDER_INVALID',
      `line ${tooHigh.index} does not exist on a Yealink ${model.id} (accounts 1-${model.accounts})`,
    );
  const table = ruleTable({ model, catalogued: model !== undefined, family: family.id, policy, ...(device ? { device } : {}) });
  return {
    family,
    base: device ? baseSettings(family.id, device, { transportFromRule: policy['sip-tls-srtp'].enabled }) : [],
    rules: compileRuleTable(policy, table, unsupportedReason),
    params: paramSettings(input.params),
  };
}

/** A Yealink file read back: a login other than admin's under its qualified key (see logins.ts). */
export function read(body: string): Map<string, string> {
  return parseKeyValue(body, settingKey);
}

export function render(input: RenderInput): RenderedFile {
  const { file } = input;
  const family = familyOf(input.firmware);
  switch (file.kind) {
    case 'boot':
      return { body: bootBody(file, input.model), contentType: CONTENT_TYPE, family, applied: [], unsupported: [] };
    case 'common': {
      // a shared file never sees the device, even if the caller passed one
      const compiled = compile({
        model: input.model,
        firmware: input.firmware,
        policy: input.policy,
        ...(input.params ? { params: input.params } : {}),
      });
      return renderCompiled(compiled, file, (s) => serializeKeyValue(s, header(file, input.model, family), fileKey), CONTENT_TYPE);
    }
    case 'device': {
      deviceFileOwner(file, input.device);
      return renderCompiled(compile(input), file, (s) => serializeKeyValue(s, header(file, input.model, family), fileKey), CONTENT_TYPE);
    }
    default:
      throw new GhostguardError('GG_ERR_INTERNAL', `Yealink phones are not served ${file.kind} files (${file.name})`);
  }
}

function header(file: FileRef, model: string, family: FirmwareFamily): string {
  const guessed = family.guessed ? ', firmware unknown: newest family assumed' : '';
  return `ghostguard ${file.name} for ${file.model ?? model}, firmware family ${family.id}${guessed}`;
}

/** The common boot file maps every model to its common CFG; a MAC boot file names the two CFG files of one phone. */
function bootBody(file: FileRef, model: string): string {
  const lines = [KV_HEADER];
  if (file.name === COMMON_BOOT) {
    for (const m of MODELS) if (m.code !== undefined) lines.push(`[${m.id}]include:config "${commonCfgName(m.code)}"`);
  } else {
    if (!file.mac) throw new GhostguardError('GG_ERR_INTERNAL', `${file.name} is not a Yealink boot file`);
    const known = findModel(model);
    if (known?.code !== undefined) lines.push(`include:config "${commonCfgName(known.code)}"`);
    lines.push(`include:config "${macCfgName(file.mac)}"`);
  }
  return lines.join('\n') + '\n';
}
