/** The admin-authored configuration (YAML): sites, policy layers, devices. Runtime state lives in the store, not here. */
import type { ConfigIssue } from './config-issues.js';
import type { Mac } from './mac.js';
import type { RuleId } from './rules.js';

export type Transport = 'udp' | 'tcp' | 'tls';
export type InviteValidationMethod = 'source' | 'digest' | 'both';
export type SnmpMode = 'off' | 'restricted';

export interface RuleSetting {
  enabled: boolean;
  /** sip-port-nonstandard */
  port?: number;
  /** invite-validation (Polycom request validation, Grandstream INVITE authentication) */
  method?: InviteValidationMethod;
  /** snmp-locked */
  mode?: SnmpMode;
  managers?: string[];
  community?: string;
}

export type PolicyLayer = Partial<Record<RuleId, Partial<RuleSetting>>>;

/** A raw vendor parameter from a layer's `params:`, with the config line that sets it. */
export interface ParamValue {
  value: string;
  line: number;
}

/** `params:` of one policy layer (fleet, site, model or device): vendor parameter → value. */
export type ParamLayer = Record<string, ParamValue>;
export type ResolvedPolicy = Record<RuleId, RuleSetting>;

export interface Site {
  name: string;
  registrar: string;
  registrarPort?: number;
  outboundProxy?: string;
  trustedServers: string[];
  transport: Transport;
  policy: PolicyLayer;
  params?: ParamLayer;
  /** the site's phone networks (addresses, ranges, CIDRs): a device of this site enrols only from inside them (absent: any) */
  networks?: string[];
}

/** A secret as written in the config: a literal, `generate` (derived per device), or a reference. */
export type SecretSpec = { kind: 'literal'; value: string } | { kind: 'generate' } | { kind: 'env'; name: string };

export interface Line {
  extension: string;
  authUser: string;
  password: SecretSpec;
  displayName?: string;
}

export interface Device {
  mac: Mac;
  vendor: string;
  /** the model the phone reports (the catalogue's spelling when the catalogue knows it) */
  model: string;
  /** a catalogue model whose settings a phone outside the catalogue borrows (`like:`) */
  like?: string;
  site: string;
  lines: Line[];
  adminPassword: SecretSpec;
  disabled: boolean;
  /** false: audit only — another system provisions the phone, ghostguard never serves it (absent = true) */
  provision?: false;
  policy: PolicyLayer;
  params?: ParamLayer;
  /** position in the config's device list, for error messages */
  index: number;
}

export interface ServerSettings {
  host: string;
  port: number;
  adminHost: string;
  adminPort: number;
  /** the base URL phones use; rendered into provisioning-URL settings */
  publicUrl: string;
  dataDir: string;
  allowPlainHttp: boolean;
  /** 'auto' makes a self-signed certificate in the data directory */
  tls?: { cert: string; key: string } | 'auto';
  /**
   * a directory of the vendors' own stock files (e.g. Poly SIP 3.x `sip.cfg`, `phone1.cfg`) that ghostguard serves as they
   * are to any phone, without authentication, and that a vendor's boot file lists when present; only names a vendor
   * declares (`VendorAdapter.stockFiles`) are served. Absent: none
   */
  stockFiles?: string;
  /** optional second, plain-HTTP listener for files without secrets */
  plainPort?: number;
  enrolmentWindowHours: number;
  /** megabytes of rendered files kept in memory (bodies and bookkeeping); 0 renders every request afresh */
  renderCacheMb?: number;
  /** fetch-history and event records held in memory while the shared database is away (default 100,000); beyond, dropped and counted */
  historyQueue?: number;
  pinSource: 'none' | 'address' | 'subnet';
  /** addresses, ranges and CIDRs that audits run by the server (dashboard, API, handset checks, schedules) may touch;
   * absent: any */
  auditAllow?: string[];
  /** addresses, ranges and CIDRs the admin listener (dashboard, JSON API) answers; others are disconnected before any
   * page. Absent: any address that reaches adminHost */
  adminAllow?: string[];
  /** the load balancers in front of the phone listeners: a connection from them starts with a PROXY header (v1 or
   * v2) naming the phone, whose address then counts everywhere; absent: no PROXY header is read */
  proxyProtocol?: { from: string[] };
  /** TCP connections the phone listeners hold: per source address, per process, and how long an idle one is kept */
  connections?: { perAddress?: number; total?: number; idleSeconds?: number };
  /** phone uploads (Poly overrides and logs): per-file body caps, and what all bodies being read may hold in memory */
  uploads?: { overrideKb?: number; logKb?: number; inFlightMb?: number };
  /** how much the state database keeps: fetch history, security events, uploaded overrides (days and sizes) */
  retention?: {
    fetchDays?: number;
    fetchRows?: number;
    eventDays?: number;
    eventRows?: number;
    overrideDays?: number;
    overridesPerDevice?: number;
    overrideMb?: number;
    /** events.jsonl is rotated before it would pass this size (MB) */
    eventsFileMb?: number;
    /** rotated copies of events.jsonl kept (events.jsonl.1 … .n) */
    eventsFiles?: number;
  };
  /**
   * where state and what replicas share live: 'sqlite' (the default: one file in dataDir, one machine) or a
   * postgres:// URL (password as env:NAME; TLS with ?sslmode=require) shared by every replica
   */
  store?: 'sqlite' | `postgres://${string}` | `postgresql://${string}`;
  /** request rate per source address and per /24 (token buckets); defaults tolerate an office behind one NAT address */
  rateLimits?: {
    perAddress?: RateSpec;
    perSubnet?: RateSpec;
    /** requests without credentials for secret files tolerated per 10 minutes before a ban (paid back on authentication) */
    addressChallenges?: number;
    subnetChallenges?: number;
    /** wrong credentials tolerated per 10 minutes before a ban */
    addressFailures?: number;
    subnetFailures?: number;
    /** the aggregate alert: unpaid denials per 10 minutes from all sources together, and how many /24s they span */
    spreadGuesses?: number;
    spreadSubnets?: number;
  };
}

