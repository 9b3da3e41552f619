/**
 * A device's provisioning history read against today's config: what was served last (file, time, sha256), and whether
 * ghostguard would serve the same bytes now — rendered exactly as the phone-facing app renders (RenderService, guard).
 */
import type { CredentialGenerations, Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import { IDENTIFY_LEVELS, type FileRef, type VendorAdapter } from '../model/vendor-contract.js';
import { deviceRenderVersion, type RenderService } from '../provisioning/render-service.js';
import type { ServedFile } from '../provisioning/served-file.js';
import type { AuthMethod, FetchRecord, Store } from '../store/store.js';

export interface ServedFileStatus {
  file: string;
  kind?: FileRef['kind'];
  ts: string;
  source: string;
  auth: AuthMethod;
  sha256: string;
  /** what ghostguard would serve for the same request now; undefined when it cannot be re-rendered */
  currentSha?: string;
  current?: boolean;
  firmware?: string;
}

export interface ProvisioningStatus {
  fetches: number;
  lastFetch?: { ts: string; file: string; source: string; status: number; auth: AuthMethod; userAgent: string };
  /** the latest successful fetch of each file, newest first */
  files: ServedFileStatus[];
  /** true when every served file is what ghostguard serves now; undefined when nothing was served or nothing could be compared */
  current?: boolean;
  summary: string;
}

export interface RenderContext {
  vendors: readonly VendorAdapter[];
  inventory: Inventory;
  store: Pick<Store, 'credentials'>;
  renderer: RenderService;
}

/** The same request rendered today: the phone-facing app's cache version, policy and device choice. */
export async function renderLike(
  ctx: RenderContext,
  mac: Mac,
  fileName: string,
  userAgent: string,
): Promise<{ served: ServedFile; file: FileRef; firmware?: string; generations?: CredentialGenerations } | undefined> {
  const { inventory } = ctx;
  const entry = inventory.device(mac);
  if (!entry) return undefined;
  const vendor = ctx.vendors.find((v) => v.id === entry.vendor);
  if (!vendor) return undefined;
  try {
    const identity = vendor.identifyRequest({ fileName, method: 'GET', userAgent });
    if (identity.level === IDENTIFY_LEVELS.none || identity.file.upload) return undefined;
    const file = identity.file;
    if (!file.secret) {
      const model = file.model ?? identity.model ?? '';
      const served = ctx.renderer.render({
        vendor,
        file,
        model,
        firmware: identity.firmware,
        policy: inventory.sharedPolicy(model),
        device: undefined,
        version: String(inventory.version),
      });
      return { served, file, firmware: identity.firmware };
    }
    const creds = await ctx.store.credentials(mac);
    const device = inventory.resolve(mac, creds);
    if (!device || entry.disabled) return undefined;
    const version = deviceRenderVersion(inventory.version, creds);
    const served = ctx.renderer.render({
      vendor,
      file,
      model: device.model,
      firmware: identity.firmware,
      policy: inventory.policyFor(entry),
      device,
      version,
    });
    return { served, file, firmware: identity.firmware, generations: creds };
  } catch {
    return undefined;
  }
}

export async function provisioningStatus(ctx: RenderContext, history: readonly FetchRecord[]): Promise<ProvisioningStatus> {
  // uploads (Polycom logs and overrides) are answered 204 and are not fetches
  const last = history.find((r) => r.status !== 204) ?? history[0];
  const out: ProvisioningStatus = { fetches: history.length, files: [], summary: '' };
  if (!last) {
    out.summary = 'Never fetched its configuration from ghostguard.';
    return out;
  }
  out.lastFetch = { ts: last.ts, file: last.file, source: last.source, status: last.status, auth: last.auth, userAgent: last.userAgent };
  const seen = new Set<string>();
  for (const r of history) {
    if (r.status !== 200 || !r.sha256 || seen.has(r.file)) continue;
    seen.add(r.file);
    const now = await renderLike(ctx, r.mac as Mac, r.file, r.userAgent);
    const status: ServedFileStatus = { file: r.file, ts: r.ts, source: r.source, auth: r.auth, sha256: r.sha256 };
    if (now) {
      status.kind = now.file.kind;
      status.currentSha = now.served.sha256;
      status.current = now.served.sha256 === r.sha256;
      if (now.firmware) status.firmware = now.firmware;
    }
    out.files.push(status);
  }
  const compared = out.files.filter((f) => f.current !== undefined);
  const stale = compared.filter((f) => f.current === false);
  if (out.files.length > 0 && compared.length > 0) out.current = stale.length === 0;
  const lastText = `Last fetch: ${last.file} at ${last.ts} from ${last.source}${last.status === 200 ? '' : ` (refused with ${last.status})`}.`;
  if (out.files.length === 0) out.summary = `${lastText} Nothing was ever served to it.`;
  else if (stale.length > 0)
    out.summary = `${lastText} Not current: ghostguard would now serve something different for ${stale.map((f) => f.file).join(', ')}; a resync is due (ghostguard resync, or Resync now on the device page).`;
  else if (compared.length === 0) out.summary = `${lastText} Could not re-render its files to compare with today's config.`;
  else out.summary = `${lastText} It has the current configuration.`;
  return out;
}
