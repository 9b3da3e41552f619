/**
 * Trace analysis (pure, incremental): feed SIP events in capture order with `add`, then `finish` for findings.
 * All state is capped, so a capture of any length is analysed in bounded memory. Who is trusted: trust.ts; what makes a
 * scanner: scanner-detection.ts; what makes a host exposed, unsolicited or reachable: exposure.ts.
 */
import { compareAddr, normalise } from './addresses.js';
import { ExposureTracker, targetFindings } from './exposure.js';
import { TRACE_CHECK_ORDER, type HostRole, type TraceFinding, type TraceHostReport } from './findings.js';
import type { SipEvent } from './frame.js';
import { ScannerDetector } from './scanner-detection.js';
import { tagOf, uriParts, type SipMessage } from './sip-parse.js';
import { TransactionTable, tracked } from './transactions.js';
import { TrustTracker, type TrustedEntry } from './trust.js';

export interface AnalyseOptions {
  trusted: TrustedEntry[];
  /** infer registrars and registered phones from the capture (default: when `trusted` is empty) */
  inferTrust?: boolean;
  sweepThreshold?: number;
  sweepWindowSeconds?: number;
}

export interface AnalyseLimits {
  sources: number;
  pairs: number;
  transactions: number;
  sweepKeys: number;
}

export const DEFAULT_LIMITS: AnalyseLimits = { sources: 65_536, pairs: 262_144, transactions: 100_000, sweepKeys: 4_096 };
export const DEFAULT_SWEEP_THRESHOLD = 10;
export const DEFAULT_SWEEP_WINDOW = 60;

export interface TraceAnalysis {
  trusted: TrustedEntry[];
  hosts: TraceHostReport[];
  /** messages that did not fit a cap, or responses without their request */
  notes: string[];
  counts: { requests: number; responses: number; unmatchedResponses: number; sources: number };
}

export class TraceAnalyser {
  private readonly txs: TransactionTable;
  private readonly detector: ScannerDetector;
  private readonly exposure: ExposureTracker;
  private readonly trust: TrustTracker;
  /** Server header values per responding host */
  private readonly serverAgents = new Map<string, Set<string>>();
  /** hosts that sent any SIP message: only these are reported as reached (silent addresses stay in the scanner's count) */
  private readonly speakers = new Set<string>();
  private counts = { requests: 0, responses: 0, unmatchedResponses: 0 };

  constructor(
    options: AnalyseOptions,
    private readonly limits: AnalyseLimits = DEFAULT_LIMITS,
  ) {
    const threshold = Math.max(2, options.sweepThreshold ?? DEFAULT_SWEEP_THRESHOLD);
    const window = options.sweepWindowSeconds ?? DEFAULT_SWEEP_WINDOW;
    this.txs = new TransactionTable(limits.transactions);
    this.detector = new ScannerDetector({ threshold, window, maxKeys: limits.sweepKeys }, limits.sources);
    this.exposure = new ExposureTracker(limits.pairs);
    this.trust = new TrustTracker(options.trusted, options.inferTrust ?? options.trusted.length === 0);
  }

  add(ev: SipEvent): void {
    if (ev.msg.method) this.request(ev, ev.msg);
    else this.response(ev, ev.msg);
  }

  private request(ev: SipEvent, m: SipMessage): void {
    this.counts.requests++;
    const method = m.method!;
    const srcAddr = ev.src ? normalise(ev.src.addr) : 'unknown';
    const dstAddr = ev.dst ? normalise(ev.dst.addr) : 'unknown';
    this.speaker(srcAddr);
    const retransmission = this.txs.request(ev, m, srcAddr, dstAddr);
    const s = this.detector.source(srcAddr, ev);
    if (!s) return;
    if (retransmission) return;
    this.detector.request(s, m, ev);
    const initialInvite = method === 'INVITE' && !tagOf(m.to);
    const ext = uriParts(m.uri ?? '').user || uriParts(m.to).user;
    if (initialInvite || method === 'OPTIONS') {
      if (dstAddr !== 'unknown') {
        this.detector.target(s, dstAddr, ev);
        this.exposure.request(ev, srcAddr, dstAddr, method, m);
      }
    }
    if ((initialInvite || method === 'OPTIONS' || method === 'REGISTER') && ext) this.detector.extension(s, ext, ev);
  }