export interface RateSpec {
  burst: number;
  perSecond: number;
}

export interface FleetConfig {
  server: ServerSettings;
  fleetPolicy: PolicyLayer;
  modelPolicy: Record<string, PolicyLayer>;
  /** `params:` of the fleet and model layers (site and device params sit on Site and Device) */
  fleetParams?: ParamLayer;
  modelParams?: Record<string, ParamLayer>;
  sites: Record<string, Site>;
  devices: Device[];
  canaries: Mac[];
  /** scheduled audits (`ghostguard serve` runs them; src/schedule) */
  schedules: AuditSchedule[];
  /** problems that do not stop the configuration from loading (a model outside the catalogue) */
  warnings?: ConfigIssue[];
}

/** Probe settings of a scheduled audit; absent values take the auditor's defaults. */
export interface ScheduleAuditOptions {
  sipPorts?: number[];
  httpPorts?: number[];
  httpsPorts?: number[];
  snmpPort?: number;
  /** per-probe wait */
  timeoutMs?: number;
  retries?: number;
  /** global packets per second */
  rate?: number;
  /** hosts in flight */
  concurrency?: number;
  hostGapMs?: number;
  maxHosts?: number;
  staleDays?: number;
  /** also place the INVITE probe (default: safe probes only) */
  intrusive?: boolean;
  /** try the vendors' factory admin logins (default true) */
  defaultLogin?: boolean;
  /** a run still going after this long stops and is recorded as incomplete */
  maxDurationMinutes?: number;
}

/** Where a scheduled audit's changes are POSTed (JSON, HMAC-signed). */
export interface WebhookSettings {
  url: string;
  secret: SecretSpec;
  /** per attempt */
  timeoutMs: number;
  /** further attempts after the first fails (network error, timeout, 408, 429, 5xx) */
  retries: number;
}

export interface AuditSchedule {
  name: string;
  targets: string[];
  exclude: string[];
  everySeconds: number;
  /** each run starts up to this much later than its tick, at random */
  jitterSeconds: number;
  options: ScheduleAuditOptions;
  webhook?: WebhookSettings;
  /** position in the config's schedule list, for error messages */
  index: number;
}

/** A device with its site and secrets resolved: what a vendor adapter renders. */
export interface ResolvedLine {
  index: number;
  extension: string;
  authUser: string;
  password: string;
  displayName: string;
}

export interface ResolvedDevice {
  mac: Mac;
  vendor: string;
  /** the catalogue model whose settings it gets: `like:` when given, else its own model */
  model: string;
  site: Site;
  lines: ResolvedLine[];
  adminPassword: string;
  /** the phone's end-user web/menu password: always derived per device from the master key (`user-password-set`) */
  userPassword: string;
  /** per-device HTTP credentials the phone uses to fetch its own files */
  provisioning: { username: string; password: string; url: string };
}
