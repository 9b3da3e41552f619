/** Loads the YAML config from disk into an Inventory, and keeps the last valid one when a reload fails. */
import { chmodSync, existsSync, mkdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type ModelCatalogue } from '../model/config-parse.js';
import type { ConfigIssue } from '../model/config-issues.js';
import { GhostguardError } from '../model/errors.js';
import { formatIssue } from '../model/config-issues.js';
import { Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import type { FleetConfig } from '../model/config-types.js';

export const BUNDLED_EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/ghostguard.yaml');

/**
 * Reads and parses a config file. Relative file paths inside it (server.dataDir, server.tls cert/key) are resolved
 * against `baseDir` — the config file's own directory unless the caller says otherwise — so the same file means the
 * same state (and the same derived passwords) from whichever directory a command runs.
 */
export function readConfig(path: string, catalogue: ModelCatalogue, baseDir = dirname(resolve(path))): { config?: FleetConfig; issues: ConfigIssue[] } {
  if (!existsSync(path)) throw new GhostguardError('GG_ERR_CONFIG_NOT_FOUND', `configuration file not found: ${path}`);
  const parsed = parseConfig(readFileSync(path, 'utf8'), path, catalogue);
  return parsed.config ? { config: withPathsFrom(parsed.config, baseDir), issues: parsed.issues } : parsed;
}

function withPathsFrom(config: FleetConfig, baseDir: string): FleetConfig {
  const s = config.server;
  const tls = s.tls && s.tls !== 'auto' ? { cert: resolve(baseDir, s.tls.cert), key: resolve(baseDir, s.tls.key) } : s.tls;
  return { ...config, server: { ...s, dataDir: resolve(baseDir, s.dataDir), ...(tls ? { tls } : {}) } };
}

/** Whether a master key already exists in this data directory (a command that would create one can say so first). */
export function hasMasterKey(dataDir: string): boolean {
  return existsSync(join(dataDir, 'master.key'));
}

/** The server's secret for deriving per-device credentials; created once per data directory, readable only by its owner. */
export function loadMasterKey(dataDir: string): Buffer {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
}

export interface InventoryDeps {
  catalogue: ModelCatalogue;
  masterKey: Buffer;
  env: Readonly<Record<string, string | undefined>>;
  generations: { credential: (mac: Mac) => number; sip: (mac: Mac) => number };
  /** what relative paths in the file are resolved against (default: the file's directory) */
  baseDir?: string;
}

export class ConfigSource {
  private current: Inventory;
  private version = 1;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  /** `initial`: the file's config when the caller has just read it, so a large inventory is not parsed twice. */
  constructor(readonly path: string, private readonly deps: InventoryDeps, private readonly onReload: (r: { ok: boolean; issues: ConfigIssue[] }) => void = () => {}, initial?: FleetConfig) {
    const { config, issues } = initial ? { config: initial, issues: [] } : readConfig(path, deps.catalogue, deps.baseDir);
    if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
    this.current = this.build(config);
  }

  get inventory(): Inventory {
    return this.current;
  }

  /** Re-reads the file; on any problem the previous inventory keeps serving. */
  reload(): { ok: boolean; issues: ConfigIssue[] } {
    let result: { ok: boolean; issues: ConfigIssue[] };
    try {
      const { config, issues } = readConfig(this.path, this.deps.catalogue, this.deps.baseDir);
      if (config) this.current = this.build(config);
      result = { ok: !!config, issues };
    } catch (err) {
      result = { ok: false, issues: [{ file: this.path, line: 1, field: '(file)', message: (err as Error).message }] };
    }
    this.onReload(result);
    return result;
  }

  /** Invalidate derived state (render cache) without a file change, e.g. after a credential rotation. */
  bump(): void {
    this.current = this.build(this.current.config);
  }

  watch(): void {
    this.watcher = watch(this.path, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.reload(), 200);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private build(config: FleetConfig): Inventory {
    const { masterKey, env, generations } = this.deps;
    return new Inventory(config, { masterKey, env, credentialGeneration: generations.credential, sipGeneration: generations.sip }, this.version++);
  }
}
