/** Renders, guards and caches files. A rendered file is checked against the policy before it may leave. */
import { hash } from 'node:crypto';
import type { ResolvedDevice, ResolvedPolicy } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';
import { checkRules } from '../model/rule-check.js';
import { weakeningParams } from '../model/params-guard.js';
import type { FileRef, RenderedFile, RenderInput, VendorAdapter } from '../model/vendor-contract.js';
import { FileTemplates } from './file-templates.js';
import { PhoneFileRing } from './phone-file-ring.js';
import type { ServedFile } from './served-file.js';

export interface RenderRequest {
  vendor: VendorAdapter;
  file: FileRef;
  model: string;
  firmware?: string;
  policy: ResolvedPolicy;
  /** the device, or how to resolve it: only a cache miss needs its secrets, so a hit never derives them */
  device?: ResolvedDevice | LazyDevice;
  /** changes whenever the inventory or the device's credentials change: part of the cache key */
  version: string;
  /** `params:` of the policy layers (they change only with the inventory, so the version covers them in the cache key) */
  params?: Readonly<Record<string, string>>;
  /** the vendor's stock files present (read with the inventory, which clears the cache, so not part of the key) */
  stockFiles?: readonly string[];
}

export interface LazyDevice {
  mac: string;
  resolve: () => ResolvedDevice | undefined;
}

/** The cache version of a device's files: the inventory version plus its credential generations (rotation re-renders). */
export function deviceRenderVersion(inventoryVersion: number, creds: { generation: number; sipGeneration: number }): string {
  return `${inventoryVersion}.${creds.generation}.${creds.sipGeneration}`;
}

/**
 * A cold device file is filled from a compiled template (file-templates.ts), so the cache is sized for a phone fetching
 * the same file again soon (a retry, a second boot), not to hold the fleet: 8 MB holds a 2,000-phone site's files.
 */
export const DEFAULT_RENDER_CACHE_MB = 8;
/** what an entry holds besides its body: key, hashes, the entry object (measured with heap snapshots, rounded up) */
const ENTRY_OVERHEAD = 400;
const MAX_REPORTS = 10_000;

interface Entry {
  served: ServedFile;
  /** position in `keys`, for O(1) removal */
  slot: number;
}

/**
 * Bounded by bytes (bodies plus per-entry overhead). Every new file is admitted; a full cache makes room by evicting
 * random entries, so a file fetched a moment ago is very likely still there when its phone asks again. A hit costs one
 * map lookup and no bookkeeping.
 */
class RandomEvictionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keys: string[] = [];
  bytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly random: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): ServedFile | undefined {
    return this.entries.get(key)?.served;
  }

  set(key: string, served: ServedFile): void {
    const size = served.body.length + ENTRY_OVERHEAD;
    if (size > this.maxBytes) return;
    while (this.bytes + size > this.maxBytes && this.keys.length > 0) this.evict(Math.floor(this.random() * this.keys.length));
    this.entries.set(key, { served, slot: this.keys.length });
    this.keys.push(key);
    this.bytes += size;
  }

  clear(): void {
    this.entries.clear();
    this.keys.length = 0;
    this.bytes = 0;
  }

  private evict(slot: number): void {
    const key = this.keys[slot]!;
    const last = this.keys.pop()!;
    if (slot < this.keys.length) {
      this.keys[slot] = last;
      this.entries.get(last)!.slot = slot;
    }
    this.bytes -= this.entries.get(key)!.served.body.length + ENTRY_OVERHEAD;
    this.entries.delete(key);
  }
}

/**
 * The render cache, in two parts: files every phone of a model asks for (no device, no MAC in the name: a few per
 * model) in a quarter of the budget, so that the churn of a large fleet's own files never evicts them; and the files of
 * one phone (its device file, its `<mac>.boot`) in the rest, a ring outside the garbage collector's view
 * (phone-file-ring.ts).
 */
export class RenderService {
  private readonly perPhone: PhoneFileRing;
  private readonly shared: RandomEvictionCache;
  private readonly reports = new Map<string, Omit<RenderedFile, 'body'>>();
  private readonly templates = new FileTemplates((meta) => this.shareReport(meta));
  private hits = 0;
  private misses = 0;

  constructor(maxBytes = DEFAULT_RENDER_CACHE_MB * 1024 * 1024, random: () => number = Math.random) {
    const sharedBytes = Math.floor(maxBytes / 4);
    this.shared = new RandomEvictionCache(sharedBytes, random);
    this.perPhone = new PhoneFileRing(maxBytes - sharedBytes);
  }

