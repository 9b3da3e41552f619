/**
 * Ban and rate arithmetic across `serve --workers` processes. Each worker keeps its own guard (rate buckets, local
 * counts) and reports every denial, refund, canary hit and admitted request to the cluster primary, which counts them
 * for all workers together, hands each ban it decides to every worker, and tells every worker which rate buckets ran
 * dry across the cluster. Without this, N workers would each tolerate the full budget: N × 1,000 guesses from one
 * address before a ban instead of 1,000, and N × the request rate.
 */
import { AbuseGuard, type AbuseLimits, type Ban, type GuardReport, type Throttle } from './abuse-guard.js';
import type { SpreadAlert } from './spread-watch.js';

/** worker → primary */
export interface GuardReportMessage {
  guard: GuardReport[];
}

/** primary → worker; `announce` goes to the worker whose report tipped the count, which writes the `banned` event */
export interface GuardBanMessage {
  guardBans: Ban[];
  announce?: string;
  /** rate buckets run dry across the cluster */
  guardThrottles?: Throttle[];
  /** guessing spread over many /24s, counted over every worker: the reporter whose denial crossed it writes the event */
  spread?: SpreadAlert;
}

/**
 * Refunds (one per authenticated request) and admitted requests are summed per address and sent this often; denials
 * and canary hits at once. A cluster can therefore overshoot a rate bucket by what its workers admit in one interval.
 */
export const GUARD_FLUSH_MS = 50;

export function reportToPrimary(guard: AbuseGuard, send: (message: GuardReportMessage) => void): () => void {
  const refunds = new Map<string, number>();
  const takes = new Map<string, number>();
  guard.report = (report) => {
    if (report.kind === 'refund') refunds.set(report.address, (refunds.get(report.address) ?? 0) + report.times);
    else if (report.kind === 'take') takes.set(report.address, (takes.get(report.address) ?? 0) + report.times);
    else send({ guard: [report] });
  };
  const timer = setInterval(() => {
    if (refunds.size === 0 && takes.size === 0) return;
    send({
      guard: [
        ...[...refunds].map(([address, times]) => ({ kind: 'refund' as const, address, times })),
        ...[...takes].map(([address, times]) => ({ kind: 'take' as const, address, times })),
      ],
    });
    refunds.clear();
    takes.clear();
  }, GUARD_FLUSH_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    guard.report = undefined;
  };
}

export function isGuardBanMessage(message: unknown): message is GuardBanMessage {
  return typeof message === 'object' && message !== null && Array.isArray((message as GuardBanMessage).guardBans);
}

export function isGuardReportMessage(message: unknown): message is GuardReportMessage {
  return typeof message === 'object' && message !== null && Array.isArray((message as GuardReportMessage).guard);
}

export class GuardCoordinator {
  private readonly guard: AbuseGuard;
  private spread?: SpreadAlert;

  constructor(limits: AbuseLimits, now?: () => number) {
    this.guard = new AbuseGuard(limits, now);
    this.guard.onSpread = (alert) => (this.spread = alert);
  }

  standingBans(): Ban[] {
    return this.guard.standingBans();
  }

  /**
   * Applies one worker's reports; returns the messages to send, per recipient (the reporter gets the announcement and
   * the spread alert; the others nothing when `toOthers` is absent).
   */
  receive(message: GuardReportMessage): { toReporter: GuardBanMessage; toOthers?: GuardBanMessage }[] {
    const out = [];
    const guardThrottles: Throttle[] = [];
    for (const report of message.guard) {
      if (report.kind === 'take') {
        guardThrottles.push(...this.guard.consume(report.address, report.times));
        continue;
      }
      const banned = this.guard.apply(report);
      const spread = this.spread;
      this.spread = undefined;
      if (spread) out.push({ toReporter: { guardBans: [], spread } });
      if (!banned) continue;
      const guardBans = this.guard.bansFor(report.address);
      out.push({ toReporter: { guardBans, announce: report.address }, toOthers: { guardBans } });
    }
    if (guardThrottles.length > 0) out.push({ toReporter: { guardBans: [], guardThrottles }, toOthers: { guardBans: [], guardThrottles } });
    return out;
  }
}
