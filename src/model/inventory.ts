/** The loaded configuration with secrets resolved on demand: lookups by MAC, effective policy, per-device credentials. */
import type { Device, FleetConfig, ParamValue, ResolvedDevice, ResolvedPolicy } from './config-types.js';
import { mergeParams } from './params-guard.js';
import type { Mac } from './mac.js';
import { resolvePolicy } from './policy.js';
import { DeviceSecrets } from './device-secrets.js';
import { SecretMasker } from './secret-mask.js';
import { deriveSecret, resolveSecret } from './secret-spec.js';
import { shareRepeatedValues } from './shared-values.js';

export interface InventoryOptions {
  masterKey: Buffer;
  env: Readonly<Record<string, string | undefined>>;
}

/** A device's credential generations, as the state store keeps them (the caller reads them there first). */
export interface CredentialGenerations {
  /** provisioning-credential generation (bumped by `ghostguard rotate`) */
  generation: number;
  /** SIP-password generation, for generated SIP passwords */
  sipGeneration: number;
}

/** the generations of a device whose credentials were never rotated */
export const FIRST_GENERATIONS: CredentialGenerations = { generation: 0, sipGeneration: 0 };

const MEMO_LIMIT = 50_000;
/** MACs outside the inventory (attackers choose them) whose provisioning passwords are remembered */
const STRANGER_LIMIT = 4096;
const UNKNOWN = 0;
const RESOLVABLE = 1;
const UNRESOLVABLE = 2;

