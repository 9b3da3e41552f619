/**
 * `ghostguard import devices.csv`: bulk adds (and with --update, changes) devices. A dry run by default; --apply
 * writes the config, keeping its comments. Every problem names the CSV's own line; a device already configured
 * exactly as the CSV says is left alone, so importing the same file twice changes nothing.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap } from 'yaml';
import { deviceNode, devicesSeq, existingDevices, parseConfigDocument, type ExistingDevice } from '../../model/config-devices-edit.js';
import { parseConfig } from '../../model/config-parse.js';
import { formatIssue } from '../../model/config-issues.js';
import { GhostguardError } from '../../model/errors.js';
import { envSecretProblem } from '../../model/secret-spec.js';
import { chooseConfig, type ConfigOptions } from '../config-choice.js';
import { catalogue, vendors } from '../context.js';
import { readDeviceCsv, type CsvDevice } from '../device-csv.js';
import { EXIT, type CliIo } from '../io.js';
import { unservableModels, withoutRefused } from '../model-check.js';

export interface ImportOptions extends ConfigOptions {
  apply?: boolean;
  update?: boolean;
}

type Existing = ExistingDevice;

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** What the CSV would change on a configured device (empty: it already is as the CSV says). */
function differences(current: Record<string, unknown>, d: CsvDevice): string[] {
  const out: string[] = [];
  for (const k of ['vendor', 'model', 'site'] as const)
    if (str(current[k]) !== d[k]) out.push(`${k} ${str(current[k]) || '(none)'} → ${d[k]}`);
  if (str(current.like) !== str(d.like)) out.push(`like ${str(current.like) || '(none)'} → ${str(d.like) || '(none)'}`);
  if ((current.provision === false) !== (d.provision === false)) out.push(d.provision === false ? 'provision → false' : 'provision → true');
  if (d.adminPassword !== undefined && str(current.adminPassword) !== d.adminPassword) out.push('adminPassword');
  const lines = Array.isArray(current.lines) ? (current.lines as Record<string, unknown>[]) : [];
  const shape = (l: { extension?: unknown; password?: unknown; authUser?: unknown; displayName?: unknown }) =>
    [l.extension, l.password, l.authUser, l.displayName].map(str).join('\0');
  if (lines.length !== d.lines.length || lines.some((l, i) => shape(l) !== shape(d.lines[i]!)))
    out.push(`lines (${lines.map((l) => str(l.extension)).join(',') || 'none'} → ${d.lines.map((l) => l.extension).join(',')})`);
  return out;
}

