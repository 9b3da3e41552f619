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
  rendered: RenderedFile;
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

const MAX_ENTRIES = 60_000;

export class RenderService {
  private readonly cache = new Map<string, ServedFile>();

  render(req: RenderRequest): ServedFile {
    const key = `${req.version}|${req.vendor.id}|${req.file.name}|${req.model}|${req.firmware ?? ''}|${req.device?.mac ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const served = this.renderFresh(req);
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, served);
    return served;
  }

  clear(): void {
    this.cache.clear();
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
    const body = Buffer.from(rendered.body, 'utf8');
    const sha256 = createHash('sha256').update(body).digest('hex');
    return { body, sha256, etag: `"${sha256.slice(0, 32)}"`, contentType: rendered.contentType, rendered };
  }
}
