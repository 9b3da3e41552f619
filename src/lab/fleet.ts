/**
 * A fleet of emulated phones on consecutive 127.x addresses: vendors round-robin, each vendor's models (and their
 * firmware generations) round-robin, the first `factory` phones never provisioned. Boots the others against a
 * server, starts everything, and stops everything (every socket and timer closed) on stop().
 */
import type { Mac } from '../model/mac.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { LabVariant } from '../model/vendor-lab.js';
import { allocateAddresses, checkServerUrl } from './loopback.js';
import { EmulatedPhone, type PhoneSpec } from './phone.js';
import type { PhoneManifest } from './phone-manifest.js';
import type { SipClass } from './sip-classes.js';
import { GhostguardError } from '../model/errors.js';

export const DEFAULT_BASE_IP = '127.0.1.1';

export interface FleetOptions {
  phones: number;
  /** how many phones stay at factory defaults (never provisioned) */
  factory?: number;
  /** provisioning server URL (127/8 or localhost only) */
  server?: string;
  /** server certificate PEM for https */
  serverCa?: string;
  baseIp?: string;
  /** adapter ids; default: every adapter with a lab capability */
  vendors?: readonly string[];
  /** the vendor adapters (composition root passes VENDORS) */
  adapters: readonly VendorAdapter[];
  httpPort?: number;
  httpsPort?: number;
  snmpPort?: number;
  ringTimeoutMs?: number;
  /** second byte of every lab MAC suffix, to keep two fleets apart */
  macSeed?: number;
  bootConcurrency?: number;
  bootTimeoutMs?: number;
  /** local settings per phone, applied at power-on */
  presets?: (spec: PhoneSpec, index: number) => PhoneSpec['presets'];
  /** a behaviour class per phone for strangers' INVITEs (e.g. showcaseSipClasses) */
  sipClasses?: (specs: readonly PhoneSpec[]) => ReadonlyMap<number, SipClass>;
  /** hand-set phones, by the name their vendor's lab gives them (LabVariant), added after the others, never provisioned */
  variants?: readonly string[];
}

const START_CONCURRENCY = 64;

