/** compile → render → read for Poly attribute-XML files. Pure and deterministic. */
import { RULES, type RuleId } from '../../src/model/rules.js';
import type { Compiled, CompileInput, RenderedFile, RenderInput } from '../../src/model/vendor-contract.js';
import { parseAttributeXml, serializeAttributeXml } from '../_shared/attribute-xml.js';
import { compileRuleTable, deviceFileOwner, paramSettings, renderCompiled } from '../_shared/compile.js';
import { baseSettings } from './base.js';
import { resolveFamily } from './families.js';
import { MASTER_APP_FILE, MASTER_CONFIG_FILES } from './files.js';
import { ruleTable } from './keys.js';
import { findModel } from './models.js';
import { GhostguardError } from '../../src/model/errors.js';

export const CONTENT_TYPE = 'application/xml';
const ROOT = 'polycomConfig';

/**
 * Settings a file carries. Only the device file carries settings: when the input names a master, override or log file
 * (a RenderInput passed through), nothing is compiled for it, so read-back of that file is checked against nothing.
 */
export function compile(input: CompileInput | RenderInput): Compiled {
  const family = resolveFamily(input.firmware);
  if ('file' in input && input.file.kind !== 'device') return { family, base: [], rules: new Map() };
  const { device, policy } = input;
  const model = findModel(input.model);
  if (device && model && device.lines.length > model.accounts) {
    throw new GhostguardError(
      'GG_ERR_RENDER_INVALID',
      `${device.mac}: ${device.lines.length} lines configured, ${model.displayName} has ${model.accounts} accounts`,
    );
  }
  const rules = compileRuleTable(
    policy,
    ruleTable({ model, catalogued: model !== undefined, family: family.id, policy, device }),
    unsupportedReason,
  );
  return { family, base: baseSettings(family.id, policy, device), rules, params: paramSettings(input.params) };
}

function unsupportedReason(rule: RuleId): string {
  return `no verified Poly parameter for "${RULES[rule].title}"`;
}

export function render(input: RenderInput): RenderedFile {
  const { file } = input;
  const family = resolveFamily(input.firmware);
  switch (file.kind) {
    case 'boot':
      // SIP 3.x keeps its defaults in the stock files, listed after ghostguard's file so that its settings win
      return {
        body: masterConfig(family.id === 'sip3' ? (input.stockFiles ?? []) : []),
        contentType: CONTENT_TYPE,
        family,
        applied: [],
        unsupported: [],
      };
    case 'override':
      // The phone's own override document, empty: what to do with a stored upload is the server's decision.
      return { body: serializeAttributeXml(ROOT, []), contentType: CONTENT_TYPE, family, applied: [], unsupported: [] };
    case 'device':
      deviceFileOwner(file, input.device);
      return renderCompiled(
        compile(input),
        file,
        (settings) => serializeAttributeXml(ROOT, settings, comment(input, family.id)),
        CONTENT_TYPE,
      );
    default:
      throw new GhostguardError('GG_ERR_INTERNAL', `${file.name}: Poly ${file.kind} files are not rendered`);
  }
}

/**
 * Same body for 000000000000.cfg and every <mac>.cfg of one firmware family: shared, no device data, no inventory
 * oracle. The first file listed wins a parameter set twice (Poly admin guide), so stock files come after ghostguard's.
 */
function masterConfig(stockFiles: readonly string[]): string {
  return serializeAttributeXml('APPLICATION', [
    { key: 'APP_FILE_PATH', value: MASTER_APP_FILE },
    { key: 'CONFIG_FILES', value: [MASTER_CONFIG_FILES, ...stockFiles].join(', ') },
  ]);
}

function comment(input: RenderInput, familyId: string): string {
  return `ghostguard device configuration: model ${input.model}, firmware family ${familyId}`;
}

export function read(body: string): Map<string, string> {
  return parseAttributeXml(body);
}
