/** The YAML configuration → FleetConfig, or every problem with file, line and field. Pure: no I/O, no environment. */
import type { ConfigIssue } from './config-issues.js';
import { parseParams, parsePolicyLayer } from './config-policy-parse.js';
import type { Device, FleetConfig, ParamLayer, Line, PolicyLayer, Site, Transport } from './config-types.js';
import { parseServer } from './config-server-parse.js';
import { parseSchedules, targetTokens } from './config-schedule-parse.js';
import { isUnicastMac, parseMac, type Mac } from './mac.js';
import { parseSecretSpec } from './secret-spec.js';
import { fieldName, YamlReader, type Path } from './yaml-reader.js';

/** vendor id → model ids the adapters know */
export type ModelCatalogue = Readonly<Record<string, readonly string[]>>;

const squash = (name: string): string => name.replace(/[^0-9a-z]/gi, '').toLowerCase();

/** The catalogue's spelling of a model name written loosely ("VVX 411", "vvx411" → "VVX_411"), or undefined. */
export function canonicalModel(known: readonly string[], name: string): string | undefined {
  return known.find((m) => m === name) ?? known.find((m) => squash(m) === squash(name));
}

export interface ParseResult {
  config?: FleetConfig;
  issues: ConfigIssue[];
  /** also given when there are issues; the same list as config.warnings */
  warnings?: ConfigIssue[];
}

export function parseConfig(text: string, file: string, catalogue: ModelCatalogue): ParseResult {
  const r = new YamlReader(text, file);
  if (!r.ok) return { issues: r.issues };
  if (!r.isMap([])) {
    r.report([], 'the configuration must be a map');
    return { issues: r.issues };
  }
  r.unknownKeys([], ['version', 'server', 'policy', 'models', 'sites', 'devices', 'canaries', 'schedules']);
  r.refuseControlCharacters();
  const server = parseServer(r);
  const fleetPolicy = parsePolicyLayer(r, ['policy']);
  const fleetParams = parseParams(r, ['policy']);
  const modelParams: Record<string, ParamLayer> = {};
  const modelPolicy: Record<string, PolicyLayer> = {};
  const warnings: ConfigIssue[] = [];
  const warn = (path: Path, message: string) => warnings.push({ file, line: r.lineOf(path), field: fieldName(path), message });
  const allModels = Object.values(catalogue).flat();
  for (const model of r.keys(['models'])) {
    const known = canonicalModel(allModels, model);
    if (!known) warn(['models', model], `unknown model "${model}": this policy applies to devices whose model is written "${model}"`);
    r.unknownKeys(['models', model], ['policy']);
    modelPolicy[known ?? model] = parsePolicyLayer(r, ['models', model, 'policy']);
    modelParams[known ?? model] = parseParams(r, ['models', model, 'policy']);
  }
  const sites: Record<string, Site> = {};
  for (const name of r.keys(['sites'])) sites[name] = parseSite(r, name);
  const devices = parseDevices(r, sites, catalogue, warn);
  const canaries = parseCanaries(r, devices);
  const schedules = parseSchedules(r);
  if (r.issues.length > 0) return { issues: r.issues, warnings };
  return {
    config: { server, fleetPolicy, modelPolicy, fleetParams, modelParams, sites, devices, canaries, schedules, warnings },
    issues: [],
    warnings,
  };
}

function parseSite(r: YamlReader, name: string): Site {
  const p: Path = ['sites', name];
  r.unknownKeys(p, ['registrar', 'registrarPort', 'outboundProxy', 'trustedServers', 'transport', 'policy', 'networks']);
  const registrar = r.string([...p, 'registrar'], false) ?? '';
  const transport = (r.string([...p, 'transport'], false) ?? 'udp') as Transport;
  if (!['udp', 'tcp', 'tls'].includes(transport)) r.report([...p, 'transport'], 'must be udp, tcp or tls');
  const trusted = r.value([...p, 'trustedServers']) ?? [];
  if (!Array.isArray(trusted) || trusted.some((t) => typeof t !== 'string'))
    r.report([...p, 'trustedServers'], 'must be a list of addresses');
  const port = r.value([...p, 'registrarPort']);
  if (port !== undefined && (typeof port !== 'number' || port < 1 || port > 65535))
    r.report([...p, 'registrarPort'], 'must be a port number');
  return {
    name,
    registrar,
    registrarPort: typeof port === 'number' ? port : undefined,
    outboundProxy: r.string([...p, 'outboundProxy'], false),
    trustedServers: Array.isArray(trusted) ? (trusted as string[]) : [],
    transport,
    policy: parsePolicyLayer(r, [...p, 'policy']),
    params: parseParams(r, [...p, 'policy']),
    ...(r.value([...p, 'networks']) === undefined ? {} : { networks: targetTokens(r, [...p, 'networks'], true, false) }),
  };
}

