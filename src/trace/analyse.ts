/**
 * Trace analysis (pure, incremental): feed SIP events in capture order with `add`, then `finish` for findings.
 * All state is capped, so a capture of any length is analysed in bounded memory.
 *
 * Who is trusted (may make phones ring):
 *  - the registrar, outbound proxy and trusted servers of every site in the config (`--config`), and `--trusted`
 *    addresses or CIDR ranges;
 *  - only when neither is given, a heuristic from the capture itself: hosts that answered a REGISTER with 2xx, 401 or
 *    407 (registrars) and hosts whose REGISTER was accepted with 2xx (registered phones). Everyone else — in particular
 *    anything that never registered anywhere — is untrusted;
 *  - a source showing scanner signatures is never trusted.
 * A scanner is a source whose requests carry a scanner User-Agent or a fake From/To/Contact host (signatures.ts), or an
 * untrusted source sending OPTIONS/INVITE to at least `sweepThreshold` distinct addresses, or OPTIONS/INVITE/REGISTER for
 * that many distinct extensions, within `sweepWindowSeconds`.
 * Exposure: an initial INVITE (no To tag) from an untrusted source to a host that is not a trusted server, answered by
 * that host with 180, 183 or 2xx; an OPTIONS from a scanner answered 2xx makes the host "reachable". An INVITE to a
 * host that answers with a refusal is "unsolicited"; addresses that never send SIP in the capture are only counted in
 * the scanner's evidence (a sweep of a /16 must not become 65,536 hosts in the report).
 */
import ipaddr from 'ipaddr.js';
import type { Endpoint, SipEvent } from './frame.js';
import { TRACE_CHECK_ORDER, traceFinding, type HostRole, type TraceFinding, type TraceHostReport } from './findings.js';
import { signaturesOf } from './signatures.js';
import { tagOf, uriParts, viaParts, type SipMessage } from './sip-parse.js';

export type TrustSource = 'config' | 'option' | 'inferred-registrar' | 'inferred-registered';

export interface TrustedEntry {
  /** an address, a CIDR range, or (from a config) a host name, matched literally */
  address: string;
  source: TrustSource;
  /** where it came from, e.g. `site hq registrar` */
  note?: string;
}

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

const SAMPLES = 5;
/** sources named in one finding's evidence */
const MAX_SOURCES = 10;

interface Signed {
  text: string;
  count: number;
  packets: number[];
}

interface Sweep {
  kind: 'addresses' | 'extensions';
  distinct: number;
  firstPacket: number;
  packet: number;
  seconds: number | undefined;
}

interface SourceStats {
  addr: string;
  requests: number;
  methods: Map<string, number>;
  userAgents: Set<string>;
  signatures: Map<string, Signed>;
  firstPacket: number;
  lastPacket: number;
  firstTime: number | undefined;
  lastTime: number | undefined;
  /** key → [time, packet] of last sighting within the window */
  sweepAddr: Map<string, [number, number]>;
  sweepExt: Map<string, [number, number]>;
  sweep?: Sweep;
  targets: Set<string>;
  extensions: Set<string>;
}

interface Answer {
  requestPacket: number;
  /** status, reason, packet of each response (first SAMPLES) */
  responses: [number, string, number][];
  time: number | undefined;
  ruri: string;
}

interface PairStats {
  src: Endpoint;
  dst: string;
  invites: number;
  options: number;
  inviteSamples: { packet: number; time: number | undefined; ruri: string }[];
  optionSamples: number[];
  /** per answered transaction (first SAMPLES) */
  answeredInvites: Answer[];
  answeredInviteCount: number;
  ruriIpAnswered: string[];
  optionsOk: Answer[];
  optionsOkCount: number;
  /** final non-2xx answers to INVITEs: status → [count, reason, first packet] */
  rejected: Map<number, [number, string, number]>;
  /** the target sent any response to this source */
  responded: boolean;
}

interface Tx {
  src: string;
  srcEp: Endpoint | undefined;
  dst: string;
  method: string;
  packet: number;
  time: number | undefined;
  ruri: string;
  initial: boolean;
  answered: boolean;
}

export interface TraceAnalysis {
  trusted: TrustedEntry[];
  hosts: TraceHostReport[];
  /** messages that did not fit a cap, or responses without their request */
  notes: string[];
  counts: { requests: number; responses: number; unmatchedResponses: number; sources: number };
}

function ipLiteral(host: string): boolean {
  return ipaddr.isValid(host) && (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':'));
}

