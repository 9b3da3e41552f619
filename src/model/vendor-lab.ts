/**
 * The lab capability of a vendor adapter: how its emulated phones store settings, behave, answer on the web and
 * fetch their files at boot. Types only: vendors/<vendor>/lab/ implements them, the src/lab runtime (sockets,
 * fleet, boot client) drives them.
 */
import type { Mac } from './mac.js';
import type { PhoneAction } from './vendor-manage.js';

export interface PhoneIdentity {
  /** the adapter id */
  vendor: string;
  model: string;
  firmware: string;
  mac: Mac;
}

/** Polycom `voIpProt.SIP.requestValidation.x.method` (vendor-facts 2.3); `all` is read as `both`. */
export type RequestValidationMode = 'source' | 'digest' | 'both';

/** One SIP port the phone listens on, with the account that owns it (Grandstream: one per active account). */
export interface SipListener {
  account: number;
  port: number;
  /** Yealink trust control / Grandstream "accept incoming SIP from proxy only": non-trusted sources are silently dropped */
  trustedOnly: boolean;
}

/** The behavioural switches the emulator derives from the vendor's own keys (vendors/<vendor>/lab/behaviour.ts). */
export interface PhoneBehaviour {
  /** trusted-only on the first (account 1) listener */
  trustedOnly: boolean;
  /** registrar / outbound-proxy addresses found in the applied registration keys (port stripped) */
  trustedSources: string[];
  /** an INVITE from a non-trusted source (a call to the phone's IP) rings */
  directIpCalls: boolean;
  /** request validation configured for INVITE */
  inviteRequestValidation?: RequestValidationMode;
  /** every validated SIP method (Polycom), upper case → mode */
  requestValidation: Readonly<Record<string, RequestValidationMode>>;
  /** answers every INVITE with 200 OK */
  autoAnswer: boolean;
  /** answers an INVITE carrying an intercom/auto-answer hint (Alert-Info / Call-Info answer-after) */
  intercomAutoAnswer: boolean;
  /** an INVITE from an anonymous caller gets 433 */
  rejectAnonymous: boolean;
  /** Grandstream "check SIP user ID for incoming INVITE": the Request-URI user must be one of the account users */
  checkUserId: boolean;
  /** Grandstream "authenticate incoming INVITE": challenge with the account's credentials */
  inviteDigest: boolean;
  /** realm of the phone's own SIP digest challenges */
  sipRealm: string;
  /** SIP credentials per account user, for digest challenges (never logged) */
  sipCredentials: { username: string; password: string }[];
  /** account users (Request-URI users the phone answers to) */
  accountUsers: string[];
  adminUser: string;
  adminPassword: string;
  /** true when the factory admin password is still in force */
  defaultAdminPassword: boolean;
  /** which web listeners the settings leave on: plain HTTP, HTTPS (neither: web UI off) */
  web: { http: boolean; https: boolean };
  snmpEnabled: boolean;
  snmpCommunity: string;
  /** managers allowed to query SNMP; empty = any */
  snmpManagers: string[];
  /** SNMP port from the settings, when the vendor has one */
  snmpPort?: number;
  /** account 1 SIP port */
  sipPort: number;
  sipListeners: SipListener[];
  accountsActive: number;
  provisioningCredentials?: { username: string; password: string };
  /** Polycom REST API answers (UCS ≥ 5.4 and apps.restapi.enabled) */
  restApi?: boolean;
  /** Yealink `features.action_uri_limit_ip` when set: the Action URI accepts only these sources */
  actionUriAllow?: string[];
}

/** What a vendor profile needs to know about the phone beyond its settings. */
export interface ProfileContext {
  model: string;
  firmware: string;
  /** number of SIP accounts of the model */
  accounts: number;
  /** factory admin password override (Grandstream GRP sticker password, tests) */
  factoryAdminPassword?: string;
}

/** One vendor's phone as the lab emulates it: factory defaults, key → behaviour mapping, wire strings. */
export interface LabProfile {
  /** the vendor's own keys with their factory values */
  factoryDefaults(ctx: ProfileContext): Map<string, string>;
  /** the key and value the firmware stores for a key/value read from a file: undefined = leave unchanged, value null = back to factory */
  normalize(key: string, value: string, ctx: ProfileContext): [string, string | null] | undefined;
  behaviour(settings: ReadonlyMap<string, string>, ctx: ProfileContext): PhoneBehaviour;
  /** SIP header name and value the phone identifies itself with in responses */
  sipAgent(ctx: ProfileContext): { header: 'User-Agent' | 'Server'; value: string };
  /** a phone-side check before parsing (e.g. Grandstream's <mac> element): the reason to reject, or undefined */
  checkFile?(body: string, ctx: ProfileContext, mac: string): string | undefined;
  /** keys never returned by a management API */
  isSecretKey(key: string): boolean;
}

/** The request/response vocabulary of an emulated phone's web interface. */
export interface WebRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
  source: string;
}

export interface WebResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string;
}

export interface WebContext {
  identity: PhoneIdentity;
  ip: string;
  behaviour: () => PhoneBehaviour;
  settings: () => ReadonlyMap<string, string>;
  profile: LabProfile;
  /**
   * A management request asked the phone to fetch its files again (resync) or restart (reboot): it does so just after
   * this answer, from the server it last booted from. False when it never booted from a server (nothing to fetch).
   */
  requestBoot(action: PhoneAction): boolean;
}

export interface VendorWeb {
  /** the Server header every answer carries, if the vendor sends one */
  readonly server?: string;
  handle(req: WebRequest): WebResponse;
}

export interface BootStep {
  fileName: string;
  method: 'GET' | 'PUT';
  userAgent: string;
}

/** What a vendor's boot flow may do: the lab's boot client records every outcome. */
export interface BootContext {
  identity: PhoneIdentity;
  steps: readonly BootStep[];
  /** GET; undefined unless 2xx (the outcome is recorded either way) */
  fetch(fileName: string, userAgent: string): Promise<string | undefined>;
  /** parse with the vendor reader and apply; false when the file was rejected */
  apply(fileName: string, body: string, perDevice: boolean): boolean;
  /** a boot/master file understood (nothing to apply) */
  accept(fileName: string): void;
  reject(fileName: string, reason: string): void;
  put(fileName: string, body: string, userAgent: string): Promise<void>;
  /** the vendor's parser, for master files */
  read(body: string): Map<string, string>;
}

/** What the emulated phone's SNMP agent answers for sysObjectID and sysDescr. */
export interface SnmpIdentity {
  sysObjectId: string;
  sysDescr(model: string, firmware: string): string;
}

/**
 * A phone of this vendor as a site's administrator may have set it up by hand (web UI or keypad), the way real phones
 * of the vendor can be set: a fleet adds it by name (FleetOptions.variants) as a phone the server never provisioned.
 */
export interface LabVariant {
  /** stable name, unique across vendors, e.g. `snmp-public-community` */
  name: string;
  model: string;
  firmware: string;
  /** the settings in the vendor's own file format, for the phone with this MAC (applied at power-on) */
  presets(mac: Mac): readonly { fileName: string; body: string }[];
}

export interface VendorLab {
  profile: LabProfile;
  snmp: SnmpIdentity;
  /** hand-set phones the lab can add to a fleet */
  variants?: readonly LabVariant[];
  web(ctx: WebContext): VendorWeb;
  /** the order in which the phone fetches its files at boot, with its fallbacks */
  boot(ctx: BootContext): Promise<void>;
}
