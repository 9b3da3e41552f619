/** Renders, guards and caches files. A rendered file is checked against the policy before it may leave. */
import { createHash } from 'node:crypto';
import type { ResolvedDevice, ResolvedPolicy } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';
import { checkRules } from '../model/rule-check.js';
import type { FileRef, RenderedFile, VendorAdapter } from '../model/vendor-contract.js';

export interface ServedFile {
  body: Buffer;
  etag: string;
  sha256: string;
  contentType: string;
  /** what the renderer reported, without a second copy of the body */
  rendered: Omit<RenderedFile, 'body'>;
}

export interface RenderRequest {
  vendor: VendorAdapter;
  file: FileRef;
  model: string;
  firmware?: string;
  policy: ResolvedPolicy;
  device?: ResolvedDevice;
  /** changes whenever the inventory or the device's credentials change: part of the cache key */
  version: string;
}

/** The cache version of a device's files: the inventory version plus its credential generations (rotation re-renders). */
export function deviceRenderVersion(inventoryVersion: number, creds: { generation: number; sipGeneration: number }): string {
  return `${inventoryVersion}.${creds.generation}.${creds.sipGeneration}`;
}

/** Least-recently-used cache bounded by bytes: a 20,000-phone fleet must not hold every rendered file forever. */
export class RenderService {
  private readonly cache = new Map<string, ServedFile>();
  private bytes = 0;

  constructor(private readonly maxBytes = 96 * 1024 * 1024) {}

  render(req: RenderRequest): ServedFile {
    const key = `${req.version}|${req.vendor.id}|${req.file.name}|${req.model}|${req.firmware ?? ''}|${req.device?.mac ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const served = this.renderFresh(req);
    this.cache.set(key, served);
    this.bytes += served.body.length;
    while (this.bytes > this.maxBytes && this.cache.size > 1) {
      const [oldKey, old] = this.cache.entries().next().value!;
      this.cache.delete(oldKey);
      this.bytes -= old.body.length;
    }
    return served;
  }

  clear(): void {
    this.cache.clear();
    this.bytes = 0;
  }

  private renderFresh(req: RenderRequest): ServedFile {
    const input = { model: req.model, firmware: req.firmware, policy: req.policy, device: req.device, file: req.file };
    const rendered = req.vendor.render(input);
    if (req.file.kind === 'device' || req.file.kind === 'common') {
      const failures = checkRules(req.vendor.compile(input), req.vendor.read(rendered.body)).filter((c) => c.state === 'fail');
      if (failures.length > 0) {
        throw new GhostguardError('GG_ERR_RENDER_VIOLATION', `rendered ${req.file.name} violates ${failures.map((f) => f.rule).join(', ')}`);
      }
    }
    const { body: text, ...meta } = rendered;
    const body = Buffer.from(text, 'utf8');
    const sha256 = createHash('sha256').update(body).digest('hex');
    return { body, sha256, etag: `"${sha256.slice(0, 32)}"`, contentType: rendered.contentType, rendered: meta };
  }
}