  /** entries and bytes held, the budget, and the requests answered from the cache (hits) and rendered (misses) */
  get stats(): { entries: number; bytes: number; maxBytes: number; hits: number; misses: number } {
    return {
      entries: this.perPhone.entries + this.shared.size,
      bytes: this.perPhone.bytes + this.shared.bytes,
      maxBytes: this.perPhone.maxBytes + this.shared.maxBytes,
      hits: this.hits,
      misses: this.misses,
    };
  }

  /** device files filled from a template, sent down the full path instead, templates built and refused; shapes and bytes held */
  get templateCounts(): { filled: number; fallbacks: number; built: number; refused: number; shapes: number; bytes: number } {
    return { ...this.templates.counts, shapes: this.templates.size, bytes: this.templates.memory };
  }

  render(req: RenderRequest): ServedFile {
    const key = `${req.version}|${req.vendor.id}|${req.file.name}|${req.model}|${req.firmware ?? ''}|${req.device?.mac ?? ''}`;
    const cache = req.device || req.file.mac ? this.perPhone : this.shared;
    const hit = cache.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.misses++;
    const served = this.renderFresh(req);
    cache.set(key, served);
    return served;
  }

  clear(): void {
    this.perPhone.clear();
    this.shared.clear();
    this.reports.clear();
    this.templates.clear();
  }

  private renderFresh(req: RenderRequest): ServedFile {
    const device = req.device && 'resolve' in req.device ? req.device.resolve() : req.device;
    if (req.device && !device)
      throw new GhostguardError('GG_ERR_SECRET_MISSING', `device ${req.device.mac}: a secret it references is not available`);
    const params = req.params && Object.keys(req.params).length > 0 ? req.params : undefined;
    const input: RenderInput = {
      model: req.model,
      firmware: req.firmware,
      policy: req.policy,
      ...(device ? { device } : {}),
      file: req.file,
      ...(params ? { params } : {}),
      ...(req.stockFiles?.length ? { stockFiles: req.stockFiles } : {}),
    };
    if (params) {
      const conflicts = weakeningParams(req.vendor.compile(input), params, req.vendor.apiSetting);
      if (conflicts.length > 0) {
        throw new GhostguardError(
          'GG_ERR_PARAMS_WEAKENING',
          conflicts.map((c) => `params: ${c.key} = ${c.value} would undo ${c.rule} (it writes ${c.want})`).join('; '),
        );
      }
    }
    const templated = this.templates.render(req.vendor, input, (shaped) => this.renderGuarded(req.vendor, shaped));
    const { body, rendered } = templated ? { body: templated.body, rendered: templated.meta } : this.renderFull(req.vendor, input);
    // one-shot: no Hash object per file (a cold render's SHA-256 was a tenth of its cost)
    const sha256 = hash('sha256', body, 'hex');
    return { body, sha256, etag: `"${sha256.slice(0, 32)}"`, contentType: rendered.contentType, rendered };
  }

  private renderFull(vendor: VendorAdapter, input: RenderInput): { body: Buffer; rendered: Omit<RenderedFile, 'body'> } {
    const { body: text, ...meta } = this.renderGuarded(vendor, input);
    // its own exactly-sized memory: a slice of Buffer's shared pool would pin the whole 8 KB slab while cached
    const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
    body.write(text, 'utf8');
    return { body, rendered: this.shareReport(meta) };
  }

  /** The full path: render, read back and check against the policy. */
  private renderGuarded(vendor: VendorAdapter, input: RenderInput): RenderedFile {
    const rendered = vendor.render(input);
    if (input.file.kind === 'device' || input.file.kind === 'common') {
      const failures = checkRules(vendor.compile(input), vendor.read(rendered.body)).filter((c) => c.state === 'fail');
      if (failures.length > 0) {
        throw new GhostguardError(
          'GG_ERR_RENDER_VIOLATION',
          `rendered ${input.file.name} violates ${failures.map((f) => f.rule).join(', ')}`,
        );
      }
    }
    return rendered;
  }

  /** Thousands of phones of one model and policy get the same report: keep one copy. */
  private shareReport(meta: Omit<RenderedFile, 'body'>): Omit<RenderedFile, 'body'> {
    const key = JSON.stringify(meta);
    const known = this.reports.get(key);
    if (known) return known;
    if (this.reports.size >= MAX_REPORTS) this.reports.clear();
    this.reports.set(key, meta);
    return meta;
  }
}
