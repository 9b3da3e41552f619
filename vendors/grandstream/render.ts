/** compile → settings, render → gs_provision XML, read → key/value map. Pure and deterministic. */
import { compileRuleTable, deviceFileOwner, paramSettings, renderCompiled } from '../_shared/compile.js';
import { parseGsProvision, serializeGsProvision } from '../_shared/gs-provision-xml.js';
import type { Compiled, CompileInput, RenderedFile, RenderInput } from '../../src/model/vendor-contract.js';
import { baseSettings } from './base.js';
import { familyFor } from './families.js';
import { ruleTable } from './keys.js';
import { findModel, modelOrLine, type GsModel } from './models.js';

export const CONTENT_TYPE = 'application/xml; charset=utf-8';

export function compile(input: CompileInput): Compiled {
  const model = modelFor(input);
  const family = familyFor(model, input.firmware);
  const ctx = { model, family, policy: input.policy, device: input.device, catalogued: findModel(input.model) !== undefined };
  const rules = compileRuleTable(input.policy, ruleTable(ctx), (rule) => `no verified Grandstream parameter for ${rule}`);
  const base = input.device ? baseSettings({ ...ctx, device: input.device }) : [];
  return { family: { id: family.id, guessed: family.guessed }, base, rules, params: paramSettings(input.params) };
}

export function render(input: RenderInput): RenderedFile {
  const { file } = input;
  if (file.kind === 'device') deviceFileOwner(file, input.device);
  // shared files never see the device, even if a caller passes one
  const compiled = compile(file.secret ? input : { ...input, device: undefined });
  const format = familyFor(modelFor(input), input.firmware).format;
  // the phone rejects a file whose <mac> does not match its own, so only the device file names one
  const mac = file.kind === 'device' ? input.device!.mac : undefined;
  return renderCompiled(compiled, file, (settings) => serializeGsProvision(format, settings, mac), CONTENT_TYPE);
}

export function read(body: string): Map<string, string> {
  return parseGsProvision(body).values;
}

/** A model outside the catalogue gets its line's settings; its account count is bounded by the lines configured. */
function modelFor(input: CompileInput): GsModel {
  const model = modelOrLine(input.model);
  if (model.accounts > 0) return model;
  return { ...model, accounts: Math.max(1, ...(input.device?.lines.map((l) => l.index) ?? [])) };
}
