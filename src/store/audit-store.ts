/** Audit runs and their findings in SQLite (tables audit_runs / audit_findings), so runs can be listed and compared. */
import type Database from 'better-sqlite3';
import { GHOST_CALL_VERDICTS, type GhostCall, type GhostCallVerdict } from '../model/ghost-call.js';
import { VERDICT_SEVERITY } from '../model/ghost-call-words.js';
import type { AuditRunRecord, AuditRunStore, RunDiff, StoredFinding } from './store.js';

/** the record types live with the Store interface; re-exported for callers that name this file */
export type { AuditRunRecord, RunDiff, StoredFinding } from './store.js';

/** The stored row that carries a host's ghost-call verdict: rule `ghost-call`, state = verdict, fix = how to tell. */
export const GHOST_CALL_ROW = 'ghost-call';

export function ghostCallRow(host: string, g: GhostCall): StoredFinding {
  return {
    host,
    rule: GHOST_CALL_ROW,
    state: g.verdict,
    severity: VERDICT_SEVERITY[g.verdict],
    evidence: g.evidence,
    fix: g.howToTell ? [g.howToTell] : [],
  };
}

/** The verdict a stored row carries; undefined for any other row. */
export function ghostCallOfRow(f: StoredFinding | undefined): GhostCall | undefined {
  if (!f || f.rule !== GHOST_CALL_ROW || !(GHOST_CALL_VERDICTS as readonly string[]).includes(f.state)) return undefined;
  const g: GhostCall = { verdict: f.state as GhostCallVerdict, evidence: f.evidence };
  if (f.fix[0]) g.howToTell = f.fix[0];
  return g;
}

interface FindingRow {
  host: string;
  mac: string | null;
  vendor: string | null;
  model: string | null;
  rule: string;
  state: string;
  severity: string;
  evidence: string;
  fix: string;
}

export class AuditStore implements AuditRunStore {
  private readonly stmts;

  /** Takes the state database opened by openStateDatabase (its migrations create the tables). */
  constructor(private readonly db: Database.Database) {
    this.stmts = {
      start: db.prepare('INSERT INTO audit_runs (started_at, targets) VALUES (?, ?)'),
      finish: db.prepare('UPDATE audit_runs SET finished_at = ?, summary = ? WHERE id = ?'),
      insert: db.prepare(`INSERT INTO audit_findings (run_id, host, mac, vendor, model, rule, state, severity, evidence, fix)
                          VALUES (@runId, @host, @mac, @vendor, @model, @rule, @state, @severity, @evidence, @fix)`),
      runs: db.prepare('SELECT id, started_at, finished_at, targets, summary FROM audit_runs ORDER BY id DESC LIMIT ?'),
      run: db.prepare('SELECT id, started_at, finished_at, targets, summary FROM audit_runs WHERE id = ?'),
      findings: db.prepare(
        'SELECT host, mac, vendor, model, rule, state, severity, evidence, fix FROM audit_findings WHERE run_id = ? ORDER BY rowid',
      ),
      previous: db.prepare('SELECT id FROM audit_runs WHERE id < ? AND finished_at IS NOT NULL AND targets = ? ORDER BY id DESC LIMIT 1'),
    };
  }

  async startRun(startedAt: Date, targets: readonly string[]): Promise<number> {
    return Number(this.stmts.start.run(startedAt.toISOString(), JSON.stringify(targets)).lastInsertRowid);
  }

  /** Stores every finding and the summary in one transaction. */
  async finishRun(runId: number, finishedAt: Date, summary: unknown, findings: readonly StoredFinding[]): Promise<void> {
    this.db.transaction(() => {
      for (const f of findings) {
        this.stmts.insert.run({
          runId,
          host: f.host,
          mac: f.mac ?? null,
          vendor: f.vendor ?? null,
          model: f.model ?? null,
          rule: f.rule,
          state: f.state,
          severity: f.severity,
          evidence: JSON.stringify(f.evidence),
          fix: JSON.stringify(f.fix),
        });
      }
      this.stmts.finish.run(finishedAt.toISOString(), JSON.stringify(summary), runId);
    })();
  }

  async runs(limit = 20): Promise<AuditRunRecord[]> {
    return (this.stmts.runs.all(limit) as RunRow[]).map(toRun);
  }

  async run(runId: number): Promise<AuditRunRecord | undefined> {
    const row = this.stmts.run.get(runId) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  async findings(runId: number): Promise<StoredFinding[]> {
    return (this.stmts.findings.all(runId) as FindingRow[]).map((r) => {
      const f: StoredFinding = {
        host: r.host,
        rule: r.rule,
        state: r.state,
        severity: r.severity,
        evidence: parseList(r.evidence),
        fix: parseList(r.fix),
      };
      if (r.mac !== null) f.mac = r.mac;
      if (r.vendor !== null) f.vendor = r.vendor;
      if (r.model !== null) f.model = r.model;
      return f;
    });
  }

  /** The latest finished run before `runId` over the same targets. */
  async previousRun(runId: number): Promise<number | undefined> {
    const current = this.stmts.run.get(runId) as RunRow | undefined;
    if (!current) return undefined;
    const row = this.stmts.previous.get(runId, current.targets) as { id: number } | undefined;
    return row?.id;
  }

  async diff(beforeId: number, afterId: number): Promise<RunDiff> {
    return diffFindings(await this.findings(beforeId), await this.findings(afterId));
  }
}

interface RunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  targets: string;
  summary: string | null;
}

function toRun(r: RunRow): AuditRunRecord {
  const out: AuditRunRecord = { id: r.id, startedAt: r.started_at, targets: parseList(r.targets) };
  if (r.finished_at !== null) out.finishedAt = r.finished_at;
  if (r.summary !== null) out.summary = JSON.parse(r.summary) as unknown;
  return out;
}

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Findings are the same phone-and-rule when host (or MAC, when known) and rule match. */
export function diffFindings(before: readonly StoredFinding[], after: readonly StoredFinding[]): RunDiff {
  const key = (f: StoredFinding) => `${f.mac ?? f.host}|${f.rule}`;
  const failing = (list: readonly StoredFinding[]) => new Map(list.filter((f) => f.state === 'fail').map((f) => [key(f), f]));
  const was = failing(before);
  const now = failing(after);
  const hostsBefore = new Set(before.map((f) => f.host));
  const hostsAfter = new Set(after.map((f) => f.host));
  const devicesAfter = new Set(after.map((f) => f.mac ?? f.host));
  return {
    newFailures: [...now].filter(([k]) => !was.has(k)).map(([, f]) => f),
    // a device that was not audited this time is not "resolved"
    resolved: [...was].filter(([k, f]) => !now.has(k) && devicesAfter.has(f.mac ?? f.host)).map(([, f]) => f),
    hostsAdded: [...hostsAfter].filter((h) => !hostsBefore.has(h)),
    hostsGone: [...hostsBefore].filter((h) => !hostsAfter.has(h)),
  };
}