function normalise(addr: string): string {
  try {
    return ipaddr.process(addr).toString();
  } catch {
    return addr.toLowerCase();
  }
}

export function fmtTime(t: number | undefined): string {
  if (t === undefined || !Number.isFinite(t)) return '';
  const whole = Math.floor(t);
  const micros = Math.round((t - whole) * 1e6);
  const iso = new Date(whole * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(Math.min(micros, 999_999)).padStart(6, '0')}Z`;
}

function at(packet: number, time: number | undefined): string {
  const t = fmtTime(time);
  return t ? `#${packet} (${t})` : `#${packet}`;
}

function responses(a: Answer): string {
  return a.responses.map(([st, reason, pk]) => `${st}${reason ? ` ${reason}` : ''} #${pk}`).join(', ');
}

function ep(e: Endpoint | undefined, fallback: string): string {
  if (!e) return fallback;
  const host = e.addr.includes(':') ? `[${e.addr}]` : e.addr;
  return e.port !== undefined ? `${host}:${e.port}` : host;
}

export class TraceAnalyser {
  private readonly sources = new Map<string, SourceStats>();
  private readonly pairs = new Map<string, PairStats>();
  private readonly txs = new Map<string, Tx>();
  private readonly registrars = new Map<string, number>();
  private readonly registered = new Map<string, number>();
  private readonly ringers = new Set<string>();
  /** Server header values per responding host */
  private readonly serverAgents = new Map<string, Set<string>>();
  /** hosts that sent any SIP message: only these are reported as reached (silent addresses stay in the scanner's count) */
  private readonly speakers = new Set<string>();
  private readonly trustCache = new Map<string, TrustedEntry | null>();
  private readonly matchers: { entry: TrustedEntry; test: (a: string) => boolean }[];
  private readonly threshold: number;
  private readonly window: number;
  private readonly infer: boolean;
  private dropped = { sources: 0, pairs: 0, transactions: 0 };
  private counts = { requests: 0, responses: 0, unmatchedResponses: 0 };

  constructor(private readonly options: AnalyseOptions, private readonly limits: AnalyseLimits = DEFAULT_LIMITS) {
    this.threshold = Math.max(2, options.sweepThreshold ?? DEFAULT_SWEEP_THRESHOLD);
    this.window = options.sweepWindowSeconds ?? DEFAULT_SWEEP_WINDOW;
    this.infer = options.inferTrust ?? options.trusted.length === 0;
    this.matchers = options.trusted.map((entry) => ({ entry, test: matcher(entry.address) }));
  }

  add(ev: SipEvent): void {
    if (ev.msg.method) this.request(ev, ev.msg);
    else this.response(ev, ev.msg);
  }

  private txKey(m: SipMessage, method: string): string {
    return `${m.callId}\u0000${m.cseqNum}\u0000${method}\u0000${viaParts(m.via).branch}`;
  }

  private source(addr: string, ev: SipEvent): SourceStats | undefined {
    let s = this.sources.get(addr);
    if (!s) {
      if (this.sources.size >= this.limits.sources) {
        this.dropped.sources++;
        return undefined;
      }
      s = {
        addr, requests: 0, methods: new Map(), userAgents: new Set(), signatures: new Map(), firstPacket: ev.packet, lastPacket: ev.packet,
        firstTime: ev.time, lastTime: ev.time, sweepAddr: new Map(), sweepExt: new Map(), targets: new Set(), extensions: new Set(),
      };
      this.sources.set(addr, s);
    }
    return s;
  }

