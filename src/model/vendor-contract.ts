/** The vendor contract: what core code may ask of an adapter. Core never imports a vendor folder; the composition root passes the list in. */
import type { ResolvedDevice, ResolvedPolicy } from './config-types.js';
import type { Mac } from './mac.js';
import type { RuleId } from './rules.js';
import type { AuditHints, ReadbackClient, VulnerableRange } from './vendor-audit.js';
import type { PhoneManagement } from './vendor-manage.js';
import type { VendorLab } from './vendor-lab.js';

/** How sure an identification is; the best across vendors wins, ties are ambiguous. */
export const IDENTIFY_LEVELS = { none: 0, weak: 1, vendor: 2, model: 3, exact: 4 } as const;
export type IdentifyLevel = (typeof IDENTIFY_LEVELS)[keyof typeof IDENTIFY_LEVELS];

/** boot/common files are fetched by every phone and never carry a secret; device files carry secrets. */
export type FileKind = 'boot' | 'common' | 'device' | 'override' | 'log';

export interface FileRef {
  /** the file name as requested (vendor casing) */
  name: string;
  kind: FileKind;
  /** the MAC named in the path, if any */
  mac?: Mac;
  /** model named by the path (Yealink y0000000000xx.cfg, Grandstream cfg<model>.xml) */
  model?: string;
  /** true when the file can carry SIP, admin or provisioning secrets */
  secret: boolean;
  /** upload target (Polycom logs and overrides) rather than a download */
  upload: boolean;
}

export interface PhoneRequest {
  /** the requested file name, percent-decoded, without directories */
  fileName: string;
  method: 'GET' | 'HEAD' | 'PUT';
  userAgent: string;
}

export interface RequestIdentity {
  level: IdentifyLevel;
  file: FileRef;
  /** MAC the User-Agent claims */
  uaMac?: Mac;
  model?: string;
  firmware?: string;
}

/** What the auditor saw on the wire. */
export interface Observation {
  sipUserAgent?: string;
  sipServer?: string;
  httpServer?: string;
  httpTitle?: string;
  httpBody?: string;
  sysDescr?: string;
  sysObjectId?: string;
  mac?: Mac;
}

export interface ObservationIdentity {
  level: IdentifyLevel;
  model?: string;
  firmware?: string;
}

export interface ModelInfo {
  id: string;
  displayName: string;
  /** number of SIP accounts the handset has */
  accounts: number;
  /** real firmware versions seen in the field, at least one per firmware family the adapter knows, oldest first */
  firmwares: readonly string[];
}

export interface FirmwareFamily {
  id: string;
  /** true when the firmware was unknown or missing and the newest known family was assumed */
  guessed: boolean;
}

export interface Setting {
  key: string;
  value: string;
  /** the value is a secret: masked in output, never in a shared file */
  secret?: boolean;
}

/** `factoryDefault`: the settings equal the vendor's documented factory default, re-asserted (no change on a fresh phone) */
export type RuleCompilation =
  | { status: 'applied'; settings: Setting[]; factoryDefault?: true }
  | { status: 'unsupported'; reason: string }
  | { status: 'disabled' };

export interface CompileInput {
  model: string;
  firmware?: string;
  policy: ResolvedPolicy;
  /** absent when compiling a shared file: only device-independent settings come out */
  device?: ResolvedDevice;
  /** raw vendor parameters from the policy layers' `params:`, passed through after the rules (never over a rule's key) */
  params?: Readonly<Record<string, string>>;
  /** the vendor's stock files present in `server.stockFiles` (names from `VendorAdapter.stockFiles`), for a boot file to list */
  stockFiles?: readonly string[];
}

/**
 * What an adapter's rule table (rule → its parameters) is compiled for: one model on one firmware family, for one
 * device's file or for a file shared by all phones. Every adapter's `ruleTable(ctx)` takes this one shape, typed with
 * its own catalogue row and family.
 */