  private response(ev: SipEvent, m: SipMessage): void {
    this.counts.responses++;
    const tx = this.txs.response(m);
    if (!tx) {
      if (tracked(m.cseqMethod)) this.counts.unmatchedResponses++;
      return;
    }
    const status = m.status!;
    const responder = ev.src ? normalise(ev.src.addr) : tx.dst;
    this.speaker(responder);
    if (m.userAgent) {
      let set = this.serverAgents.get(responder);
      if (!set && this.serverAgents.size < 65_536) this.serverAgents.set(responder, (set = new Set()));
      if (set && set.size < 5) set.add(m.userAgent.slice(0, 120));
    }
    if (tx.method === 'REGISTER') {
      this.trust.register(responder, tx.src, status, ev.packet);
      return;
    }
    if (tx.method === 'INVITE' && !tx.initial) return;
    if (status < 101) return;
    this.exposure.response(tx, responder, status, m.reason ?? '', ev.packet);
  }

  private speaker(addr: string): void {
    if (addr !== 'unknown' && this.speakers.size < 262_144) this.speakers.add(addr);
  }

  finish(): TraceAnalysis {
    const { trusted, servers, trustedSources } = this.trust.resolve();
    const configured = (a: string) => this.trust.configuredTrust(a) !== undefined;
    const isServer = (a: string) => servers.has(a) || configured(a);
    const scanners = this.detector.scanners((a) => trustedSources.has(a) || configured(a));
    const untrusted = (a: string) => scanners.has(a) || !(trustedSources.has(a) || configured(a));

    const hosts = new Map<string, TraceHostReport>();
    const host = (addr: string, role: HostRole): TraceHostReport => {
      let h = hosts.get(addr);
      if (!h) {
        const agents = new Set([...(this.detector.sources.get(addr)?.userAgents ?? []), ...(this.serverAgents.get(addr) ?? [])]);
        h = { host: addr, role, userAgents: [...agents].slice(0, 5), findings: [] };
        hosts.set(addr, h);
      }
      return h;
    };

    const answeredBy = this.exposure.answeredBy();
    for (const s of scanners.values()) host(s.addr, 'scanner').findings.push(this.detector.finding(s, answeredBy.get(s.addr) ?? 0));

    // per target: exposure, unsolicited, reachable
    const byTarget = this.exposure.byTarget((src, dst) => {
      if (src === 'unknown' && !scanners.has(src)) return false;
      return !(dst === 'unknown' || isServer(dst) || !untrusted(src) || dst === src || !this.speakers.has(dst));
    });
    for (const [dst, pairs] of byTarget) {
      const findings = targetFindings(dst, pairs, scanners);
      if (findings.length === 0) continue;
      const role: HostRole = scanners.has(dst)
        ? 'scanner'
        : this.trust.isRegistered(dst) || this.exposure.ringers.has(dst)
          ? 'phone'
          : 'endpoint';
      host(dst, role).findings.push(...findings);
    }

    const order = (c: TraceFinding) => TRACE_CHECK_ORDER.indexOf(c.check);
    const list = [...hosts.values()].filter((h) => h.findings.length > 0);
    for (const h of list) h.findings.sort((a, b) => order(a) - order(b));
    list.sort((a, b) => compareAddr(a.host, b.host));

    const notes: string[] = [];
    if (this.detector.dropped)
      notes.push(`${this.detector.dropped} requests from sources beyond the ${this.limits.sources}-source cap were not analysed`);
    if (this.exposure.dropped)
      notes.push(`${this.exposure.dropped} requests between host pairs beyond the ${this.limits.pairs}-pair cap were not analysed`);
    if (this.txs.dropped)
      notes.push(
        `${this.txs.dropped} transactions were forgotten (cap ${this.limits.transactions}); their late responses could not be matched`,
      );
    return { trusted, hosts: list, notes, counts: { ...this.counts, sources: this.detector.sources.size } };
  }
}

/** Convenience for tests and small inputs: the whole analysis over a list. */
export function analyse(events: Iterable<SipEvent>, options: AnalyseOptions, limits?: AnalyseLimits): TraceAnalysis {
  const a = new TraceAnalyser(options, limits);
  for (const ev of events) a.add(ev);
  return a.finish();
}