  private request(ev: SipEvent, m: SipMessage): void {
    this.counts.requests++;
    const method = m.method!;
    const srcAddr = ev.src ? normalise(ev.src.addr) : 'unknown';
    const dstAddr = ev.dst ? normalise(ev.dst.addr) : 'unknown';
    this.speaker(srcAddr);
    const key = this.txKey(m, method);
    const retransmission = this.txs.has(key);
    if (!retransmission && (method === 'INVITE' || method === 'OPTIONS' || method === 'REGISTER')) {
      if (this.txs.size >= this.limits.transactions) {
        this.txs.delete(this.txs.keys().next().value as string);
        this.dropped.transactions++;
      }
      this.txs.set(key, {
        src: srcAddr, srcEp: ev.src, dst: dstAddr, method, packet: ev.packet, time: ev.time, ruri: m.uri ?? '', initial: !tagOf(m.to), answered: false,
      });
    }
    const s = this.source(srcAddr, ev);
    if (!s) return;
    if (retransmission) return;
    s.requests++;
    s.methods.set(method, (s.methods.get(method) ?? 0) + 1);
    s.lastPacket = ev.packet;
    if (ev.time !== undefined) {
      s.firstTime ??= ev.time;
      s.lastTime = ev.time;
    }
    if (m.userAgent && s.userAgents.size < 5) s.userAgents.add(m.userAgent.slice(0, 120));
    for (const sig of signaturesOf(m)) {
      let g = s.signatures.get(sig.key);
      if (!g) {
        if (s.signatures.size >= 10) continue;
        g = { text: sig.text, count: 0, packets: [] };
        s.signatures.set(sig.key, g);
      }
      g.count++;
      if (g.packets.length < SAMPLES) g.packets.push(ev.packet);
    }
    const initialInvite = method === 'INVITE' && !tagOf(m.to);
    const ext = uriParts(m.uri ?? '').user || uriParts(m.to).user;
    if (initialInvite || method === 'OPTIONS') {
      if (dstAddr !== 'unknown') {
        this.trackSweep(s, 'addresses', s.sweepAddr, dstAddr, ev);
        if (s.targets.size < 65_536) s.targets.add(dstAddr);
        this.pair(ev, srcAddr, dstAddr, method, m);
      }
    }
    if ((initialInvite || method === 'OPTIONS' || method === 'REGISTER') && ext) {
      this.trackSweep(s, 'extensions', s.sweepExt, ext, ev);
      if (s.extensions.size < 65_536) s.extensions.add(ext);
    }
  }

  private pair(ev: SipEvent, src: string, dst: string, method: string, m: SipMessage): void {
    const p = this.pairOf(src, dst, ev.src ?? { addr: src });
    if (!p) return;
    if (method === 'INVITE') {
      p.invites++;
      if (p.inviteSamples.length < SAMPLES) p.inviteSamples.push({ packet: ev.packet, time: ev.time, ruri: m.uri ?? '' });
    } else {
      p.options++;
      if (p.optionSamples.length < SAMPLES) p.optionSamples.push(ev.packet);
    }
  }

  private pairOf(src: string, dst: string, srcEp: Endpoint): PairStats | undefined {
    const key = `${src}\u0000${dst}`;
    let p = this.pairs.get(key);
    if (!p) {
      if (this.pairs.size >= this.limits.pairs) {
        this.dropped.pairs++;
        return undefined;
      }
      p = {
        src: srcEp, dst, invites: 0, options: 0, inviteSamples: [], optionSamples: [], answeredInvites: [], answeredInviteCount: 0, ruriIpAnswered: [],
        optionsOk: [], optionsOkCount: 0, rejected: new Map(), responded: false,
      };
      this.pairs.set(key, p);
    }
    return p;
  }

  private trackSweep(s: SourceStats, kind: Sweep['kind'], seen: Map<string, [number, number]>, key: string, ev: SipEvent): void {
    if (s.sweep) return;
    const now = ev.time ?? 0;
    seen.delete(key);
    seen.set(key, [now, ev.packet]);
    if (seen.size < this.threshold && seen.size <= this.limits.sweepKeys) return;
    for (const [k, [t]] of seen) {
      if (now - t > this.window) seen.delete(k);
      else break; // insertion order is time order
    }
    while (seen.size > this.limits.sweepKeys) seen.delete(seen.keys().next().value as string);
    if (seen.size >= this.threshold) {
      const first = seen.values().next().value as [number, number];
      s.sweep = { kind, distinct: seen.size, firstPacket: first[1], packet: ev.packet, seconds: ev.time === undefined ? undefined : now - first[0] };
      s.sweepAddr.clear();
      s.sweepExt.clear();
    }
  }