function parseDevices(
  r: YamlReader,
  sites: Record<string, Site>,
  catalogue: ModelCatalogue,
  warn: (path: Path, message: string) => void,
): Device[] {
  const devices: Device[] = [];
  const seen = new Map<Mac, number>(); // MAC → index of the first device with it
  if (r.value(['devices']) !== undefined && !r.isSeq(['devices'])) r.report(['devices'], 'must be a list');
  for (let i = 0; i < r.length(['devices']); i++) {
    const p: Path = ['devices', i];
    r.unknownKeys(p, ['mac', 'vendor', 'model', 'like', 'site', 'lines', 'adminPassword', 'disabled', 'provision', 'policy']);
    const rawMac = r.string([...p, 'mac'], true);
    const mac = rawMac === undefined ? undefined : parseMac(rawMac);
    if (rawMac !== undefined && (!mac || !isUnicastMac(mac))) r.report([...p, 'mac'], `"${rawMac}" is not a valid unicast MAC address`);
    if (mac && seen.has(mac)) r.report([...p, 'mac'], `duplicate MAC (first declared on line ${r.lineOf(['devices', seen.get(mac)!])})`);
    if (mac && !seen.has(mac)) seen.set(mac, i);
    const vendor = r.string([...p, 'vendor'], true) ?? '';
    const written = r.string([...p, 'model'], true) ?? '';
    const known = catalogue[vendor];
    const model = (known && canonicalModel(known, written)) || written;
    const likeWritten = r.string([...p, 'like'], false);
    const like = likeWritten !== undefined && known ? canonicalModel(known, likeWritten) : undefined;
    if (vendor && !known) r.report([...p, 'vendor'], `unknown vendor "${vendor}" (known: ${Object.keys(catalogue).join(', ')})`);
    else if (likeWritten !== undefined && !like)
      r.report([...p, 'like'], `like: must name a ${vendor} catalogue model, "${likeWritten}" is not one`);
    else if (vendor && written && !like && !known!.includes(model)) {
      warn(
        [...p, 'model'],
        `unknown ${vendor} model "${written}": served the settings of its firmware family (account count unknown); add like: <catalogue model> to borrow one's`,
      );
    }
    const siteName = r.string([...p, 'site'], true) ?? '';
    const site = sites[siteName];
    if (siteName && !site) r.report([...p, 'site'], `unknown site "${siteName}"`);
    const adminPassword = parseSecretSpec(r.value([...p, 'adminPassword']));
    if (!adminPassword) r.report([...p, 'adminPassword'], 'missing secret (use a value, env:NAME or generate)');
    const lines = parseLines(r, [...p, 'lines'], site);
    const disabled = r.value([...p, 'disabled']) === true;
    const provision = r.value([...p, 'provision']);
    if (provision !== undefined && typeof provision !== 'boolean') r.report([...p, 'provision'], 'must be true or false');
    if (mac && adminPassword) {
      devices.push({
        mac,
        vendor,
        model,
        ...(like ? { like } : {}),
        site: siteName,
        lines,
        adminPassword,
        disabled,
        ...(provision === false ? { provision: false } : {}),
        policy: parsePolicyLayer(r, [...p, 'policy']),
        params: parseParams(r, [...p, 'policy']),
        index: i,
      });
    }
  }
  return devices;
}

function parseLines(r: YamlReader, p: Path, site: Site | undefined): Line[] {
  const lines: Line[] = [];
  for (let j = 0; j < r.length(p); j++) {
    const lp: Path = [...p, j];
    r.unknownKeys(lp, ['extension', 'authUser', 'password', 'displayName']);
    const extension = r.string([...lp, 'extension'], true);
    const password = parseSecretSpec(r.value([...lp, 'password']));
    if (!password) r.report([...lp, 'password'], 'missing secret (use a value, env:NAME or generate)');
    if (site && !site.registrar) r.report(lp, `line has no SIP server: site "${site.name}" has no registrar`);
    if (extension && password) {
      lines.push({
        extension,
        authUser: r.string([...lp, 'authUser'], false) ?? extension,
        password,
        displayName: r.string([...lp, 'displayName'], false),
      });
    }
  }
  return lines;
}

function parseCanaries(r: YamlReader, devices: Device[]): Mac[] {
  const out: Mac[] = [];
  for (let i = 0; i < r.length(['canaries']); i++) {
    const raw = r.string(['canaries', i], true);
    const mac = raw ? parseMac(raw) : undefined;
    if (raw && !mac) r.report(['canaries', i], `"${raw}" is not a MAC address`);
    else if (mac && devices.some((d) => d.mac === mac)) r.report(['canaries', i], 'a canary MAC must not be a real device');
    else if (mac) out.push(mac);
  }
  return out;
}