export function planFleet(options: FleetOptions): PhoneSpec[] {
  const labVendors = options.adapters.filter((a) => a.lab).map((a) => a.id);
  const vendors = options.vendors ?? labVendors;
  if (vendors.length === 0 || !vendors.every((v) => labVendors.includes(v)))
    throw new GhostguardError('GG_ERR_LAB_INVALID', `vendors must be among ${labVendors.join(', ')}`);
  const factory = options.factory ?? 0;
  if (!Number.isInteger(factory) || factory < 0 || factory > options.phones)
    throw new GhostguardError('GG_ERR_LAB_INVALID', 'factory must be between 0 and the number of phones');
  const seed = options.macSeed ?? 0xab;
  if (!Number.isInteger(seed) || seed < 0 || seed > 255) throw new GhostguardError('GG_ERR_LAB_INVALID', 'macSeed must be a byte');
  const variants = (options.variants ?? []).map((name) => findVariant(options.adapters, name));
  const ips = allocateAddresses(options.baseIp ?? DEFAULT_BASE_IP, options.phones + variants.length);
  const perVendor = new Map<string, number>();
  const nextMac = (adapter: VendorAdapter): Mac => {
    const k = perVendor.get(adapter.id) ?? 0;
    perVendor.set(adapter.id, k + 1);
    return `${adapter.ouis[0] ?? '020000'}${hex(seed)}${hex(k >> 8)}${hex(k & 0xff)}`.slice(0, 12) as Mac;
  };
  const ports = {
    ...(options.httpPort ? { httpPort: options.httpPort } : {}),
    ...(options.httpsPort ? { httpsPort: options.httpsPort } : {}),
    ...(options.snmpPort ? { snmpPort: options.snmpPort } : {}),
    ...(options.ringTimeoutMs ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
  };
  const planned = ips.slice(0, options.phones).map((ip, i) => {
    const vendor = vendors[i % vendors.length]!;
    const adapter = options.adapters.find((a) => a.id === vendor);
    if (!adapter || adapter.models.length === 0) throw new GhostguardError('GG_ERR_LAB_INVALID', `no adapter with models for ${vendor}`);
    const k = perVendor.get(vendor) ?? 0;
    const model = adapter.models[k % adapter.models.length]!;
    const firmware = model.firmwares[Math.floor(k / adapter.models.length) % model.firmwares.length]!;
    const spec: PhoneSpec = { vendor, model: model.id, firmware, mac: nextMac(adapter), ip, factory: i < factory, ...ports };
    const presets = options.presets?.(spec, i);
    return presets ? { ...spec, presets } : spec;
  });
  const handSet = variants.map(({ adapter, variant }, i): PhoneSpec => {
    const mac = nextMac(adapter);
    const ip = ips[options.phones + i]!;
    return {
      vendor: adapter.id,
      model: variant.model,
      firmware: variant.firmware,
      mac,
      ip,
      factory: true,
      ...ports,
      presets: variant.presets(mac),
    };
  });
  const specs = [...planned, ...handSet];
  const classes = options.sipClasses?.(specs);
  return classes ? specs.map((spec, i) => (classes.has(i) ? { ...spec, sipClass: classes.get(i)! } : spec)) : specs;
}

/**
 * The behaviour classes the demo and `ghostguard lab` show. Each vendor's first factory phone keeps its own factory
 * behaviour; the other factory phones get, in turn, one that rings for strangers (proof, not 420), and phones that
 * answer 100 then 403, refuse with 403, drop INVITEs, or challenge with 401; the first provisioned phone checks the
 * Request-URI user (rings only for its own extension). Chosen by position, never by vendor.
 */
export function showcaseSipClasses(specs: readonly PhoneSpec[]): ReadonlyMap<number, SipClass> {
  const out = new Map<number, SipClass>();
  const factory = specs.map((s, i) => [s, i] as const).filter(([s]) => s.factory);
  const firstOfVendor = new Set(factory.filter(([s], k) => factory.findIndex(([t]) => t.vendor === s.vendor) === k).map(([, i]) => i));
  const classes: SipClass[] = ['rings', 'trying-then-403', 'refuse-403', 'drop-invite', 'challenge-401'];
  for (const [, i] of factory) {
    if (classes.length === 0) break;
    if (!firstOfVendor.has(i)) out.set(i, classes.shift()!);
  }
  const provisioned = specs.findIndex((s) => !s.factory);
  if (provisioned >= 0) out.set(provisioned, 'checks-request-uri-user');
  return out;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

function findVariant(adapters: readonly VendorAdapter[], name: string): { adapter: VendorAdapter; variant: LabVariant } {
  for (const adapter of adapters) {
    const variant = adapter.lab?.variants?.find((v) => v.name === name);
    if (variant) return { adapter, variant };
  }
  const known = adapters.flatMap((a) => a.lab?.variants?.map((v) => v.name) ?? []);
  throw new GhostguardError('GG_ERR_LAB_INVALID', `no lab phone variant ${name} (known: ${known.join(', ') || 'none'})`);
}

export class LabFleet {
  private stopped = false;

  private constructor(
    readonly phones: readonly EmulatedPhone[],
    readonly startedInMs: number,
  ) {}

  static async start(options: FleetOptions): Promise<LabFleet> {
    const began = Date.now();
    if (options.server) checkServerUrl(options.server);
    const phones = planFleet(options).map((spec) => new EmulatedPhone(spec, options.adapters.find((a) => a.id === spec.vendor)!));
    try {
      if (options.server) {
        const server = options.server;
        const toBoot = phones.filter((p) => !p.spec.factory);
        await mapLimit(toBoot, options.bootConcurrency ?? 16, (p) =>
          p.boot(server, {
            ...(options.serverCa ? { ca: options.serverCa } : {}),
            ...(options.bootTimeoutMs ? { timeoutMs: options.bootTimeoutMs } : {}),
          }),
        );
      }
      await mapLimit(phones, START_CONCURRENCY, (p) => p.start());
    } catch (err) {
      await Promise.all(phones.map((p) => p.stop()));
      throw err;
    }
    return new LabFleet(phones, Date.now() - began);
  }

  manifest(): PhoneManifest[] {
    return this.phones.map((p) => p.manifest());
  }

  phone(ip: string): EmulatedPhone | undefined {
    return this.phones.find((p) => p.ip === ip);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(this.phones.map((p) => p.stop()));
  }
}

/** Runs fn over items with at most `limit` in flight; the first failure rejects after the in-flight ones settle. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== undefined) throw failure;
  return out;
}