  private response(ev: SipEvent, m: SipMessage): void {
    this.counts.responses++;
    const tx = this.txs.get(this.txKey(m, m.cseqMethod));
    if (!tx) {
      if (m.cseqMethod === 'INVITE' || m.cseqMethod === 'OPTIONS' || m.cseqMethod === 'REGISTER') this.counts.unmatchedResponses++;
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
      if ((status >= 200 && status < 300) || status === 401 || status === 407) this.bump(this.registrars, responder, ev.packet);
      if (status >= 200 && status < 300) this.bump(this.registered, tx.src, ev.packet);
      return;
    }
    if (tx.method === 'INVITE' && !tx.initial) return;
    if (status < 101) return;
    const p = this.pairOf(tx.src, responder, tx.srcEp ?? { addr: tx.src });
    if (!p) return;
    p.responded = true;
    const ok = status >= 200 && status < 300;
    if (tx.method === 'INVITE') {
      if (ok || status === 180 || status === 183) {
        this.ringers.add(responder);
        let a = p.answeredInvites.find((x) => x.requestPacket === tx.packet);
        if (!tx.answered) {
          tx.answered = true;
          p.answeredInviteCount++;
          const host = uriParts(tx.ruri).host;
          if (ipLiteral(host) && p.ruriIpAnswered.length < SAMPLES) p.ruriIpAnswered.push(tx.ruri);
        }
        if (!a && p.answeredInvites.length < SAMPLES) {
          a = { requestPacket: tx.packet, responses: [], time: tx.time, ruri: tx.ruri };
          p.answeredInvites.push(a);
        }
        if (a && a.responses.length < SAMPLES) a.responses.push([status, m.reason ?? '', ev.packet]);
      } else if (status >= 300) {
        const r = p.rejected.get(status);
        if (r) r[0]++;
        else if (p.rejected.size < 10) p.rejected.set(status, [1, m.reason ?? '', ev.packet]);
      }
    } else if (tx.method === 'OPTIONS' && ok) {
      if (!tx.answered) {
        tx.answered = true;
        p.optionsOkCount++;
        if (p.optionsOk.length < SAMPLES) p.optionsOk.push({ requestPacket: tx.packet, responses: [[status, m.reason ?? '', ev.packet]], time: tx.time, ruri: tx.ruri });
      }
    }
  }

  private speaker(addr: string): void {
    if (addr !== 'unknown' && this.speakers.size < 262_144) this.speakers.add(addr);
  }

  private bump(map: Map<string, number>, addr: string, packet: number): void {
    if (!map.has(addr) && map.size < 4096) map.set(addr, packet);
  }

  /** The configured trust entry an address falls under. */
  private configuredTrust(addr: string): TrustedEntry | undefined {
    let hit = this.trustCache.get(addr);
    if (hit === undefined) {
      hit = this.matchers.find((m) => m.test(addr))?.entry ?? null;
      if (this.trustCache.size < 65_536) this.trustCache.set(addr, hit);
    }
    return hit ?? undefined;
  }

  finish(): TraceAnalysis {
    const trusted: TrustedEntry[] = [...this.options.trusted];
    const servers = new Set<string>();
    const trustedSources = new Set<string>();
    if (this.infer) {
      for (const [addr, packet] of this.registrars) {
        trusted.push({ address: addr, source: 'inferred-registrar', note: `answered a REGISTER (#${packet})` });
        servers.add(addr);
        trustedSources.add(addr);
      }
      for (const [addr, packet] of this.registered) {
        if (servers.has(addr)) continue;
        trusted.push({ address: addr, source: 'inferred-registered', note: `registered (#${packet})` });
        trustedSources.add(addr);
      }
    }
    const isServer = (a: string) => servers.has(a) || this.configuredTrust(a) !== undefined;

    const scanners = new Map<string, SourceStats>();
    for (const s of this.sources.values()) {
      const trustedSrc = trustedSources.has(s.addr) || this.configuredTrust(s.addr) !== undefined;
      if (s.signatures.size > 0 || (s.sweep && !trustedSrc)) scanners.set(s.addr, s);
    }
    const untrusted = (a: string) => scanners.has(a) || !(trustedSources.has(a) || this.configuredTrust(a) !== undefined);

    const hosts = new Map<string, TraceHostReport>();
    const host = (addr: string, role: HostRole): TraceHostReport => {
      let h = hosts.get(addr);
      if (!h) {
        const agents = new Set([...(this.sources.get(addr)?.userAgents ?? []), ...(this.serverAgents.get(addr) ?? [])]);
        h = { host: addr, role, userAgents: [...agents].slice(0, 5), findings: [] };
        hosts.set(addr, h);
      }
      return h;
    };

    const answeredBy = new Map<string, number>();
    for (const p of this.pairs.values()) if (p.responded) answeredBy.set(normalise(p.src.addr), (answeredBy.get(normalise(p.src.addr)) ?? 0) + 1);
    for (const s of scanners.values()) host(s.addr, 'scanner').findings.push(this.scannerFinding(s, answeredBy.get(s.addr) ?? 0));

    // per target: exposure, unsolicited, reachable
    const byTarget = new Map<string, PairStats[]>();
    for (const p of this.pairs.values()) {
      const src = normalise(p.src.addr);
      if (src === 'unknown' && !scanners.has(src)) continue;
      if (p.dst === 'unknown' || isServer(p.dst) || !untrusted(src) || p.dst === src || !this.speakers.has(p.dst)) continue;
      const list = byTarget.get(p.dst) ?? [];
      list.push(p);
      byTarget.set(p.dst, list);
    }
    for (const [dst, pairs] of byTarget) {
      const findings = this.targetFindings(dst, pairs, scanners);
      if (findings.length === 0) continue;
      const role: HostRole = scanners.has(dst) ? 'scanner' : this.registered.has(dst) || this.ringers.has(dst) ? 'phone' : 'endpoint';
      host(dst, role).findings.push(...findings);
    }

    const order = (c: TraceFinding) => TRACE_CHECK_ORDER.indexOf(c.check);
    const list = [...hosts.values()].filter((h) => h.findings.length > 0);
    for (const h of list) h.findings.sort((a, b) => order(a) - order(b));
    list.sort((a, b) => compareAddr(a.host, b.host));

    const notes: string[] = [];
    if (this.dropped.sources) notes.push(`${this.dropped.sources} requests from sources beyond the ${this.limits.sources}-source cap were not analysed`);
    if (this.dropped.pairs) notes.push(`${this.dropped.pairs} requests between host pairs beyond the ${this.limits.pairs}-pair cap were not analysed`);
    if (this.dropped.transactions) notes.push(`${this.dropped.transactions} transactions were forgotten (cap ${this.limits.transactions}); their late responses could not be matched`);
    return { trusted, hosts: list, notes, counts: { ...this.counts, sources: this.sources.size } };
  }