export function importCommand(csvPath: string, options: ImportOptions, io: CliIo): number {
  const choice = chooseConfig(options, io);
  const path = choice.path;
  if (choice.bundled && options.apply) {
    throw new GhostguardError(
      'GG_ERR_USAGE',
      `import --apply would edit the bundled example ${path}: write your own with \`ghostguard init\` (./ghostguard.yaml), or give -c <file>`,
    );
  }
  const text = readFileSync(path, 'utf8');
  const doc = parseConfigDocument(text, path);
  const sitesNode = doc.get('sites');
  const sites = isMap(sitesNode) ? sitesNode.items.map((p) => str((p.key as { value?: unknown })?.value ?? p.key)) : [];
  const csv = readDeviceCsv(readFileSync(resolve(io.cwd, csvPath), 'utf8'), csvPath, vendors, sites);
  const problems = [...csv.problems];
  const seq = devicesSeq(doc);
  const existing = existingDevices(seq, text);
  const byMac = new Map(existing.map((e) => [e.mac, e]));
  const csvMacs = new Set(csv.devices.map((d) => d.mac));
  const extensionOwner = new Map<string, Existing>();
  for (const e of existing) if (!csvMacs.has(e.mac)) for (const x of e.extensions) extensionOwner.set(`${e.site}\0${x}`, e);

  const added: CsvDevice[] = [];
  const updated: { device: CsvDevice; changes: string[] }[] = [];
  let unchanged = 0;
  const csvLinesOf = new Map<number, number[]>(); // devices[index] → the CSV lines of its lines
  for (const d of csv.devices) {
    const at = `${csvPath}:${d.csvLines[0]}`;
    d.lines.forEach((l, i) => {
      const owner = extensionOwner.get(`${d.site}\0${l.extension}`);
      if (owner)
        problems.push(
          `${csvPath}:${d.csvLines[i]}: extension ${l.extension}: already used on site ${d.site} by ${owner.mac} (${path}:${owner.line})`,
        );
    });
    const current = byMac.get(d.mac);
    if (!current) {
      csvLinesOf.set(seq.items.length, d.csvLines);
      seq.add(doc.createNode(deviceNode(d)));
      added.push(d);
      continue;
    }
    const changes = differences(current.json, d);
    if (changes.length === 0) {
      unchanged++;
      continue;
    }
    if (!options.update) {
      problems.push(
        `${at}: mac ${d.mac}: already in ${path}:${current.line} with other settings (${changes.join('; ')}); --update changes it`,
      );
      continue;
    }
    csvLinesOf.set(current.index, d.csvLines);
    seq.set(current.index, doc.createNode(deviceNode(d, current.json)));
    updated.push({ device: d, changes });
  }

  const merged = doc.toString();
  const parsed = parseConfig(merged, path, catalogue);
  const mergedConfig = parsed.config;
  const refused = mergedConfig ? unservableModels(mergedConfig, vendors, path, merged) : [];
  const issues = [...parsed.issues, ...refused];
  for (const w of withoutRefused(parsed.warnings ?? [], refused)) io.err(`${formatIssue(w)} (warning)\n`);
  // an env:NAME secret that is not set would be written, then the device would drop out of service at the reload
  for (const device of mergedConfig?.devices ?? []) {
    const lines = csvLinesOf.get(device.index);
    if (!lines) continue;
    [device.adminPassword, ...device.lines.map((l) => l.password)].forEach((spec, i) => {
      const problem = spec.kind === 'env' ? envSecretProblem(spec.name, io.env) : undefined;
      if (problem)
        problems.push(
          `${csvPath}:${lines[Math.max(0, i - 1)] ?? lines[0]}: ${i === 0 ? 'adminPassword' : `lines[${i - 1}].password`}: ${problem}`,
        );
    });
  }
  for (const issue of issues) {
    const m = /^devices\[(\d+)\](?:\.lines\[(\d+)\])?\.?(.*)$/.exec(issue.field);
    const lines = m ? csvLinesOf.get(Number(m[1])) : undefined;
    if (!lines) problems.push(formatIssue(issue));
    else problems.push(`${csvPath}:${lines[Number(m![2] ?? 0)] ?? lines[0]}: ${m![3] || 'device'}: ${issue.message}`);
  }
  if (problems.length > 0) {
    for (const p of problems) io.err(p + '\n');
    io.err(`import refused: ${problems.length} problem(s); nothing written\n`);
    return EXIT.findings;
  }
  const summary = [
    ...added.map((d) => `  + ${d.mac} ${d.vendor} ${d.model} site ${d.site}, ${d.lines.length} line(s)`),
    ...updated.map(({ device: d, changes }) => `  ~ ${d.mac}: ${changes.join('; ')}`),
  ].join('\n');
  const counts = `${added.length} to add, ${updated.length} to update, ${unchanged} already as in the CSV`;
  if (added.length + updated.length === 0) {
    io.out(`nothing to do: ${unchanged} device(s) in ${path} already as in ${csvPath}\n`);
    return EXIT.ok;
  }
  if (!options.apply) {
    io.out(`dry run on ${path}: ${counts}\n${summary}\nrun again with --apply to write\n`);
    return EXIT.ok;
  }
  copyFileSync(path, `${path}.bak`);
  writeFileSync(path, merged);
  io.out(`${path}: ${added.length} added, ${updated.length} updated, ${unchanged} unchanged (backup: ${path}.bak)\n${summary}\n`);
  return EXIT.ok;
}