export interface RuleTableContext<Model, Family> {
  /** the catalogue row (an adapter may stand in a row of its own for an uncatalogued model) */
  model: Model;
  /** false for a model outside the catalogue: its account count is unknown */
  catalogued: boolean;
  family: Family;
  policy: ResolvedPolicy;
  /** absent for shared files: per-device and secret settings are left out */
  device?: ResolvedDevice;
}

export interface Compiled {
  family: FirmwareFamily;
  /** settings that are not hardening rules: registration, provisioning URL and credentials */
  base: Setting[];
  rules: Map<RuleId, RuleCompilation>;
  /** the input's `params:` as settings, in the order written */
  params?: Setting[];
}

export interface RenderInput extends CompileInput {
  file: FileRef;
}

export interface RenderedFile {
  body: string;
  contentType: string;
  family: FirmwareFamily;
  applied: RuleId[];
  unsupported: { rule: RuleId; reason: string }[];
  /** keys whose line came from `params:` (render --explain marks them) */
  fromParams?: string[];
  /** applied rules whose settings are the factory default, re-asserted (render --explain says so) */
  asDefault?: RuleId[];
}

export interface VendorAdapter {
  readonly id: string;
  readonly displayName: string;
  readonly models: readonly ModelInfo[];
  /** MAC prefixes (6 lowercase hex digits) registered to the vendor */
  readonly ouis: readonly string[];
  identifyRequest(req: PhoneRequest): RequestIdentity;
  identifyObservation(obs: Observation): ObservationIdentity;
  /** the files a phone of this model fetches at boot, in order, with the User-Agent it sends */
  bootSequence(mac: Mac, model: string, firmware: string): { fileName: string; method: 'GET' | 'PUT'; userAgent: string }[];
  /** the rule catalogue compiled to this vendor's settings for a model and firmware */
  compile(input: CompileInput): Compiled;
  /** pure and deterministic */
  render(input: RenderInput): RenderedFile;
  /** parse a config file (rendered, exported, uploaded) into key → value; throws on malformed input */
  read(body: string): Map<string, string>;
  /**
   * Optional, for the auditor: a compiled setting in the terms of the phone's read-back API (name and value), or
   * undefined when the API has no name for it. Absent means the API uses the compiled names and values as they are.
   * Grandstream: alias items (`account.1.sip.validate.incomingServer = Yes`) → P-values (`P2347 = 1`). `family` is the
   * compiled firmware family's id, for vendors whose lines give one name different meanings.
   */
  apiSetting?(setting: Setting, family?: string): Setting | undefined;

  // Optional capabilities: absent = not supported. Core iterates over them and never compares a vendor id.

  /** auditor: the admin user, the factory login, how a hardened phone treats the auditor's probes */
  readonly audit?: AuditHints;
  /** auditor: log in to the phone's management API and read settings back */
  readonly readback?: ReadbackClient;
  /** auditor: firmware in known-vulnerable ranges (the firmware-current rule) */
  readonly vulnerableFirmware?: readonly VulnerableRange[];
  /** edge rules: the phone listens on one local SIP port per account, spaced by two from its base port */
  readonly sipPortPerAccount?: boolean;
  /**
   * provisioning: device files place the device's own values (MAC, line users and names, secrets) verbatim, never
   * branching on their content (only on whether one is empty), so one render with stand-ins is a template for every
   * device of the same shape; so do files without secrets that name a phone's MAC (`<mac>.boot`) with that MAC.
   * Absent = every such file is rendered in full.
   */
  readonly templatedDeviceFiles?: boolean;
  /**
   * provisioning: the vendor's own stock files an admin may put in `server.stockFiles` (no secrets, served to any phone
   * as they are), in the order the vendor's boot file lists them. Absent: none
   */
  readonly stockFiles?: readonly string[];
  /** provisioning: the firmware names the phone's MAC in its User-Agent, so an enrolment request without it is refused */
  readonly macInUserAgent?: boolean;
  /** operations: resync or reboot a phone through its management interface (`ghostguard resync`, the device page) */
  readonly manage?: PhoneManagement;
  /** emulated phones for tests, demos and `ghostguard lab` */
  readonly lab?: VendorLab;
}