/** Bounded memo: derived secrets and policies are pure functions of their key, but attackers choose MACs. */
function memo<V>(map: Map<string, V>, key: string, make: () => V, limit = MEMO_LIMIT): V {
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (map.size >= limit) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export class Inventory {
  /** each device's position in config.devices: the slot of its derived secrets */
  private readonly slotOf = new Map<Mac, number>();
  private readonly canaries: ReadonlySet<Mac>;
  private readonly policies = new Map<string, ResolvedPolicy>();
  /** every device's derived secrets, each derived once (resolving a device builds a small object from them) */
  private readonly secrets: DeviceSecrets;
  /** provisioning passwords of MACs the inventory does not list, so an unknown MAC's repeat costs what a known one's does */
  private readonly strangers = new Map<string, string>();
  private masker?: SecretMasker;
  /** per slot: whether every env:NAME secret the device references is set (UNKNOWN until asked) */
  private readonly available: Uint8Array;
  private models?: Set<string>;

  constructor(
    readonly config: FleetConfig,
    private readonly options: InventoryOptions,
    readonly version: number,
  ) {
    shareRepeatedValues(config.devices);
    for (const [i, d] of config.devices.entries()) this.slotOf.set(d.mac, i);
    this.canaries = new Set(config.canaries);
    this.secrets = new DeviceSecrets(options.masterKey, config.devices);
    this.available = new Uint8Array(config.devices.length);
  }

  /** bytes the derived secrets take, for the memory breakdown */
  get secretBytes(): number {
    return this.secrets.size;
  }

  get devices(): readonly Device[] {
    return this.config.devices;
  }

  /** Whether some device of this vendor is listed with this model (catalogue or not). */
  listsModel(vendor: string, model: string): boolean {
    this.models ??= new Set(this.config.devices.map((d) => `${d.vendor}\u0000${d.model}`));
    return this.models.has(`${vendor}\u0000${model}`);
  }

  device(mac: Mac): Device | undefined {
    const slot = this.slotOf.get(mac);
    return slot === undefined ? undefined : this.config.devices[slot];
  }

  isCanary(mac: Mac): boolean {
    return this.canaries.has(mac);
  }

  policyFor(device: Pick<Device, 'model' | 'site' | 'policy' | 'like'> & { mac?: Mac }): ResolvedPolicy {
    const modelLayer = this.config.modelPolicy[device.model] ?? (device.like ? this.config.modelPolicy[device.like] : undefined);
    const compute = () => resolvePolicy([this.config.fleetPolicy, this.config.sites[device.site]?.policy, modelLayer, device.policy]);
    if (!device.mac || this.device(device.mac) !== device) return compute();
    // Devices without a policy layer of their own share one object per site and model.
    const key = Object.keys(device.policy).length === 0 ? `${device.site}\u0000${device.model}` : device.mac;
    return memo(this.policies, key, compute);
  }

  /** `params:` for a device's own file: fleet → site → model → device, each with the line that set it. */
  paramsFor(device: Pick<Device, 'model' | 'site' | 'like' | 'params'>): Record<string, ParamValue> {
    const c = this.config;
    const model = c.modelParams?.[device.model] ?? (device.like ? c.modelParams?.[device.like] : undefined);
    return mergeParams([c.fleetParams, c.sites[device.site]?.params, model, device.params]);
  }

  /** `params:` for files every phone of a model fetches: fleet and model layers only. */
  sharedParams(model: string | undefined): Record<string, ParamValue> {
    return mergeParams([this.config.fleetParams, model ? this.config.modelParams?.[model] : undefined]);
  }

  /** Policy for files every phone of a model fetches: fleet and model layers only. */
  sharedPolicy(model: string | undefined): ResolvedPolicy {
    return memo(this.policies, `\u0001${model ?? ''}`, () =>
      resolvePolicy([this.config.fleetPolicy, model ? this.config.modelPolicy[model] : undefined]),
    );
  }

  provisioningPassword(mac: Mac, generation: number): string {
    const slot = this.slotOf.get(mac);
    if (slot !== undefined) return this.secrets.provisioningPassword(slot, generation);
    return memo(
      this.strangers,
      `${generation}|${mac}`,
      () => deriveSecret(this.options.masterKey, `prov:${generation}`, mac),
      STRANGER_LIMIT,
    );
  }

  provisioningUsername(mac: Mac): string {
    return `gg${mac}`;
  }

  /** Whether resolve() would succeed: every env:NAME secret the device references is set. Cheaper than resolve(). */
  resolvable(mac: Mac): boolean {
    const slot = this.slotOf.get(mac);
    const device = slot === undefined ? undefined : this.config.devices[slot]!;
    if (!device || !this.config.sites[device.site]) return false;
    if (this.available[slot!] === UNKNOWN) {
      const usable = [device.adminPassword, ...device.lines.map((l) => l.password)].every(
        (spec) => resolveSecret(spec, () => '', this.options.env) !== undefined,
      );
      this.available[slot!] = usable ? RESOLVABLE : UNRESOLVABLE;
    }
    return this.available[slot!] === RESOLVABLE;
  }

  /** Returns undefined when a referenced secret (env:NAME) is missing. */
  resolve(mac: Mac, generations: CredentialGenerations): ResolvedDevice | undefined {
    const slot = this.slotOf.get(mac);
    const device = slot === undefined ? undefined : this.config.devices[slot]!;
    const site = device && this.config.sites[device.site];
    if (!device || !site) return undefined;
    const { env } = this.options;
    const secrets = this.secrets;
    const adminPassword = resolveSecret(device.adminPassword, () => secrets.adminPassword(slot!), env);
    if (adminPassword === undefined) return undefined;
    const lines = [];
    for (const [i, line] of device.lines.entries()) {
      const password = resolveSecret(line.password, () => secrets.sipPassword(slot!, i, generations.sipGeneration), env);
      if (password === undefined) return undefined;
      lines.push({
        index: i + 1,
        extension: line.extension,
        authUser: line.authUser,
        password,
        displayName: line.displayName ?? line.extension,
      });
    }
    return {
      mac,
      vendor: device.vendor,
      model: settingsModel(device),
      site,
      lines,
      adminPassword,
      userPassword: secrets.userPassword(slot!),
      provisioning: {
        username: this.provisioningUsername(mac),
        password: secrets.provisioningPassword(slot!, generations.generation),
        url: this.config.server.publicUrl,
      },
    };
  }

  /** Every secret the inventory can produce at the given generations (a device not named: its first), for leak scans and log redaction. */
  allSecrets(generations: ReadonlyMap<Mac, CredentialGenerations> = new Map()): string[] {
    return this.config.devices.flatMap((d) => secretsIn(this.resolve(d.mac, generations.get(d.mac) ?? FIRST_GENERATIONS)));
  }

  /** One masker for every secret of this inventory (event log, dashboard, webhooks), built on first use. */
  secretMasker(generations?: ReadonlyMap<Mac, CredentialGenerations>): SecretMasker {
    this.masker ??= new SecretMasker(this.allSecrets(generations));
    return this.masker;
  }

  /** The secrets one device's files carry: admin, user, provisioning and SIP passwords. */
  secretsOf(mac: Mac, generations: CredentialGenerations): string[] {
    return secretsIn(this.resolve(mac, generations));
  }
}

/** The catalogue model whose settings a device gets: its `like:` when given, else its own. */
export function settingsModel(device: Pick<Device, 'model' | 'like'>): string {
  return device.like ?? device.model;
}

/** Whether ghostguard serves this device at all (`provision: false` devices are audited only). */
export function isProvisioned(device: Pick<Device, 'disabled' | 'provision'>): boolean {
  return !device.disabled && device.provision !== false;
}

function secretsIn(r: ResolvedDevice | undefined): string[] {
  return r ? [r.adminPassword, r.userPassword, r.provisioning.password, ...r.lines.map((l) => l.password)] : [];
}
