/**
 * A devices CSV → devices, or every problem cited by the CSV's own file name and line. Pure: the caller reads the
 * file. The first line must name the columns; vendor and model names are matched without regard to case, by id or
 * by the names admins use (a vendor's display name and its parts: "Poly (Polycom)" answers to Poly and Polycom).
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { isUnicastMac, parseMac, type Mac } from '../model/mac.js';

export const REQUIRED_COLUMNS = ['mac', 'vendor', 'model', 'site', 'extension', 'password'] as const;
export const OPTIONAL_COLUMNS = ['authuser', 'displayname', 'adminpassword', 'like', 'provision'] as const;
const COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

export interface NamedVendor {
  id: string;
  displayName: string;
  models: readonly { id: string; displayName: string }[];
}

export interface CsvLine {
  extension: string;
  password: string;
  authUser?: string;
  displayName?: string;
}

export interface CsvDevice {
  mac: Mac;
  vendor: string;
  /** the catalogue's id, or the name as written for a model outside the catalogue (the config then warns) */
  model: string;
  /** a catalogue model whose settings a model outside the catalogue borrows */
  like?: string;
  /** false: audit only (another system provisions it); such a row needs no extension or password */
  provision?: false;
  site: string;
  /** only when the CSV gives one (a new device otherwise gets `generate`; an existing one keeps its own) */
  adminPassword?: string;
  lines: CsvLine[];
  /** the CSV line of each of `lines` */
  csvLines: number[];
}

export interface CsvRead {
  devices: CsvDevice[];
  problems: string[];
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Every name a vendor answers to, squashed: its id, its display name, and the parts of "Name (Other name)". */
export function vendorNames(v: NamedVendor): Set<string> {
  return new Set([v.id, v.displayName, ...v.displayName.split(/[()/,]/)].map(squash).filter(Boolean));
}

export function findVendor(vendors: readonly NamedVendor[], name: string): NamedVendor | undefined {
  const key = squash(name);
  return key ? vendors.find((v) => vendorNames(v).has(key)) : undefined;
}

export function findModel(vendor: NamedVendor, name: string): string | undefined {
  const key = squash(name);
  const brands = [...vendorNames(vendor)];
  const names = (m: { id: string; displayName: string }) => {
    const display = squash(m.displayName);
    return [squash(m.id), display, ...brands.filter((b) => display.startsWith(b)).map((b) => display.slice(b.length))];
  };
  return key ? vendor.models.find((m) => names(m).includes(key))?.id : undefined;
}

const label = (v: NamedVendor) => v.displayName;

interface Record_ {
  cells: string[];
  line: number;
}

function records(text: string): Record_[] {
  const rows = parseCsv(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true }) as {
    record: string[];
    info: { lines: number };
  }[];
  // info.lines is where the record ends; a quoted field may span lines
  return rows.map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.reduce((n, c) => n + (c.match(/\n/g)?.length ?? 0), 0),
  }));
}

