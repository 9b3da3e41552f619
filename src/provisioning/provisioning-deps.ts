/** What the phone-facing handler is built from: the server's parts, and the options that shape its answers. */
import type { Inventory } from '../model/inventory.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { FetchRecord, Store } from '../store/store.js';
import type { AbuseGuard } from './abuse-guard.js';
import type { NonceAuthority } from './digest.js';
import type { EventLog } from './event-log.js';
import type { RenderService } from './render-service.js';
import type { StockFiles } from './stock-files.js';
import type { UploadLimits } from './phone-http.js';

export interface ProvisioningDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  store: Store;
  events: EventLog;
  guard: AbuseGuard;
  nonces: NonceAuthority;
  renderer: RenderService;
  /** server.stockFiles as last loaded (absent: none) */
  stockFiles?: () => StockFiles;
  now?: () => Date;
  /** every fetch as recorded (serve's log lines) */
  onFetch?: (record: FetchRecord) => void;
  /** `serve --workers`: claims a verified Digest nonce-count at the primary (nonce-cluster.ts); false is a replay */
  claimNonce?: (nonce: string, count: number) => Promise<boolean>;
}

export interface PhoneHandlerOptions {
  allowPlainHttp: boolean;
  pinSource: 'none' | 'address' | 'subnet';
  uploadLimits: UploadLimits;
}
