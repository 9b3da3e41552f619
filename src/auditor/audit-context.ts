/** What auditing one host needs (settings, transports, inventory, history) and what matching a phone to the inventory found. */
import type { Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import type { ResolvedDevice } from '../model/config-types.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { Store } from '../store/store.js';
import type { CredentialEntry } from './credentials.js';
import type { NeighbourLookup } from './neighbours.js';
import type { HttpClient } from './probes/http-client.js';
import type { SnmpSessionFactory } from './probes/snmp-probe.js';
import type { UdpSocketFactory } from './probes/udp-channel.js';
import type { Clock, TokenBucket } from './scheduler.js';

export interface AuditSettings {
  sipPorts: number[];
  httpPorts: number[];
  httpsPorts: number[];
  snmpPort: number;
  communities: string[];
  timeoutMs: number;
  retries: number;
  hostGapMs: number;
  intrusive: boolean;
  defaultLogin: boolean;
  staleDays: number;
  credentials: CredentialEntry[];
  /** send real admin passwords over plain HTTP (default: HTTPS only) */
  plainHttpLogin: boolean;
  /** TCP ports to read an SSH banner from on an identified phone (ssh-off evidence) */
  sshPorts?: number[];
  /** when `intrusive` is off: why the INVITE probe is not sent, in the caller's words (e.g. "check --safe") */
  inviteNotSent?: string;
}

export interface HostAuditContext {
  vendors: readonly VendorAdapter[];
  inventory?: Inventory;
  /** fetch history, and the credential generations the inventory's secrets are derived at */
  history?: Pick<Store, 'fetchHistory' | 'lastFetchBySource' | 'credentials'>;
  http: HttpClient;
  udp: UdpSocketFactory;
  snmp: SnmpSessionFactory;
  neighbours: NeighbourLookup;
  clock: Clock;
  bucket: TokenBucket;
  settings: AuditSettings;
}

export interface Matched {
  mac?: Mac;
  device?: ReturnType<Inventory['device']>;
  resolved?: ResolvedDevice;
}
