/** Loads the YAML config from disk into an Inventory, and keeps the last valid one when a reload fails. */
import { chmodSync, existsSync, mkdirSync, readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelCatalogue } from '../model/config-parse.js';
import { firstIssues, readConfig, type ConfigRead } from './config-file.js';
import type { ConfigIssue } from '../model/config-issues.js';
import { GhostguardError } from '../model/errors.js';
import { formatIssue } from '../model/config-issues.js';
import { Inventory } from '../model/inventory.js';
import type { FleetConfig } from '../model/config-types.js';

export const BUNDLED_EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/ghostguard.yaml');

export { readConfig } from './config-file.js';

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
  /** what relative paths in the file are resolved against (default: the file's directory) */
  baseDir?: string;
}

export interface ReloadResult {
  ok: boolean;
  issues: ConfigIssue[];
}

/** heap a reload's parse may use; past it the thread is stopped and the reload fails (the running config stays) */
const PARSE_HEAP_MB = 1024;

/** Reads and parses the file in a worker thread of its own, ended afterwards. */
function parseOffThread(path: string, catalogue: ModelCatalogue, baseDir: string | undefined): Promise<ConfigRead> {
  const self = import.meta.url;
  // from the sources this module is config-source.ts beside config-file.ts; in the bundle, a chunk beside config-file.mjs
  const module = self.endsWith('.ts') ? new URL('./config-file.ts', self).href : new URL('./config-file.mjs', self).href;
  return new Promise((done) => {
    const worker = new Worker(new URL('./config-parse-thread.mjs', self), {
      workerData: { module, path, catalogue, baseDir },
      resourceLimits: { maxOldGenerationSizeMb: PARSE_HEAP_MB },
      stdout: false,
      stderr: false,
    });
    let answered = false;
    const fail = (message: string) => done({ issues: [{ file: path, line: 1, field: '(file)', message }] });
    worker.once('message', (read: ConfigRead) => {
      answered = true;
      done(read);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      answered = true;
      fail(`the configuration could not be parsed: ${err.message}`);
    });
    worker.once('exit', (code) => {
      if (!answered) fail(`the parse thread stopped (exit ${code})`);
    });
  });
}

export class ConfigSource {
  private current: Inventory;
  private version = 1;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private running?: Promise<ReloadResult>;
  private again = false;
  private closed = false;

  /** `initial`: the file's config when the caller has just read it, so a large inventory is not parsed twice. */
  constructor(
    readonly path: string,
    private readonly deps: InventoryDeps,
    private readonly onReload: (r: { ok: boolean; issues: ConfigIssue[] }) => void = () => {},
    initial?: FleetConfig,
  ) {
    const { config, issues } = initial ? { config: initial, issues: [] } : readConfig(path, deps.catalogue, deps.baseDir);
    if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
    this.current = this.build(config);
  }

  get inventory(): Inventory {
    return this.current;
  }

  /** Re-reads the file on this thread (tests, one-off commands); on any problem the previous inventory keeps serving. */
  reload(): ReloadResult {
    let read: ConfigRead;
    try {
      read = readConfig(this.path, this.deps.catalogue, this.deps.baseDir);
      read = { ...read, issues: firstIssues(read.issues) };
    } catch (err) {
      read = { issues: [{ file: this.path, line: 1, field: '(file)', message: (err as Error).message }] };
    }
    return this.apply(read);
  }

  /**
   * The server's reload (file change, SIGHUP): the file is read and parsed in a worker thread, so phones are answered
   * meanwhile; the thread ends with the parse, and its memory with it. A change during a reload queues one more.
   */
  reloadInBackground(): Promise<ReloadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = parseOffThread(this.path, this.deps.catalogue, this.deps.baseDir).then((read) => this.apply(read));
    this.running = run.finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reloadInBackground();
      }
    });
    return this.running;
  }

  /** Invalidate derived state (render cache) without a file change, e.g. after a credential rotation. */
  bump(): void {
    this.current = this.build(this.current.config);
  }

  /**
   * Follows the file through its directory, not its inode: an editor's atomic save (write a temporary file, rename it
   * over the config) replaces the inode a file watch would be tied to.
   */
  watch(onReloaded?: (result: ReloadResult) => void): void {
    const name = basename(this.path);
    this.watcher = watch(dirname(resolve(this.path)), (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reloadInBackground().then(onReloaded), 200);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  private apply(read: ConfigRead): ReloadResult {
    let result: ReloadResult;
    try {
      if (read.config) this.current = this.build(read.config);
      result = { ok: !!read.config, issues: read.issues };
    } catch (err) {
      result = { ok: false, issues: [{ file: this.path, line: 1, field: '(file)', message: (err as Error).message }] };
    }
    this.onReload(result);
    return result;
  }

  private build(config: FleetConfig): Inventory {
    const { masterKey, env } = this.deps;
    return new Inventory(config, { masterKey, env }, this.version++);
  }
}