export function readDeviceCsv(text: string, name: string, vendors: readonly NamedVendor[], sites: readonly string[]): CsvRead {
  const problems: string[] = [];
  let rows: Record_[];
  try {
    rows = records(text);
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { devices: [], problems: [`${name}:${line ?? 1}: not a readable CSV file: ${(err as Error).message}`] };
  }
  const [head, ...body] = rows;
  if (!head) return { devices: [], problems: [`${name}: empty: the first line must name the columns (${REQUIRED_COLUMNS.join(',')})`] };
  const header = head.cells.map((c) => c.toLowerCase().replace(/[\s_-]/g, ''));
  if (!header.includes('mac')) {
    const looksLikeData = head.cells.some((c) => parseMac(c));
    return {
      devices: [],
      problems: [
        `${name}:${head.line}: ${looksLikeData ? 'no header line: this is already a device' : 'no "mac" column'}; the first line must name the columns, e.g. ${REQUIRED_COLUMNS.join(',')}`,
      ],
    };
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !COLUMNS.includes(c));
  if (missing.length) problems.push(`${name}:${head.line}: missing column(s) ${missing.join(', ')}`);
  if (unknown.length) problems.push(`${name}:${head.line}: unknown column(s) ${unknown.join(', ')} (known: ${COLUMNS.join(', ')})`);
  if (problems.length) return { devices: [], problems };

  const devices = new Map<Mac, CsvDevice & { firstLine: number }>();
  const extensionOwner = new Map<string, { mac: Mac; line: number }>(); // "site\0extension" → first use
  const known = vendors.map(label).join(', ');
  for (const { cells, line } of body) {
    const at = `${name}:${line}`;
    if (cells.length !== header.length) {
      problems.push(`${at}: ${cells.length} field(s), the header has ${header.length}`);
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])) as Record<string, string>;
    const auditOnly = /^(false|no|0)$/i.test(row.provision ?? '');
    if (row.provision && !auditOnly && !/^(true|yes|1)$/i.test(row.provision)) problems.push(`${at}: provision: must be true or false`);
    for (const col of REQUIRED_COLUMNS)
      if (!row[col] && !(auditOnly && (col === 'extension' || col === 'password'))) problems.push(`${at}: ${col}: is required`);
    const mac = parseMac(row.mac ?? '');
    if (row.mac && !mac) problems.push(`${at}: mac: "${row.mac}" is not a MAC address`);
    else if (mac && !isUnicastMac(mac)) problems.push(`${at}: mac: "${row.mac}" is a multicast address, not a phone's`);
    const vendor = row.vendor ? findVendor(vendors, row.vendor) : undefined;
    if (row.vendor && !vendor) problems.push(`${at}: vendor: unknown "${row.vendor}" (known: ${known})`);
    // a model outside the catalogue is taken as written: the configuration warns about it and serves its family's settings
    const model = vendor && row.model ? (findModel(vendor, row.model) ?? row.model) : undefined;
    const like = vendor && row.like ? findModel(vendor, row.like) : undefined;
    if (vendor && row.like && !like) problems.push(`${at}: like: "${row.like}" is not a ${label(vendor)} catalogue model`);
    if (row.site && !sites.includes(row.site))
      problems.push(`${at}: site: unknown "${row.site}" (sites in the configuration: ${sites.join(', ') || 'none'})`);
    if (!mac || !isUnicastMac(mac) || !vendor || !model || !row.site || !sites.includes(row.site)) continue;
    if (!auditOnly && (!row.extension || !row.password)) continue;

    const adminPassword = row.adminpassword || undefined;
    const first = devices.get(mac);
    if (first) {
      const conflicts = (
        [
          ['vendor', first.vendor, vendor.id],
          ['model', first.model, model],
          ['site', first.site, row.site],
          ['adminPassword', first.adminPassword ?? '', adminPassword ?? ''],
        ] as const
      )
        .filter(([, a, b]) => a !== b)
        .map(([k, a, b]) => `${k} ${k === 'adminPassword' ? '(differs)' : `${b} here, ${a} there`}`);
      if (conflicts.length) {
        problems.push(`${at}: mac ${mac}: conflicts with line ${first.firstLine}: ${conflicts.join('; ')}`);
        continue;
      }
    }
    const fresh = (): CsvDevice & { firstLine: number } => ({
      mac,
      vendor: vendor.id,
      model,
      ...(like ? { like } : {}),
      ...(auditOnly ? { provision: false as const } : {}),
      site: row.site!,
      ...(adminPassword ? { adminPassword } : {}),
      lines: [],
      csvLines: [],
      firstLine: line,
    });
    if (!row.extension) {
      if (!first) devices.set(mac, fresh());
      continue;
    }
    const key = `${row.site}\0${row.extension}`;
    const owner = extensionOwner.get(key);
    if (owner) {
      problems.push(`${at}: extension ${row.extension}: already used on site ${row.site} by ${owner.mac} (line ${owner.line})`);
      continue;
    }
    extensionOwner.set(key, { mac, line });
    const device = first ?? fresh();
    device.lines.push({
      extension: row.extension,
      password: row.password ?? '',
      ...(row.authuser ? { authUser: row.authuser } : {}),
      ...(row.displayname ? { displayName: row.displayname } : {}),
    });
    device.csvLines.push(line);
    devices.set(mac, device);
  }
  return { devices: [...devices.values()].map(({ firstLine: _f, ...d }) => d), problems };
}
