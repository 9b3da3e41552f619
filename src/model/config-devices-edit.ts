/**
 * Editing the `devices:` list of a configuration file as YAML text, keeping its comments and layout: the CSV import and
 * the dashboard's adopt action both add devices through here. Pure: text in, text out.
 */
import { isSeq, parseDocument, YAMLSeq, type Document, type YAMLMap } from 'yaml';
import { GhostguardError } from './errors.js';
import { parseMac, type Mac } from './mac.js';

export interface NewDevice {
  mac: Mac;
  vendor: string;
  model: string;
  /** another model whose parameters this one takes */
  like?: string;
  /** false: listed but not provisioned */
  provision?: boolean;
  site: string;
  /** absent: a new device gets `generate`; an existing one keeps its own */
  adminPassword?: string;
  lines: { extension: string; password: string; authUser?: string; displayName?: string }[];
}

export interface ExistingDevice {
  index: number;
  mac: Mac;
  line: number;
  site: string;
  extensions: string[];
  json: Record<string, unknown>;
}

const lineAt = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

export function existingDevices(seq: YAMLSeq, text: string): ExistingDevice[] {
  return seq.items.flatMap((node, index) => {
    const json = (node as YAMLMap).toJSON?.() as Record<string, unknown> | undefined;
    const mac = json ? parseMac(str(json.mac)) : undefined;
    if (!json || !mac) return [];
    const lines = Array.isArray(json.lines) ? (json.lines as Record<string, unknown>[]) : [];
    return [
      {
        index,
        mac,
        line: lineAt(text, (node as YAMLMap).range?.[0] ?? 0),
        site: str(json.site),
        extensions: lines.map((l) => str(l.extension)),
        json,
      },
    ];
  });
}

export function deviceNode(d: NewDevice, keep: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...keep,
    mac: d.mac,
    vendor: d.vendor,
    model: d.model,
    ...(d.like ? { like: d.like } : {}),
    ...(d.provision === false ? { provision: false } : {}),
    site: d.site,
    adminPassword: d.adminPassword ?? keep.adminPassword ?? 'generate',
    lines: d.lines,
  };
}

/** The document's `devices:` list, created empty when the file has none. */
export function devicesSeq(doc: Document): YAMLSeq {
  const node = doc.get('devices', true);
  if (node === undefined || node === null || (typeof node === 'object' && 'value' in node && node.value === null)) {
    const seq = new YAMLSeq();
    doc.set('devices', seq);
    return seq;
  }
  if (!isSeq(node)) throw new GhostguardError('GG_ERR_CONFIG_INVALID', 'devices: must be a list', []);
  return node;
}

/** The config file as an editable YAML document (comments kept); a syntax error is GG_ERR_CONFIG_INVALID with its line. */
export function parseConfigDocument(text: string, path: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length)
    throw new GhostguardError(
      'GG_ERR_CONFIG_INVALID',
      undefined,
      doc.errors.map((e) => `${path}:${e.linePos?.[0]?.line ?? 1}: ${e.message}`),
    );
  return doc;
}

/** `text` with one device appended to `devices:` (comments kept); refuses a MAC already listed. */
export function appendDevice(text: string, path: string, d: NewDevice): string {
  const doc = parseConfigDocument(text, path);
  const seq = devicesSeq(doc);
  const there = existingDevices(seq, text).find((e) => e.mac === d.mac);
  if (there) throw new GhostguardError('GG_ERR_CONFIG_INVALID', `${d.mac} is already in ${path}:${there.line}`, []);
  seq.add(doc.createNode(deviceNode(d)));
  return doc.toString();
}

/** What adding a device to the configuration came to: written and reloaded, or refused with the problems. */
export type AdoptResult = { ok: true } | { ok: false; problems: string[] };
