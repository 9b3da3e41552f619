/** `ghostguard import devices.csv`: bulk adds. A dry run by default; --apply writes the config (keeping comments). */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDocument, YAMLSeq } from 'yaml';
import { parseConfig } from '../../model/config-parse.js';
import { formatIssue } from '../../model/config-issues.js';
import { parseMac } from '../../model/mac.js';
import { catalogue, configPath } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

const COLUMNS = ['mac', 'vendor', 'model', 'site', 'extension', 'authuser', 'password', 'displayname', 'adminpassword'];

interface CsvDevice {
  mac: string;
  vendor: string;
  model: string;
  site: string;
  adminPassword: string;
  lines: { extension: string; authUser?: string; password: string; displayName?: string }[];
}

export function importCommand(csvPath: string, options: { config?: string; apply?: boolean }, io: CliIo): number {
  const path = configPath(options.config, io);
  const rows = parseCsv(readFileSync(resolve(io.cwd, csvPath), 'utf8'), { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  const problems: string[] = [];
  const devices = new Map<string, CsvDevice>();
  rows.forEach((row, i) => {
    const at = `${csvPath}:${i + 2}`;
    const unknown = Object.keys(row).filter((k) => !COLUMNS.includes(k));
    if (unknown.length) problems.push(`${at}: unknown column(s) ${unknown.join(', ')}`);
    const mac = parseMac(row.mac ?? '');
    if (!mac) return void problems.push(`${at}: mac: "${row.mac ?? ''}" is not a MAC address`);
    for (const col of ['vendor', 'model', 'site', 'extension', 'password']) if (!row[col]) problems.push(`${at}: ${col}: is required`);
    const device = devices.get(mac) ?? { mac, vendor: row.vendor ?? '', model: row.model ?? '', site: row.site ?? '', adminPassword: row.adminpassword || 'generate', lines: [] };
    device.lines.push({ extension: row.extension ?? '', password: row.password ?? '', ...(row.authuser ? { authUser: row.authuser } : {}), ...(row.displayname ? { displayName: row.displayname } : {}) });
    devices.set(mac, device);
  });
  const doc = parseDocument(readFileSync(path, 'utf8'));
  if (!doc.has('devices')) doc.set('devices', new YAMLSeq());
  for (const d of devices.values()) (doc.get('devices') as YAMLSeq).add(doc.createNode(d));
  const merged = doc.toString();
  const { issues } = parseConfig(merged, `${path} (after import)`, catalogue);
  problems.push(...issues.map(formatIssue));
  if (problems.length > 0) {
    for (const p of problems) io.err(p + '\n');
    io.err(`import refused: ${problems.length} problem(s); nothing written\n`);
    return EXIT.findings;
  }
  const summary = [...devices.values()].map((d) => `  + ${d.mac} ${d.vendor} ${d.model} site ${d.site}, ${d.lines.length} line(s)`).join('\n');
  if (!options.apply) {
    io.out(`dry run: ${devices.size} device(s) would be added to ${path}\n${summary}\nrun again with --apply to write\n`);
    return EXIT.ok;
  }
  copyFileSync(path, `${path}.bak`);
  writeFileSync(path, merged);
  io.out(`added ${devices.size} device(s) to ${path} (backup: ${path}.bak)\n${summary}\n`);
  return EXIT.ok;
}
