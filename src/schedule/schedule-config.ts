/**
 * From the configured schedules to the scheduler's entries: each schedule's signature (what its runs are compared
 * over), its webhook secret, and the reconciliation after a config reload.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { literalsOutside } from '../auditor/targets.js';
import type { AuditSchedule } from '../model/config-types.js';
import { resolveSecret } from '../model/secret-spec.js';
import type { ScheduleLogInput } from './log.js';
import type { ScheduleEntry } from './schedule-types.js';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

export function scheduleSignature(s: Pick<AuditSchedule, 'targets' | 'exclude'>): string {
  return sha(JSON.stringify({ targets: s.targets, exclude: s.exclude })).slice(0, 32);
}

/** The webhook secret a schedule signs with: env:NAME (must be set), a literal, or generated once into the data directory. */
export function webhookSecret(
  s: AuditSchedule,
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): { secret: string; file?: string } | { problem: string } {
  const spec = s.webhook!.secret;
  if (spec.kind === 'generate') {
    const file = join(dataDir, `webhook-${s.name}.secret`);
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        return { problem: `cannot create ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
    }
    const secret = readFileSync(file, 'utf8').trim();
    return secret.length >= 16 ? { secret, file } : { problem: `${file} holds no usable secret (delete it to generate a new one)` };
  }
  const secret = resolveSecret(spec, () => '', env);
  if (!secret) return { problem: `webhook.secret: environment variable ${spec.kind === 'env' ? spec.name : ''} is not set` };
  if (secret.length < 16) return { problem: 'webhook.secret: the secret must be at least 16 characters' };
  return { secret };
}

/** Targets of a schedule outside the server's audit allow list (host names are checked when they resolve, per run). */
export function scopeProblem(s: Pick<AuditSchedule, 'targets'>, allowed: readonly string[] | undefined): string | undefined {
  const outside = allowed ? literalsOutside(s.targets, allowed) : [];
  return outside.length
    ? `targets: ${outside.map((t) => `"${t}"`).join(', ')} outside server.auditAllow (${allowed!.join(', ')})`
    : undefined;
}

export interface ReconcileHooks {
  dataDir: string;
  /** server.auditAllow: a schedule reaching outside it does not run */
  allowed?: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** whether the scheduler runs: new entries are armed, and problems are logged */
  started: boolean;
  log: (entry: ScheduleLogInput) => void;
  arm: (entry: ScheduleEntry) => void;
  retire: (entry: ScheduleEntry) => void;
}

/**
 * Brings `entries` in line with the configured schedules: unchanged ones keep their timers, changed ones restart,
 * removed ones stop. Returns problems (e.g. a webhook secret's environment variable is unset); a schedule with a
 * problem does not run, or keeps its previous definition.
 */
export function reconcileSchedules(
  entries: Map<string, ScheduleEntry>,
  schedules: readonly AuditSchedule[],
  hooks: ReconcileHooks,
): string[] {
  const problems: string[] = [];
  const wanted = new Set<string>();
  const refuse = (s: AuditSchedule, problem: string) => {
    problems.push(`schedules[${s.index}] (${s.name}): ${problem}`);
    // before start() the caller reports the problems (Runtime.create refuses to start); afterwards (a reload) the log does
    if (hooks.started)
      hooks.log({
        schedule: s.name,
        event: 'schedule-error',
        error: `${problem}; ${entries.has(s.name) ? 'keeps its previous definition' : 'not started'}`,
      });
  };
  for (const s of schedules) {
    wanted.add(s.name);
    const scope = scopeProblem(s, hooks.allowed);
    if (scope) {
      refuse(s, scope);
      continue;
    }
    let secret: { secret: string; file?: string } | undefined;
    if (s.webhook) {
      const resolved = webhookSecret(s, hooks.dataDir, hooks.env);
      if ('problem' in resolved) {
        refuse(s, resolved.problem);
        continue;
      }
      secret = resolved;
    }
    const { index: _index, ...definition } = s;
    const key = sha(JSON.stringify({ definition, secret: secret ? sha(secret.secret) : undefined }));
    const existing = entries.get(s.name);
    if (existing?.key === key) {
      existing.schedule = s;
      continue;
    }
    if (existing) hooks.retire(existing);
    const entry: ScheduleEntry = {
      schedule: s,
      signature: scheduleSignature(s),
      key,
      anchor: 0,
      retired: false,
      ...(secret ? { secret: secret.secret, ...(secret.file ? { secretFile: secret.file } : {}) } : {}),
    };
    entries.set(s.name, entry);
    if (hooks.started) hooks.arm(entry);
  }
  for (const [name, entry] of entries) {
    if (!wanted.has(name)) {
      hooks.retire(entry);
      entries.delete(name);
    }
  }
  return problems;
}
