/**
 * How every surface words a ghost-call verdict: "it will ring" only for `rings`, hedged words for `likely-rings`, and
 * never "safe" while a stranger's SIP is answered and the INVITE behaviour is unproven (`unknown`).
 */
import { GHOST_CALL_VERDICTS, type GhostCallVerdict } from './ghost-call.js';
import type { Severity } from './rules.js';

/** Short label for a table column. */
export const VERDICT_LABELS: Readonly<Record<GhostCallVerdict, string>> = {
  rings: 'RINGS',
  'likely-rings': 'likely rings',
  refuses: 'refuses',
  ignores: 'ignores',
  unknown: 'unknown',
};

/** One sentence a help-desk technician can read out. */
export const VERDICT_HEADLINES: Readonly<Record<GhostCallVerdict, string>> = {
  rings: "Rings for scanners: it will ring for a stranger's call.",
  'likely-rings': 'Likely rings for scanners: it takes calls from strangers, though ringing was not proven.',
  refuses: "Refuses strangers' calls: a scanner's call is rejected.",
  ignores: "Ignores strangers: no answer to a scanner's call.",
  unknown: 'Not known whether it rings for scanners.',
};

/** Severity of the ghost-call exposure; it orders hosts and colours every surface. */
export const VERDICT_SEVERITY: Readonly<Record<GhostCallVerdict, Severity>> = {
  rings: 'critical',
  'likely-rings': 'high',
  unknown: 'medium',
  refuses: 'info',
  ignores: 'info',
};

/** The rules whose failure is about ghost calls; a failing one takes its severity from the verdict. */
export const GHOST_CALL_RULES = ['sip-trusted-only', 'no-direct-ip-calls', 'invite-validation', 'no-auto-answer'] as const;

export const isGhostCallRule = (check: string): boolean => (GHOST_CALL_RULES as readonly string[]).includes(check);

/** Severity of a failing ghost-call rule under each verdict (a stranger's OPTIONS answered still fails sip-trusted-only). */
export const RULE_SEVERITY_BY_VERDICT: Readonly<Record<GhostCallVerdict, Severity>> = {
  rings: 'critical',
  'likely-rings': 'high',
  unknown: 'medium',
  refuses: 'low',
  ignores: 'low',
};

/** Riskiest first. */
export const VERDICT_ORDER: readonly GhostCallVerdict[] = ['rings', 'likely-rings', 'unknown', 'refuses', 'ignores'];

/** The verdicts that count a phone as exposed to ghost calls (schedules' newly-exposed, Fleet's Exposed). */
export const isExposed = (v: GhostCallVerdict | undefined): boolean => v === 'rings' || v === 'likely-rings';

export const verdictRank = (v: GhostCallVerdict | undefined): number => (v ? VERDICT_ORDER.indexOf(v) : VERDICT_ORDER.length);

export function countVerdicts(verdicts: Iterable<GhostCallVerdict>): Record<GhostCallVerdict, number> {
  const out = Object.fromEntries(GHOST_CALL_VERDICTS.map((v) => [v, 0])) as Record<GhostCallVerdict, number>;
  for (const v of verdicts) out[v]++;
  return out;
}

const PHRASES: Readonly<Record<GhostCallVerdict, (n: number) => string>> = {
  rings: (n) => `${n} ${n === 1 ? 'phone' : 'phones'} will ring`,
  'likely-rings': (n) => `${n} likely ring`,
  unknown: (n) => `${n} unknown`,
  refuses: (n) => `${n} refuse strangers`,
  ignores: (n) => `${n} ignore strangers`,
};

/** "3 phones will ring, 2 likely ring, 1 unknown, 5 refuse strangers, 4 ignore strangers" (zero counts left out). */
export function verdictCountsLine(counts: Readonly<Record<GhostCallVerdict, number>>): string {
  const parts = VERDICT_ORDER.filter((v) => counts[v] > 0).map((v) => PHRASES[v](counts[v]));
  return parts.length ? `ghost calls: ${parts.join(', ')}` : 'ghost calls: no host answered';
}
