/** Parses one policy layer (`rules:` map of rule id → true/false or settings) with line-exact issues. */
import type { ParamLayer, PolicyLayer, RuleSetting } from './config-types.js';
import { isRuleId } from './rules.js';
import type { Path, YamlReader } from './yaml-reader.js';

const RULE_FIELDS = ['enabled', 'port', 'method', 'mode', 'managers', 'community'];

export function parsePolicyLayer(r: YamlReader, path: Path): PolicyLayer {
  const layer: PolicyLayer = {};
  if (r.value(path) === undefined) return layer;
  r.unknownKeys(path, ['rules', 'params']);
  const rulesPath = [...path, 'rules'];
  for (const id of r.keys(rulesPath)) {
    const rulePath = [...rulesPath, id];
    if (!isRuleId(id)) {
      r.report(rulePath, `unknown rule id "${id}"`);
      continue;
    }
    const raw = r.value(rulePath);
    if (typeof raw === 'boolean') {
      layer[id] = { enabled: raw };
      continue;
    }
    if (!r.isMap(rulePath)) {
      r.report(rulePath, 'must be true, false or a map of settings');
      continue;
    }
    r.unknownKeys(rulePath, RULE_FIELDS);
    layer[id] = parseRuleSetting(r, rulePath);
  }
  return layer;
}

const PARAM_KEY = /^[A-Za-z0-9_.{}[\]-]{1,120}$/;

/**
 * `params:` beside `rules:` in a policy layer: raw vendor parameters (key → value) passed through to the phone, each
 * with its line so a parameter that would undo a rule can be named where it is written.
 */
export function parseParams(r: YamlReader, path: Path): ParamLayer {
  const out: ParamLayer = {};
  const paramsPath = [...path, 'params'];
  if (r.value(paramsPath) === undefined) return out;
  if (!r.isMap(paramsPath)) {
    r.report(paramsPath, 'must be a map of vendor parameter → value');
    return out;
  }
  for (const key of r.keys(paramsPath)) {
    const at = [...paramsPath, key];
    const raw = r.value(at);
    if (!PARAM_KEY.test(key)) r.report(at, 'a vendor parameter name is letters, digits and . _ - { } [ ] (up to 120)');
    else if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
      r.report(at, 'must be a single value (text, number or true/false)');
    else out[key] = { value: typeof raw === 'boolean' ? (raw ? '1' : '0') : String(raw), line: r.lineOf(at) };
  }
  return out;
}

function parseRuleSetting(r: YamlReader, path: Path): Partial<RuleSetting> {
  const out: Partial<RuleSetting> = { enabled: true };
  const enabled = r.value([...path, 'enabled']);
  if (enabled !== undefined) {
    if (typeof enabled !== 'boolean') r.report([...path, 'enabled'], 'must be true or false');
    else out.enabled = enabled;
  }
  const port = r.value([...path, 'port']);
  if (port !== undefined) {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1024 || port > 65535)
      r.report([...path, 'port'], 'must be a port from 1024 to 65535');
    else out.port = port;
  }
  const method = r.value([...path, 'method']);
  if (method !== undefined) {
    if (method !== 'source' && method !== 'digest' && method !== 'both') r.report([...path, 'method'], 'must be source, digest or both');
    else out.method = method;
  }
  const mode = r.value([...path, 'mode']);
  if (mode !== undefined) {
    if (mode !== 'off' && mode !== 'restricted') r.report([...path, 'mode'], 'must be off or restricted');
    else out.mode = mode;
  }
  const managers = r.value([...path, 'managers']);
  if (managers !== undefined) {
    if (!Array.isArray(managers) || managers.some((m) => typeof m !== 'string'))
      r.report([...path, 'managers'], 'must be a list of addresses');
    else out.managers = managers as string[];
  }
  const community = r.string([...path, 'community'], false);
  if (community !== undefined) {
    if (community === 'public' || community === 'private') r.report([...path, 'community'], 'must not be a default community');
    else out.community = community;
  }
  return out;
}
