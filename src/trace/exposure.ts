/**
 * Exposure matching, per (source, target) pair. Exposure: an initial INVITE (no To tag) from an untrusted source to a
 * host that is not a trusted server, answered by that host with 180, 183 or 2xx; an OPTIONS from a scanner answered
 * 2xx makes the host "reachable". An INVITE to a host that answers with a refusal is "unsolicited". Which pairs count
 * (untrusted source, target that spoke SIP) is the caller's choice: addresses that never send SIP are only counted in
 * the scanner's evidence (a sweep of a /16 must not become 65,536 hosts in the report).
 */
import { ipLiteral, normalise } from './addresses.js';
import { boundedEntry } from './bounded-map.js';
import { at, ep } from './evidence-text.js';
import { traceFinding, type TraceFinding } from './findings.js';
import type { Endpoint, SipEvent } from './frame.js';
import { uriParts, type SipMessage } from './sip-parse.js';
import type { Tx } from './transactions.js';

const SAMPLES = 5;
/** sources named in one finding's evidence */
const MAX_SOURCES = 10;

interface Answer {
  requestPacket: number;
  /** status, reason, packet of each response (first SAMPLES) */
  responses: [number, string, number][];
  time: number | undefined;
  ruri: string;
}

export interface PairStats {
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

function responses(a: Answer): string {
  return a.responses.map(([st, reason, pk]) => `${st}${reason ? ` ${reason}` : ''} #${pk}`).join(', ');
}

export class ExposureTracker {
  private readonly pairs = new Map<string, PairStats>();
  /** hosts that rang (180/183) or answered (2xx) an initial INVITE */
  readonly ringers = new Set<string>();
  /** requests between pairs beyond the cap */
  dropped = 0;

  constructor(private readonly cap: number) {}

  /** An OPTIONS or initial INVITE from `src` to `dst` (normalised). */
  request(ev: SipEvent, src: string, dst: string, method: string, m: SipMessage): void {
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

  /** A provisional or final response from `responder` to an OPTIONS or initial INVITE. */
  response(tx: Tx, responder: string, status: number, reason: string, packet: number): void {
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
        if (a && a.responses.length < SAMPLES) a.responses.push([status, reason, packet]);
      } else if (status >= 300) {
        const r = p.rejected.get(status);
        if (r) r[0]++;
        else if (p.rejected.size < 10) p.rejected.set(status, [1, reason, packet]);
      }
    } else if (tx.method === 'OPTIONS' && ok) {
      if (!tx.answered) {
        tx.answered = true;
        p.optionsOkCount++;
        if (p.optionsOk.length < SAMPLES)
          p.optionsOk.push({ requestPacket: tx.packet, responses: [[status, reason, packet]], time: tx.time, ruri: tx.ruri });
      }
    }
  }

  private pairOf(src: string, dst: string, srcEp: Endpoint): PairStats | undefined {
    const p = boundedEntry(
      this.pairs,
      `${src}\u0000${dst}`,
      this.cap,
      (): PairStats => ({
        src: srcEp,
        dst,
        invites: 0,
        options: 0,
        inviteSamples: [],
        optionSamples: [],
        answeredInvites: [],
        answeredInviteCount: 0,
        ruriIpAnswered: [],
        optionsOk: [],
        optionsOkCount: 0,
        rejected: new Map(),
        responded: false,
      }),
    );
    if (!p) this.dropped++;
    return p;
  }

  /** Per source (normalised), how many of its targets answered it at all. */
  answeredBy(): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of this.pairs.values()) if (p.responded) out.set(normalise(p.src.addr), (out.get(normalise(p.src.addr)) ?? 0) + 1);
    return out;
  }

  /** The pairs `counts(src, dst)` keeps, grouped by target. */
  byTarget(counts: (src: string, dst: string) => boolean): Map<string, PairStats[]> {
    const out = new Map<string, PairStats[]>();
    for (const p of this.pairs.values()) {
      if (!counts(normalise(p.src.addr), p.dst)) continue;
      const list = out.get(p.dst) ?? [];
      list.push(p);
      out.set(p.dst, list);
    }
    return out;
  }
}

/** The exposure, direct-IP, unsolicited and reachable findings of one target from its pairs. */
export function targetFindings(dst: string, pairs: PairStats[], scanners: ReadonlyMap<string, unknown>): TraceFinding[] {
  const exposed: string[] = [];
  const exposedPackets: number[] = [];
  const direct: string[] = [];
  const unsolicited: string[] = [];
  const unsolicitedPackets: number[] = [];
  const reachable: string[] = [];
  const reachablePackets: number[] = [];
  const more = { exposed: 0, unsolicited: 0, reachable: 0 };
  // scanners first, then by volume: the evidence names at most MAX_SOURCES sources per finding
  pairs.sort(
    (a, b) =>
      Number(scanners.has(normalise(b.src.addr))) - Number(scanners.has(normalise(a.src.addr))) ||
      b.invites + b.options - a.invites - a.options,
  );
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
      unsolicited.push(
        `${unanswered} INVITE${unanswered === 1 ? '' : 's'} from ${who} not answered${rej ? `: ${rej}` : ' (no ringing/answer in the capture)'}; first ${p.inviteSamples.map((x) => at(x.packet, x.time)).join(', ')}`,
      );
      unsolicitedPackets.push(...p.inviteSamples.map((x) => x.packet));
    }
    if (p.optionsOkCount > 0 && scanners.has(src) && reachable.length >= MAX_SOURCES) more.reachable++;
    else if (p.optionsOkCount > 0 && scanners.has(src)) {
      reachable.push(
        `answered ${p.optionsOkCount} OPTIONS from ${who} with 2xx: ${p.optionsOk.map((a) => `#${a.requestPacket} → ${responses(a)}`).join('; ')}`,
      );
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
    out.push(
      traceFinding('sip-trusted-only', exposed, exposedPackets, [
        hardening,
        `until then, block SIP to ${dst} from anything but the site's servers at the network edge`,
      ]),
    );
  }
  if (direct.length) {
    out.push(
      traceFinding('no-direct-ip-calls', direct, exposedPackets, ['turn off direct IP calls on this phone (rule no-direct-ip-calls)']),
    );
  }
  if (unsolicited.length) {
    out.push(
      traceFinding('unsolicited-invite', unsolicited, unsolicitedPackets, [
        `untrusted sources reach ${dst}: filter SIP at the network edge so only the site's servers can reach phones`,
      ]),
    );
  }
  if (reachable.length) {
    out.push(
      traceFinding('sip-reachable', reachable, reachablePackets, [
        `scanners can see ${dst}: filter SIP at the network edge; a phone that accepts SIP only from its servers should not answer strangers`,
      ]),
    );
  }
  return out;
}
