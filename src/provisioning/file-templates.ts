/**
 * Compiled device-file templates. A device file is rendered and guarded once per shape — vendor, file, model,
 * firmware, resolved policy, params, site and every other device field — with stand-ins (sentinels) for the device's
 * own values; every further device of that shape gets the template with its values substituted, each first checked
 * against its slot's character class (src/model/template-slot.ts). The shape is the very input the template was
 * rendered from, so equal shapes render equal documents up to the slot values. A value outside its class, an input
 * whose render fails, or a template the guard refuses sends the request down the full render path, which escapes,
 * validates and guards as it always has. A file without secrets that names one phone's MAC (Yealink `<mac>.boot`, Poly
 * `<mac>.cfg`) is templated the same way with the MAC as its only value: at 20,000 phones there are thousands of them,
 * each a cache miss that would otherwise be rendered in full (the Poly one through the XML builder).
 */
import { randomBytes } from 'node:crypto';
import type { ResolvedDevice } from '../model/config-types.js';
import type { Mac } from '../model/mac.js';
import { fitsSlot, type SlotClass } from '../model/template-slot.js';
import { TemplateKeys } from './template-key.js';
import type { RenderedFile, RenderInput, VendorAdapter } from '../model/vendor-contract.js';

export type FileMeta = Omit<RenderedFile, 'body'>;
/** the full path: render, read back, check against the policy (throws on a violation) */
export type FullRender = (input: RenderInput) => RenderedFile;

interface Template {
  /** literal text around the slots, UTF-8: chunks.length === slots.length + 1 */
  chunks: Buffer[];
  /** the chunks' bytes together */
  chunkBytes: number;
  /** the value index each gap is filled with */
  slots: number[];
  meta: FileMeta;
}

export interface TemplatedFile {
  /**
   * UTF-8, usually a slice of Buffer's shared pool: the render cache keeps a copy in its ring (phone-file-ring.ts), so
   * this one dies with the answer
   */
  body: Buffer;
  /** one object for every file of the template */
  meta: FileMeta;
}

/**
 * Shapes kept, by count and by memory (keys two bytes a character, texts as UTF-8): a fleet has a few per model, firmware
 * and policy; past either bound the oldest is dropped.
 */
export const DEFAULT_MAX_TEMPLATES = 2_000;
const DEFAULT_MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;

export class FileTemplates {
  private readonly templates = new Map<string, Template | null>();
  private readonly keys = new TemplateKeys((text) => this.standIns.get(text));
  private bytes = 0;
  private readonly mark = randomBytes(6).toString('hex');
  private readonly sentinelPattern = new RegExp(`\uE000${this.mark}(\\d+)\uE001`, 'g');
  /** the stand-ins written so far, by value index (each built once), and their indexes by text */
  private readonly sentinels: string[] = [];
  private readonly standIns = new Map<string, number>();
  readonly counts = { filled: 0, fallbacks: 0, built: 0, refused: 0 };

  constructor(
    private readonly shareMeta: (meta: FileMeta) => FileMeta,
    private readonly maxTemplates = DEFAULT_MAX_TEMPLATES,
    private readonly maxBytes = DEFAULT_MAX_TEMPLATE_BYTES,
  ) {}

  get size(): number {
    return this.templates.size;
  }

  get memory(): number {
    return this.bytes;
  }

  /**
   * The device file — or a file without secrets that one phone's MAC names (a `<mac>.boot`: the same document for every
   * phone of a model but the MAC) — by substitution, or undefined when it takes the full render path.
   */
  render(vendor: VendorAdapter, input: RenderInput, full: FullRender): TemplatedFile | undefined {
    const { device, file } = input;
    if (!vendor.templatedDeviceFiles) return undefined;
    if (device ? file.kind !== 'device' : file.secret || file.mac === undefined) return undefined;
    // equal values share a stand-in, so a renderer comparing two of them sees what it would see with the real ones
    const values: string[] = [];
    let fits = true;
    const stand = (value: string, slot: SlotClass): string => {
      if (value === '') return value;
      // each place checks the value against its own class, even one seen before in another place
      fits &&= fitsSlot(value, slot);
      // a dozen values at most: a scan is cheaper than a map
      let i = values.indexOf(value);
      if (i < 0) i = values.push(value) - 1;
      return this.sentinel(i);
    };
    const shaped: RenderInput = { ...input, file: shapeFile(input, stand), ...(device ? { device: shapeDevice(device, stand) } : {}) };
    if (!fits) {
      this.counts.fallbacks++;
      return undefined;
    }
    const key = this.keys.keyOf(vendor.id, shaped);
    let template = this.templates.get(key);
    if (template === undefined) {
      template = this.build(full, shaped);
      this.keep(key, template);
    }
    if (template === null) {
      this.counts.fallbacks++;
      return undefined;
    }
    this.counts.filled++;
    return { body: fill(template, values), meta: template.meta };
  }

