/**
 * The key of a compiled template: every field of the shaped render input (file-templates.ts), written out by hand.
 * JSON.stringify of the shaped input cost several microseconds per cold device file, most of a fill. Each field is
 * named below, and a field added to the render input, the file reference, the device, its lines or its provisioning
 * breaks the build here until the key writes it, so two inputs that differ can never share a key. Strings are
 * length-prefixed, so no content can imitate a separator. The policy and the site — large, and shared by thousands of
 * devices — are written as the numbers of their contents; `params:` (a few keys, a new object per request) as its JSON.
 */
import type { ResolvedDevice, ResolvedLine } from '../model/config-types.js';
import type { FileRef, RenderInput } from '../model/vendor-contract.js';

/** true only when K names every field of T */
type Every<T, K extends keyof T> = [Exclude<keyof T, K>] extends [never] ? true : false;
type Provisioning = ResolvedDevice['provisioning'];
const EVERY_FIELD_WRITTEN: [
  Every<RenderInput, 'model' | 'firmware' | 'policy' | 'device' | 'file' | 'params' | 'stockFiles'>,
  Every<FileRef, 'name' | 'kind' | 'mac' | 'model' | 'secret' | 'upload'>,
  Every<ResolvedDevice, 'mac' | 'vendor' | 'model' | 'site' | 'lines' | 'adminPassword' | 'userPassword' | 'provisioning'>,
  Every<ResolvedLine, 'index' | 'extension' | 'authUser' | 'password' | 'displayName'>,
  Every<Provisioning, 'username' | 'password' | 'url'>,
] = [true, true, true, true, true];

const str = (s: string | undefined): string => (s === undefined ? '-' : `${s.length}:${s}`);

/**
 * A stand-in is written as its number (`S3|`), not its text: a stand-in's text holds private-use characters, which
 * made every key a two-byte string twice its length, to be flattened, hashed and compared on every cold device file.
 * A field that stands in for a value holds the empty string or exactly one stand-in, and the file name at most one
 * inside it; `S` and `P` never begin a length-prefixed string, so the forms cannot be confused.
 */
export class TemplateKeys {
  private readonly parts = new ContentNumbers();
  private readonly names = new Map<string, string>();

  /** @param standIn the number of a stand-in's text, undefined for any other string */
  constructor(private readonly standIn: (text: string) => number | undefined) {}

  keyOf(vendorId: string, shaped: RenderInput): string {
    const { model, firmware, policy, device, file, params, stockFiles } = shaped;
    const parts = this.parts;
    const slot = (s: string): string => {
      const i = s === '' ? undefined : this.standIn(s);
      return i === undefined ? str(s) : `S${i}|`;
    };
    let key = `${str(vendorId)}${str(model)}${str(firmware)}${parts.numberOf(policy)}|${str(params && JSON.stringify(params))}`;
    key += stockFiles ? `${stockFiles.length}|${stockFiles.map(str).join('')}` : '-';
    key += `F${this.fileName(file.name)}${str(file.kind)}${file.mac === undefined ? '-' : slot(file.mac)}${str(file.model)}`;
    key += `${file.secret ? 1 : 0}${file.upload ? 1 : 0}`;
    if (!device) return key;
    const p = device.provisioning;
    key += `D${slot(device.mac)}${str(device.vendor)}${str(device.model)}${parts.numberOf(device.site)}|${slot(device.adminPassword)}`;
    key += `${slot(device.userPassword)}${slot(p.username)}${slot(p.password)}${str(p.url)}${device.lines.length}|`;
    for (const l of device.lines) key += `${l.index}|${slot(l.extension)}${slot(l.authUser)}${slot(l.password)}${slot(l.displayName)}`;
    return key;
  }

  clear(): void {
    this.parts.clear();
    this.names.clear();
  }

  /**
   * The name with the MAC it spells standing in: the text around the stand-in, and its number. Remembered by name: a
   * fleet's shaped names are a few per vendor (the stand-in is the first value, so its number is 0).
   */
  private fileName(name: string): string {
    let text = this.names.get(name);
    if (text !== undefined) return text;
    const at = name.indexOf('\uE000');
    const end = at < 0 ? -1 : name.indexOf('\uE001', at);
    const i = end < 0 ? undefined : this.standIn(name.slice(at, end + 1));
    text = i === undefined ? str(name) : `P${str(name.slice(0, at))}S${i}|${str(name.slice(end + 1))}`;
    if (this.names.size >= MAX_NAMES) this.names.clear();
    this.names.set(name, text);
    return text;
  }
}

/**
 * Numbers objects by content: the same object is looked up by identity, another one with equal content gets the same
 * number. Bounded: past MAX_CONTENTS distinct contents it starts afresh with new numbers, so a key built before never
 * matches a different content.
 */
class ContentNumbers {
  private byObject = new WeakMap<object, number>();
  private readonly byContent = new Map<string, number>();
  private next = 0;

  numberOf(value: object): number {
    let n = this.byObject.get(value);
    if (n !== undefined) return n;
    const content = JSON.stringify(value);
    n = this.byContent.get(content);
    if (n === undefined) {
      if (this.byContent.size >= MAX_CONTENTS) this.clear();
      this.byContent.set(content, (n = this.next++));
    }
    this.byObject.set(value, n);
    return n;
  }

  clear(): void {
    this.byObject = new WeakMap();
    this.byContent.clear();
  }
}

const MAX_CONTENTS = 10_000;
const MAX_NAMES = 1_000;
void EVERY_FIELD_WRITTEN;
