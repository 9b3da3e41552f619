/**
 * Rendering a file for a phone: the render service's answer, or the refusal a failed render earns — a quiet 404 for a
 * request that names nothing renderable, a 500 and an event for a configuration that cannot be served — and one
 * `firmware-unknown` event per vendor, model and firmware whose family was guessed.
 */
import { isGhostguardError } from '../model/errors.js';
import type { FileRef, VendorAdapter } from '../model/vendor-contract.js';
import type { AbuseGuard } from './abuse-guard.js';
import type { EventLog } from './event-log.js';
import type { LazyDevice, RenderService } from './render-service.js';
import type { ServedFile } from './served-file.js';
import { REJECT_TEXT, textResponse, type PhoneHttpResponse } from './phone-http.js';
import type { ResolvedPolicy } from '../model/config-types.js';

export interface PhoneRenderDeps {
  renderer: RenderService;
  events: EventLog;
  guard: AbuseGuard;
}

export class PhoneFileRenderer {
  private readonly firmwareWarned = new Set<string>();

  constructor(private readonly deps: PhoneRenderDeps) {}

  render(
    vendor: VendorAdapter,
    file: FileRef,
    model: string,
    firmware: string | undefined,
    policy: ResolvedPolicy,
    device: LazyDevice | undefined,
    version: string,
    mac?: string,
    modelless?: string,
    params?: Record<string, string>,
    stockFiles?: readonly string[],
  ): ServedFile | PhoneHttpResponse {
    try {
      const served = this.deps.renderer.render({
        vendor,
        file,
        model,
        firmware,
        policy,
        device,
        version,
        ...(params ? { params } : {}),
        ...(stockFiles?.length ? { stockFiles } : {}),
      });
      if (served.rendered.family.guessed) this.warnFirmware(vendor, model, firmware, mac);
      return served;
    } catch (err) {
      const detail = isGhostguardError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
      // a shared file asked for without any model (`/cfg.xml` from a foreign User-Agent): the request names nothing renderable
      if (modelless !== undefined) return this.unrenderable(modelless, file.name, `${vendor.id} file without a model: ${detail}`);
      // a params: entry that would undo a rule: the config's doing, refused like a weakening Poly override, never served
      if (isGhostguardError(err) && err.code === 'GG_ERR_PARAMS_WEAKENING')
        this.deps.events.emit({ reason: 'weakening-override', mac, file: file.name, detail });
      else this.deps.events.emit({ reason: 'policy-violating-render', mac, file: file.name, detail });
      return textResponse(500, 'Internal Server Error\n');
    }
  }

  /** A request naming no device or model that can be rendered: a quiet 404, counted toward the source's ban. */
  unrenderable(source: string, file: string, detail: string): PhoneHttpResponse {
    this.deps.events.emit({ reason: 'unrenderable-request', source, file, detail });
    if (this.deps.guard.deny(source, 'challenge'))
      this.deps.events.emit({ reason: 'banned', source, file, detail: 'after unrenderable-request' });
    return textResponse(404, REJECT_TEXT[404]!);
  }

  private warnFirmware(vendor: VendorAdapter, model: string, firmware: string | undefined, mac?: string): void {
    const key = `${vendor.id}|${model}|${firmware}`;
    if (this.firmwareWarned.has(key) || this.firmwareWarned.size > 10_000) return;
    this.firmwareWarned.add(key);
    this.deps.events.emit({
      reason: 'firmware-unknown',
      mac,
      detail: `${vendor.id} ${model} firmware ${firmware ?? '(none)'}: newest known family assumed`,
    });
  }
}
