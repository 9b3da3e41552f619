/**
 * Scanner detection. A scanner is a source whose requests carry a scanner User-Agent or a fake From/To/Contact host
 * (signatures.ts), or an untrusted source sending OPTIONS/INVITE to at least `threshold` distinct addresses, or
 * OPTIONS/INVITE/REGISTER for that many distinct extensions, within `window` seconds.
 */
import { boundedEntry } from './bounded-map.js';
import { fmtTime } from './evidence-text.js';
import { traceFinding, type TraceFinding } from './findings.js';
import type { SipEvent } from './frame.js';
import { signaturesOf } from './signatures.js';
import type { SipMessage } from './sip-parse.js';

export interface SweepRule {
  threshold: number;
  /** seconds */
  window: number;
  /** distinct keys remembered per source and kind */
  maxKeys: number;
}

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

export interface SourceStats {
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

const SAMPLES = 5;

export class ScannerDetector {
  readonly sources = new Map<string, SourceStats>();
  /** requests from sources beyond the cap */
  dropped = 0;

  constructor(
    private readonly rule: SweepRule,
    private readonly cap: number,
  ) {}

  /** The stats of a source, created on its first request; undefined past the cap. */
  source(addr: string, ev: SipEvent): SourceStats | undefined {
    const s = boundedEntry(
      this.sources,
      addr,
      this.cap,
      (): SourceStats => ({
        addr,
        requests: 0,
        methods: new Map(),
        userAgents: new Set(),
        signatures: new Map(),
        firstPacket: ev.packet,
        lastPacket: ev.packet,
        firstTime: ev.time,
        lastTime: ev.time,
        sweepAddr: new Map(),
        sweepExt: new Map(),
        targets: new Set(),
        extensions: new Set(),
      }),
    );
    if (!s) this.dropped++;
    return s;
  }

  /** A new (not retransmitted) request from the source. */
  request(s: SourceStats, m: SipMessage, ev: SipEvent): void {
    const method = m.method!;
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
  }

  /** An OPTIONS or initial INVITE from the source to `addr`. */
  target(s: SourceStats, addr: string, ev: SipEvent): void {
    this.trackSweep(s, 'addresses', s.sweepAddr, addr, ev);
    if (s.targets.size < 65_536) s.targets.add(addr);
  }

  /** An OPTIONS, initial INVITE or REGISTER from the source for extension `ext`. */
  extension(s: SourceStats, ext: string, ev: SipEvent): void {
    this.trackSweep(s, 'extensions', s.sweepExt, ext, ev);
    if (s.extensions.size < 65_536) s.extensions.add(ext);
  }

  private trackSweep(s: SourceStats, kind: Sweep['kind'], seen: Map<string, [number, number]>, key: string, ev: SipEvent): void {
    if (s.sweep) return;
    const now = ev.time ?? 0;
    seen.delete(key);
    seen.set(key, [now, ev.packet]);
    if (seen.size < this.rule.threshold && seen.size <= this.rule.maxKeys) return;
    for (const [k, [t]] of seen) {
      if (now - t > this.rule.window) seen.delete(k);
      else break; // insertion order is time order
    }
    while (seen.size > this.rule.maxKeys) seen.delete(seen.keys().next().value as string);
    if (seen.size >= this.rule.threshold) {
      const first = seen.values().next().value as [number, number];
      s.sweep = {
        kind,
        distinct: seen.size,
        firstPacket: first[1],
        packet: ev.packet,
        seconds: ev.time === undefined ? undefined : now - first[0],
      };
      s.sweepAddr.clear();
      s.sweepExt.clear();
    }
  }

  /** Sources with scanner signatures, and sweeping sources that are not trusted. */
  scanners(trusted: (addr: string) => boolean): Map<string, SourceStats> {
    const out = new Map<string, SourceStats>();
    for (const s of this.sources.values()) {
      const trustedSrc = trusted(s.addr);
      if (s.signatures.size > 0 || (s.sweep && !trustedSrc)) out.set(s.addr, s);
    }
    return out;
  }

  /** `answered`: how many of the addresses it sent to answered it */
  finding(s: SourceStats, answered: number): TraceFinding {
    const evidence: string[] = [];
    const packets: number[] = [];
    for (const g of s.signatures.values()) {
      evidence.push(`${g.text} in ${g.count} request${g.count === 1 ? '' : 's'}, first ${g.packets.map((p) => `#${p}`).join(', ')}`);
      packets.push(...g.packets);
    }
    if (s.sweep) {
      const w = s.sweep.seconds === undefined ? '' : ` within ${s.sweep.seconds.toFixed(2)} s`;
      evidence.push(
        `swept ${s.sweep.distinct} distinct ${s.sweep.kind}${w} (#${s.sweep.firstPacket}–#${s.sweep.packet}; threshold ${this.rule.threshold} in ${this.rule.window} s)`,
      );
      packets.push(s.sweep.firstPacket, s.sweep.packet);
    }
    const methods = [...s.methods]
      .sort((a, b) => b[1] - a[1])
      .map(([m, n]) => `${m} ${n}`)
      .join(', ');
    const span = s.firstTime !== undefined ? ` from ${fmtTime(s.firstTime)} to ${fmtTime(s.lastTime)}` : '';
    evidence.push(
      `${s.requests} requests (${methods}) to ${s.targets.size} address${s.targets.size === 1 ? '' : 'es'} (${answered} answered) and ${s.extensions.size} extension${s.extensions.size === 1 ? '' : 's'}, packets #${s.firstPacket}–#${s.lastPacket}${span}`,
    );
    return traceFinding('scanner-traffic', evidence, packets, [
      `block SIP from ${s.addr} at the network edge (firewall / SBC)`,
      'drop SIP requests whose User-Agent names a scanner (friendly-scanner, sipcli, VaxSIPUserAgent, …) at the edge',
      'make sure every phone accepts SIP only from its registrar/proxy (rule sip-trusted-only)',
    ]);
  }
}
