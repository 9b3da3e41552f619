/** `ghostguard validate`: every problem with file, line and field; exit 1 when there is one. Secrets are never printed. */
import { formatIssue, type ConfigIssue } from '../../model/config-issues.js';
import type { FleetConfig, SecretSpec } from '../../model/config-types.js';
import { envSecretProblem } from '../../model/secret-spec.js';
import { readFileSync, statSync } from 'node:fs';
import { YamlReader } from '../../model/yaml-reader.js';
import { scopeProblem } from '../../schedule/schedule-config.js';
import { chooseConfig, type ConfigOptions } from '../config-choice.js';
import { catalogue, vendors } from '../context.js';
import { paramProblems } from '../params-check.js';
import { unservableModels, withoutRefused } from '../model-check.js';
import { Inventory, isProvisioned } from '../../model/inventory.js';
import { readConfig } from '../../provisioning/config-source.js';
import { EXIT, type CliIo } from '../io.js';

export function validateCommand(options: ConfigOptions & { json?: boolean }, io: CliIo): number {
  const choice = chooseConfig(options, io);
  const path = choice.path;
  const read = readConfig(path, catalogue, choice.baseDir);
  const { config, issues } = read;
  const all: ConfigIssue[] = [...issues];
  const text = config ? readFileSync(path, 'utf8') : '';
  let reader: YamlReader | undefined;
  const lineOf = (at: (string | number)[]) => (reader ??= new YamlReader(text, path)).lineOf(at);
  const refused = config ? unservableModels(config, vendors, path, text) : [];
  const warnings = withoutRefused(read.warnings ?? [], refused);
  all.push(...refused);
  if (config) all.push(...paramProblems(config, vendors, path));
  if (config) {
    const unset = (spec: SecretSpec) => (spec.kind === 'env' && !io.env[spec.name] ? spec.name : undefined);
    const problem = (spec: SecretSpec) => (spec.kind === 'env' ? envSecretProblem(spec.name, io.env) : undefined);
    for (const device of config.devices) {
      for (const message of [device.adminPassword, ...device.lines.map((l) => l.password)].map(problem).filter(Boolean)) {
        all.push({ file: path, line: lineOf(['devices', device.index]), field: `device ${device.mac}`, message: message! });
      }
    }
    // `serve` refuses to start on these, so validate must not call the file valid
    const stockProblem = config.server.stockFiles === undefined ? undefined : directoryProblem(config.server.stockFiles);
    if (stockProblem) all.push({ file: path, line: lineOf(['server', 'stockFiles']), field: 'server.stockFiles', message: stockProblem });
    for (const schedule of config.schedules) {
      const scope = scopeProblem(schedule, config.server.auditAllow);
      if (scope)
        all.push({
          file: path,
          line: lineOf(['schedules', schedule.index, 'targets']),
          field: `schedules[${schedule.index}] (${schedule.name})`,
          message: scope,
        });
      const name = schedule.webhook && unset(schedule.webhook.secret);
      if (name) {
        all.push({
          file: path,
          line: lineOf(['schedules', schedule.index, 'webhook', 'secret']),
          field: `schedules[${schedule.index}] (${schedule.name}) webhook.secret`,
          message: `missing secret: environment variable ${name} is not set`,
        });
      }
    }
  }
  if (config) warnings.push(...bothBehindProxy(config, path, lineOf));
  if (!options.json) for (const w of warnings) io.err(`${formatIssue(w)} (warning)\n`);
  if (options.json) io.out(JSON.stringify({ file: path, valid: all.length === 0, issues: all, warnings }, null, 2) + '\n');
  else if (all.length === 0) io.out(`${path}: valid (${config!.devices.length} devices, ${Object.keys(config!.sites).length} sites)\n`);
  else for (const issue of all) io.err(formatIssue(issue) + '\n');
  return all.length === 0 ? EXIT.ok : EXIT.findings;
}

/**
 * `invite-validation: both` is a source check plus digest: a phone that checks the source (Poly request validation)
 * still wants requests from the registrar's address, which a site behind an outbound proxy or SBC does not send.
 */
function bothBehindProxy(config: FleetConfig, path: string, lineOf: (at: (string | number)[]) => number): ConfigIssue[] {
  const inventory = new Inventory(config, { masterKey: Buffer.alloc(32), env: {} }, 0);
  const sites = new Set<string>();
  for (const device of config.devices) {
    const site = config.sites[device.site];
    if (!site?.outboundProxy || !isProvisioned(device) || sites.has(site.name)) continue;
    if (inventory.policyFor(device)['invite-validation'].method !== 'both') continue;
    sites.add(site.name);
  }
  return [...sites].map((name) => ({
    file: path,
    line: lineOf(['sites', name, 'outboundProxy']),
    field: `sites.${name}.outboundProxy`,
    message: `invite-validation method "both" also checks that requests come from the registrar's address, but this site sends through outbound proxy ${config.sites[name]!.outboundProxy}: phones that check the source would refuse its calls; use method "digest" here`,
  }));
}

function directoryProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : `${dir} is not a directory`;
  } catch {
    return `${dir} does not exist or cannot be read`;
  }
}