  private scannerFinding(s: SourceStats, answered: number): TraceFinding {
    const evidence: string[] = [];
    const packets: number[] = [];
    for (const g of s.signatures.values()) {
      evidence.push(`${g.text} in ${g.count} request${g.count === 1 ? '' : 's'}, first ${g.packets.map((p) => `#${p}`).join(', ')}`);
      packets.push(...g.packets);
    }
    if (s.sweep) {
      const w = s.sweep.seconds === undefined ? '' : ` within ${s.sweep.seconds.toFixed(2)} s`;
      evidence.push(`swept ${s.sweep.distinct} distinct ${s.sweep.kind}${w} (#${s.sweep.firstPacket}–#${s.sweep.packet}; threshold ${this.threshold} in ${this.window} s)`);
      packets.push(s.sweep.firstPacket, s.sweep.packet);
    }
    const methods = [...s.methods].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ');
    const span = s.firstTime !== undefined ? ` from ${fmtTime(s.firstTime)} to ${fmtTime(s.lastTime)}` : '';
    evidence.push(`${s.requests} requests (${methods}) to ${s.targets.size} address${s.targets.size === 1 ? '' : 'es'} (${answered} answered) and ${s.extensions.size} extension${s.extensions.size === 1 ? '' : 's'}, packets #${s.firstPacket}–#${s.lastPacket}${span}`);
    return traceFinding('scanner-traffic', evidence, packets, [
      `block SIP from ${s.addr} at the network edge (firewall / SBC)`,
      'drop SIP requests whose User-Agent names a scanner (friendly-scanner, sipcli, VaxSIPUserAgent, …) at the edge',
      'make sure every phone accepts SIP only from its registrar/proxy (rule sip-trusted-only)',
    ]);
  }

  private targetFindings(dst: string, pairs: PairStats[], scanners: Map<string, SourceStats>): TraceFinding[] {
    const exposed: string[] = [];
    const exposedPackets: number[] = [];
    const direct: string[] = [];
    const unsolicited: string[] = [];
    const unsolicitedPackets: number[] = [];
    const reachable: string[] = [];
    const reachablePackets: number[] = [];
    const more = { exposed: 0, unsolicited: 0, reachable: 0 };
    // scanners first, then by volume: the evidence names at most MAX_SOURCES sources per finding
    pairs.sort((a, b) => Number(scanners.has(normalise(b.src.addr))) - Number(scanners.has(normalise(a.src.addr))) || b.invites + b.options - a.invites - a.options);
    for (const p of pairs) {
      const src = normalise(p.src.addr);
      const who = `${ep(p.src, src)}${scanners.has(src) ? ' (scanner)' : ' (untrusted)'}`;
      if (p.answeredInviteCount > 0 && exposed.length >= MAX_SOURCES * 2) more.exposed++;
      else if (p.answeredInviteCount > 0) {
        exposed.push(`answered ${p.answeredInviteCount} of ${p.invites} INVITE${p.invites === 1 ? '' : 's'} from ${who}`);
        for (const a of p.answeredInvites) {
          exposed.push(`  INVITE ${a.ruri} ${at(a.requestPacket, a.time)} → ${responses(a)}`);
          exposedPackets.push(a.requestPacket, ...a.responses.map((r) => r[2]));
        }
        for (const uri of p.ruriIpAnswered) direct.push(`accepted INVITE addressed to an IP: ${uri} from ${who}`);
      }
      const unanswered = p.invites - p.answeredInviteCount;
      if (unanswered > 0 && unsolicited.length >= MAX_SOURCES) more.unsolicited++;
      else if (unanswered > 0) {
        const rej = [...p.rejected].map(([st, [n, reason, pk]]) => `${n}× ${st} ${reason} (first #${pk})`.replace(/\s+\(/, ' (')).join(', ');
        unsolicited.push(`${unanswered} INVITE${unanswered === 1 ? '' : 's'} from ${who} not answered${rej ? `: ${rej}` : ' (no ringing/answer in the capture)'}; first ${p.inviteSamples.map((x) => at(x.packet, x.time)).join(', ')}`);
        unsolicitedPackets.push(...p.inviteSamples.map((x) => x.packet));
      }
      if (p.optionsOkCount > 0 && scanners.has(src) && reachable.length >= MAX_SOURCES) more.reachable++;
      else if (p.optionsOkCount > 0 && scanners.has(src)) {
        reachable.push(`answered ${p.optionsOkCount} OPTIONS from ${who} with 2xx: ${p.optionsOk.map((a) => `#${a.requestPacket} → ${responses(a)}`).join('; ')}`);
        for (const a of p.optionsOk) reachablePackets.push(a.requestPacket, ...a.responses.map((r) => r[2]));
      }
    }
    const andMore = (n: number) => `… and ${n} more source${n === 1 ? '' : 's'}`;
    if (more.exposed) exposed.push(andMore(more.exposed));
    if (more.unsolicited) unsolicited.push(andMore(more.unsolicited));
    if (more.reachable) reachable.push(andMore(more.reachable));
    const out: TraceFinding[] = [];
    const hardening = `provision this phone with ghostguard so it accepts SIP only from its registrar/proxy (\`ghostguard render <mac> --explain\` shows the vendor settings)`;
    if (exposed.length) {
      out.push(traceFinding('sip-trusted-only', exposed, exposedPackets, [hardening, `until then, block SIP to ${dst} from anything but the site's servers at the network edge`]));
    }
    if (direct.length) {
      out.push(traceFinding('no-direct-ip-calls', direct, exposedPackets, ['turn off direct IP calls on this phone (rule no-direct-ip-calls)']));
    }
    if (unsolicited.length) {
      out.push(traceFinding('unsolicited-invite', unsolicited, unsolicitedPackets, [`untrusted sources reach ${dst}: filter SIP at the network edge so only the site's servers can reach phones`]));
    }
    if (reachable.length) {
      out.push(traceFinding('sip-reachable', reachable, reachablePackets, [`scanners can see ${dst}: filter SIP at the network edge; a phone that accepts SIP only from its servers should not answer strangers`]));
    }
    return out;
  }
}

function matcher(spec: string): (a: string) => boolean {
  const s = spec.trim();
  if (s.includes('/') && ipaddr.isValidCIDR(s)) {
    const [range, bits] = ipaddr.parseCIDR(s);
    return (a) => {
      if (!ipaddr.isValid(a)) return false;
      const addr = ipaddr.process(a);
      return addr.kind() === range.kind() && addr.match(range, bits);
    };
  }
  if (ipaddr.isValid(s)) {
    const want = normalise(s);
    return (a) => a === want;
  }
  const name = s.toLowerCase();
  return (a) => a === name;
}

function compareAddr(a: string, b: string): number {
  const ka = addrKey(a);
  const kb = addrKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function addrKey(a: string): string {
  if (ipaddr.isValid(a)) {
    const p = ipaddr.process(a);
    return `${p.kind() === 'ipv4' ? 4 : 6}:${p.toByteArray().map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  }
  return `9:${a}`;
}

/** Convenience for tests and small inputs: the whole analysis over a list. */
export function analyse(events: Iterable<SipEvent>, options: AnalyseOptions, limits?: AnalyseLimits): TraceAnalysis {
  const a = new TraceAnalyser(options, limits);
  for (const ev of events) a.add(ev);
  return a.finish();
}
