/**
 * Audit runs started from the dashboard: run in the background, stored in the store's audit runs, watched through their
 * progress. A run's id is the stored run id, known as soon as the auditor has accepted the targets.
 */
import { runAudit, type AuditDeps, type AuditOptions } from '../auditor/audit.js';
import type { AuditReport } from '../auditor/findings.js';
import { GhostguardError } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import type { VendorAdapter } from '../model/vendor-contract.js';
import type { AuditRunRecord, AuditRunStore, Store, StoredFinding } from '../store/store.js';
import type { AuditChoices } from './audit-choices.js';
import { BusyError } from './busy.js';

/** The store's audit runs, learning the run id the moment runAudit stores the run. */
function trackingAuditStore(inner: AuditRunStore, onStart: (id: number) => void): AuditRunStore {
  return {
    startRun: async (startedAt, targets) => {
      const id = await inner.startRun(startedAt, targets);
      onStart(id);
      return id;
    },
    finishRun: (...a) => inner.finishRun(...a),
    runs: (limit) => inner.runs(limit),
    run: (id) => inner.run(id),
    findings: (id) => inner.findings(id),
    previousRun: (id) => inner.previousRun(id),
    diff: (before, after) => inner.diff(before, after),
  };
}

export type RunStatus = 'running' | 'finished' | 'failed' | 'interrupted';

export interface RunProgress {
  done: number;
  total: number;
  phones: number;
}

export interface AuditRunView {
  id: number;
  status: RunStatus;
  startedAt: string;
  finishedAt?: string;
  targets: string[];
  progress?: RunProgress;
  summary?: unknown;
  error?: string;
  incomplete?: string;
}

interface Live {
  id: number;
  status: 'running' | 'finished' | 'failed';
  progress: RunProgress;
  controller: AbortController;
  error?: string;
  incomplete?: string;
}

export interface AuditRunnerDeps {
  vendors: readonly VendorAdapter[];
  inventory: () => Inventory;
  store: Pick<Store, 'fetchHistory' | 'lastFetchBySource' | 'credentials' | 'auditRuns'>;
  /** probe settings and the allowed ranges */
  auditOptions?: Partial<Omit<AuditOptions, 'targets'>>;
  audit?: (options: AuditOptions, deps: AuditDeps) => Promise<AuditReport>;
  auditDeps?: Partial<Omit<AuditDeps, 'vendors' | 'inventory' | 'store' | 'auditStore' | 'onProgress' | 'signal'>>;
  /** runs at once */
  maxRunning?: number;
}

export const MAX_TARGET_TEXT = 4000;

/** "127.0.1.0/24, 127.0.2.5" or a list → target tokens; throws GG_ERR_TARGET_INVALID on nothing usable. */
export function targetList(input: unknown): string[] {
  const parts = (Array.isArray(input) ? input : [input]).filter((x): x is string => typeof x === 'string');
  const text = parts.join(' ');
  if (text.length > MAX_TARGET_TEXT)
    throw new GhostguardError('GG_ERR_TARGET_INVALID', `targets are limited to ${MAX_TARGET_TEXT} characters`);
  const tokens = text.split(/[\s,]+/).filter(Boolean);
  if (tokens.some((t) => t.startsWith('@')))
    throw new GhostguardError('GG_ERR_TARGET_INVALID', 'target files (@file) are not accepted here');
  if (tokens.length === 0) throw new GhostguardError('GG_ERR_TARGET_INVALID', 'give at least one address, range or CIDR');
  return tokens;
}

export class AuditRunner {
  private readonly live = new Map<number, Live>();
  private readonly auditStore: AuditRunStore;

  constructor(private readonly deps: AuditRunnerDeps) {
    this.auditStore = deps.store.auditRuns;
  }

  get store(): AuditRunStore {
    return this.auditStore;
  }

  running(): number {
    return [...this.live.values()].filter((l) => l.status === 'running').length;
  }

  /** Starts a run; resolves with its id once the targets are accepted, rejects (GhostguardError) when they are not. */
  /** `choices`: the form's ports, login options and INVITE probe, over the configured audit options. */
  async start(targets: string[], exclude: string[] = [], choices: Partial<AuditChoices> = {}): Promise<number> {
    if (this.running() >= (this.deps.maxRunning ?? 2)) throw new BusyError('audits are already running; wait for one to finish');
    const controller = new AbortController();
    let live: Live | undefined;
    let started!: (id: number) => void;
    const idPromise = new Promise<number>((resolve) => (started = resolve));
    const store = trackingAuditStore(this.auditStore, (id) => {
      live = { id, status: 'running', progress: { done: 0, total: 0, phones: 0 }, controller };
      this.live.set(id, live);
      this.prune();
      started(id);
    });
    const allowed = this.deps.inventory().config.server.auditAllow;
    const options: AuditOptions = {
      intrusive: false,
      ...this.deps.auditOptions,
      ...choices,
      ...(allowed ? { allowed } : {}),
      targets,
      exclude,
    };
    const audit = this.deps.audit ?? runAudit;
    const run = audit(options, {
      ...this.deps.auditDeps,
      vendors: this.deps.vendors,
      inventory: this.deps.inventory(),
      store: this.deps.store,
      auditStore: store,
      signal: controller.signal,
      onProgress: (p) => {
        if (live) live.progress = { ...p };
      },
    });
    run.then(
      (report) => {
        if (!live) return;
        live.status = 'finished';
        live.progress = { done: report.summary.hostsScanned, total: report.summary.hostsPlanned, phones: report.summary.phones };
        if (report.incomplete) live.incomplete = report.incomplete;
      },
      (err: unknown) => {
        if (!live) return;
        live.status = 'failed';
        live.error = err instanceof Error ? err.message.slice(0, 300) : 'the audit failed';
      },
    );
    // either the run is stored (targets accepted) or the audit rejects before that (bad targets)
    return Promise.race([
      idPromise,
      run.then(() => {
        if (!live) throw new GhostguardError('GG_ERR_STORE', 'the audit finished without being stored');
        return live.id;
      }),
    ]);
  }

  async view(id: number): Promise<AuditRunView | undefined> {
    const record = await this.auditStore.run(id);
    if (!record) return undefined;
    return this.viewOf(record);
  }

  async list(limit = 50): Promise<AuditRunView[]> {
    return (await this.auditStore.runs(limit)).map((r) => this.viewOf(r));
  }

  findings(id: number): Promise<StoredFinding[]> {
    return this.auditStore.findings(id);
  }

  stopAll(): void {
    for (const l of this.live.values()) if (l.status === 'running') l.controller.abort();
  }

  private viewOf(record: AuditRunRecord): AuditRunView {
    const live = this.live.get(record.id);
    const view: AuditRunView = { id: record.id, startedAt: record.startedAt, targets: record.targets, status: 'interrupted' };
    if (record.finishedAt) {
      view.status = 'finished';
      view.finishedAt = record.finishedAt;
    } else if (live) {
      view.status = live.status === 'failed' ? 'failed' : 'running';
    }
    if (live) {
      view.progress = live.progress;
      if (live.error) view.error = live.error;
      if (live.incomplete) view.incomplete = live.incomplete;
    }
    if (record.summary !== undefined) view.summary = record.summary;
    return view;
  }

  private prune(): void {
    if (this.live.size <= 100) return;
    for (const [id, l] of this.live) {
      if (l.status !== 'running') this.live.delete(id);
      if (this.live.size <= 100) break;
    }
  }
}
