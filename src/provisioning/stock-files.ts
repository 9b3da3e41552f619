/**
 * The vendors' own stock files (`server.stockFiles`): read once per inventory load, served as they are to any phone —
 * they carry no secrets and nothing per device — and named to the renderer so a vendor's boot file can list them. Only
 * names some vendor declares are taken, so the directory cannot shadow or add to what ghostguard serves otherwise.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GhostguardError } from '../model/errors.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { ServedFile } from './served-file.js';

/** a stock file is a vendor's configuration text, a few hundred KB at most */
const MAX_STOCK_BYTES = 1024 * 1024;

export interface StockFile {
  body: Buffer;
  sha256: string;
}

export interface StockFiles {
  get(name: string): StockFile | undefined;
  /** the names this vendor declares that are present, in the vendor's order */
  presentFor(vendor: VendorAdapter): readonly string[];
}

export const NO_STOCK_FILES: StockFiles = { get: () => undefined, presentFor: () => [] };

/** Reads `dir`: regular files whose name a vendor declares, each at most 1 MB. A missing directory is a config error. */
export function loadStockFiles(dir: string | undefined, vendors: readonly VendorAdapter[]): StockFiles {
  if (dir === undefined) return NO_STOCK_FILES;
  const declared = new Set(vendors.flatMap((v) => v.stockFiles ?? []));
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    throw new GhostguardError('GG_ERR_CONFIG_INVALID', `server.stockFiles: cannot read ${dir} (${(err as Error).message})`);
  }
  const files = new Map<string, StockFile>();
  for (const name of entries) {
    if (!declared.has(name)) continue;
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (!stat.isFile()) continue;
    if (stat.size > MAX_STOCK_BYTES)
      throw new GhostguardError('GG_ERR_CONFIG_INVALID', `server.stockFiles: ${name} is over ${MAX_STOCK_BYTES} bytes`);
    const body = readFileSync(path);
    files.set(name, { body, sha256: createHash('sha256').update(body).digest('hex') });
  }
  return {
    get: (name) => files.get(name),
    presentFor: (vendor) => (vendor.stockFiles ?? []).filter((n) => files.has(n)),
  };
}

/** A stock file as the phone path's ServedFile, so it gets the same ETag, HEAD and conditional-GET answers. */
export function servedStock(file: StockFile): ServedFile {
  return {
    body: file.body,
    sha256: file.sha256,
    etag: `"${file.sha256.slice(0, 32)}"`,
    contentType: 'application/octet-stream',
    rendered: { contentType: 'application/octet-stream', family: { id: 'stock', guessed: false }, applied: [], unsupported: [] },
  };
}