  private sentinel(i: number): string {
    let text = this.sentinels[i];
    if (text === undefined) {
      text = this.sentinels[i] = `\uE000${this.mark}${i}\uE001`;
      this.standIns.set(text, i);
    }
    return text;
  }

  clear(): void {
    this.templates.clear();
    this.bytes = 0;
    this.keys.clear();
  }

  private keep(key: string, template: Template | null): void {
    const size = bytesOf(key, template);
    while (this.templates.size > 0 && (this.templates.size >= this.maxTemplates || this.bytes + size > this.maxBytes)) {
      const [oldKey, old] = this.templates.entries().next().value!;
      this.bytes -= bytesOf(oldKey, old);
      this.templates.delete(oldKey);
    }
    this.templates.set(key, template);
    this.bytes += size;
  }

  /** Render and guard once, through the full path; cut the document at the sentinels. */
  private build(full: FullRender, shaped: RenderInput): Template | null {
    let rendered: RenderedFile;
    try {
      rendered = full(shaped);
    } catch {
      // the same input with real values gets the full path, which raises the error with its own code
      return this.refuse();
    }
    const texts: string[] = [];
    const slots: number[] = [];
    let at = 0;
    for (const m of rendered.body.matchAll(this.sentinelPattern)) {
      texts.push(rendered.body.slice(at, m.index));
      slots.push(Number(m[1]));
      at = m.index + m[0].length;
    }
    texts.push(rendered.body.slice(at));
    // a sentinel the renderer changed (cut, case-folded, escaped as a character reference) has no known place: no template
    if (texts.some((c) => c.includes('\uE000') || c.includes('\uE001') || c.includes(this.mark))) return this.refuse();
    const { body: _body, ...meta } = rendered;
    this.counts.built++;
    const chunks = texts.map((t) => Buffer.from(t, 'utf8'));
    return { chunks, chunkBytes: chunks.reduce((n, c) => n + c.length, 0), slots, meta: this.shareMeta(meta) };
  }

  private refuse(): null {
    this.counts.refused++;
    return null;
  }
}

const bytesOf = (key: string, template: Template | null): number => 2 * key.length + (template ? template.chunkBytes : 0);

/**
 * The template's bytes with the values in their slots, written straight into the file's own buffer: the chunks by a
 * plain copy, an ASCII value (every class but a display name allows nothing else) byte by byte, which for a value of a
 * dozen characters is cheaper than a call into the UTF-8 encoder.
 */
function fill({ chunks, chunkBytes, slots }: Template, values: readonly string[]): Buffer {
  let size = chunkBytes;
  for (const slot of slots) size += utf8Length(values[slot]!);
  const body = Buffer.allocUnsafe(size);
  body.set(chunks[0]!, 0);
  let at = chunks[0]!.length;
  for (let i = 0; i < slots.length; i++) {
    at = writeValue(body, values[slots[i]!]!, at);
    const chunk = chunks[i + 1]!;
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

function utf8Length(value: string): number {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return Buffer.byteLength(value, 'utf8');
  return value.length;
}

/** `value` written at `at` as UTF-8; the end of what was written */
function writeValue(body: Buffer, value: string, at: number): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return at + body.write(value, at, 'utf8');
    body[at + i] = c;
  }
  return at + value.length;
}

type Stand = (value: string, slot: SlotClass) => string;

/** The device with a stand-in for each of its own values; everything else stays as it is and shapes the template. */
function shapeDevice(device: ResolvedDevice, stand: Stand): ResolvedDevice {
  return {
    ...device,
    mac: stand(device.mac, 'mac') as Mac,
    lines: device.lines.map((line) => ({
      ...line,
      extension: stand(line.extension, 'user'),
      authUser: stand(line.authUser, 'user'),
      password: stand(line.password, 'secret'),
      displayName: stand(line.displayName, 'display'),
    })),
    adminPassword: stand(device.adminPassword, 'secret'),
    userPassword: stand(device.userPassword, 'secret'),
    provisioning: {
      ...device.provisioning,
      username: stand(device.provisioning.username, 'user'),
      password: stand(device.provisioning.password, 'secret'),
    },
  };
}

/** The file with the MAC it names (and the MAC in its name, as spelled) standing in for the device's. */
function shapeFile(input: RenderInput, stand: Stand): RenderInput['file'] {
  const { file, device } = input;
  const mac = device?.mac ?? file.mac;
  const at = mac ? file.name.toLowerCase().indexOf(mac) : -1;
  const name = at < 0 ? file.name : file.name.slice(0, at) + stand(file.name.slice(at, at + 12), 'mac-text') + file.name.slice(at + 12);
  return { ...file, name, ...(file.mac ? { mac: stand(file.mac, 'mac') as Mac } : {}) };
}
