/**
 * A phone's effective settings: the vendor's factory defaults, then every accepted file applied in order
 * (later values win). A malformed file is rejected whole and leaves the settings as they were, as the phone would.
 */
import type { LabProfile, PhoneBehaviour, ProfileContext } from '../model/vendor-lab.js';
import { GhostguardError } from '../model/errors.js';

const MAX_KEYS = 20_000;
const MAX_KEY_LENGTH = 256;
const MAX_VALUE_LENGTH = 8192;

export interface FileOutcome {
  name: string;
  ok: boolean;
  /** keys applied (ok) */
  keys: number;
  /** why the file was rejected (not ok) */
  reason?: string;
}

export class PhoneState {
  private readonly factory: ReadonlyMap<string, string>;
  private settings: Map<string, string>;
  private cached: PhoneBehaviour | undefined;
  readonly history: FileOutcome[] = [];

  constructor(
    readonly profile: LabProfile,
    readonly ctx: ProfileContext,
  ) {
    this.factory = profile.factoryDefaults(ctx);
    this.settings = new Map(this.factory);
  }

  /** effective key → value (factory defaults included) */
  get effective(): ReadonlyMap<string, string> {
    return this.settings;
  }

  /** true once any file was applied since the last factory reset */
  get changed(): boolean {
    return this.history.some((h) => h.ok && h.keys > 0);
  }

  behaviour(): PhoneBehaviour {
    this.cached ??= this.profile.behaviour(this.settings, this.ctx);
    return this.cached;
  }

  factoryReset(): void {
    this.settings = new Map(this.factory);
    this.history.length = 0;
    this.cached = undefined;
  }

  /** Parse with the vendor's reader, then apply; a parse error rejects the file and keeps the prior settings. */
  applyBody(
    name: string,
    body: string,
    read: (body: string) => Map<string, string>,
    check?: (body: string) => string | undefined,
  ): FileOutcome {
    let parsed: Map<string, string>;
    try {
      const problem = check?.(body);
      if (problem) throw new GhostguardError('GG_ERR_LAB_CONFIG', problem);
      parsed = read(body);
      if (parsed.size > MAX_KEYS) throw new GhostguardError('GG_ERR_LAB_CONFIG', `more than ${MAX_KEYS} settings`);
    } catch (err) {
      return this.record({ name, ok: false, keys: 0, reason: (err as Error).message.slice(0, 200) });
    }
    return this.record({ name, ok: true, keys: this.apply(parsed) });
  }

  /** Apply already-parsed values (a web-UI change, a test preset). Returns the number of keys changed. */
  apply(values: ReadonlyMap<string, string>): number {
    let count = 0;
    for (const [rawKey, rawValue] of values) {
      if (rawKey.length > MAX_KEY_LENGTH || rawValue.length > MAX_VALUE_LENGTH) continue;
      const normal = this.profile.normalize(rawKey, rawValue, this.ctx);
      if (!normal) continue;
      const [key, value] = normal;
      if (value === null) {
        const factory = this.factory.get(key);
        if (factory === undefined) this.settings.delete(key);
        else this.settings.set(key, factory);
      } else {
        this.settings.set(key, value);
      }
      count++;
    }
    this.cached = undefined;
    return count;
  }

  private record(outcome: FileOutcome): FileOutcome {
    if (this.history.length < 100) this.history.push(outcome);
    return outcome;
  }
}
