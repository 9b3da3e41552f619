/**
 * Vendor, model and firmware from what the probes saw. Every adapter judges every observation; the best level wins
 * and a tie at the top means unknown. Core never decides alone that a device is a vendor's.
 */
import type { Mac } from '../model/mac.js';
import {
  IDENTIFY_LEVELS,
  type IdentifyLevel,
  type Observation,
  type ObservationIdentity,
  type RequestIdentity,
  type VendorAdapter,
} from '../model/vendor-contract.js';
import type { HostObservations } from './observations.js';

export interface Identity {
  vendor?: VendorAdapter;
  level: IdentifyLevel;
  model?: string;
  firmware?: string;
  /** vendor ids tied at the best level (then `vendor` is unset) */
  tied?: string[];
  /** which observations carried the winning answer */
  sources: string[];
}

export const LEVEL_NAMES: Readonly<Record<IdentifyLevel, string>> = { 0: 'none', 1: 'weak', 2: 'vendor', 3: 'model', 4: 'exact' };

interface Labelled {
  label: string;
  obs: Observation;
}

/** One observation per thing seen, so each adapter judges coherent evidence. */
export function observationsOf(host: HostObservations, extra: Labelled[] = []): Labelled[] {
  const out: Labelled[] = [];
  for (const r of [...host.sip, ...(host.invites ?? [])]) {
    if (r.outcome === 'answered' && (r.userAgent || r.server)) {
      out.push({ label: `SIP udp/${r.port}`, obs: { sipUserAgent: r.userAgent, sipServer: r.server } });
    }
  }
  for (const r of host.http) {
    if (r.outcome === 'answered')
      out.push({ label: `${r.scheme}/${r.port}`, obs: { httpServer: r.server, httpTitle: r.title, httpBody: r.body } });
  }
  for (const r of host.snmp) {
    if (r.outcome === 'answered') out.push({ label: `SNMP udp/${r.port}`, obs: { sysDescr: r.sysDescr, sysObjectId: r.sysObjectId } });
  }
  if (host.mac) out.push({ label: `MAC OUI (${host.mac.source})`, obs: { mac: host.mac.mac } });
  return [...out, ...extra];
}

const score = (i: ObservationIdentity): number => i.level * 4 + (i.firmware ? 2 : 0) + (i.model ? 1 : 0);

function judge(vendor: VendorAdapter, items: Labelled[]): { best: ObservationIdentity; sources: string[] } {
  let best: ObservationIdentity = { level: IDENTIFY_LEVELS.none };
  let sources: string[] = [];
  for (const item of items) {
    let id: ObservationIdentity;
    try {
      id = vendor.identifyObservation(item.obs);
    } catch {
      continue;
    }
    if (id.level === IDENTIFY_LEVELS.none) continue;
    if (score(id) > score(best)) {
      best = { ...id, model: id.model ?? best.model, firmware: id.firmware ?? best.firmware };
      sources = [item.label, ...sources.filter((s) => s !== item.label)];
    } else {
      if (!sources.includes(item.label)) sources.push(item.label);
      best = { ...best, model: best.model ?? id.model, firmware: best.firmware ?? id.firmware };
    }
  }
  return { best, sources };
}

export function fingerprint(vendors: readonly VendorAdapter[], items: Labelled[]): Identity {
  const judged = vendors.map((v) => ({ vendor: v, ...judge(v, items) }));
  const top = Math.max(IDENTIFY_LEVELS.none, ...judged.map((j) => j.best.level)) as IdentifyLevel;
  if (top === IDENTIFY_LEVELS.none) return { level: IDENTIFY_LEVELS.none, sources: [] };
  const leaders = judged.filter((j) => j.best.level === top);
  if (leaders.length > 1) return { level: top, tied: leaders.map((l) => l.vendor.id), sources: leaders.flatMap((l) => l.sources) };
  const winner = leaders[0]!;
  const out: Identity = { vendor: winner.vendor, level: top, sources: winner.sources };
  if (winner.best.model) out.model = winner.best.model;
  if (winner.best.firmware) out.firmware = winner.best.firmware;
  return out;
}

/** A MAC seen in a SIP User-Agent (Polycom appends `_<mac>`): 12 hex digits after an underscore. */
export function macFromUserAgent(ua: string | undefined): Mac | undefined {
  const m = ua ? /_([0-9a-f]{12})(?:\s|$)/i.exec(ua) : null;
  return m ? (m[1]!.toLowerCase() as Mac) : undefined;
}

/** What the provisioning server last saw fetching from this address (Store.lastFetchBySource). */
export interface FetchSighting {
  file: string;
  userAgent: string;
  ts: string;
}

/**
 * Adds the server's own record: the vendors judge the last provisioning request from this address. Live probes win
 * when they name a vendor (the record only fills in model and firmware for the same vendor); when they cannot tell,
 * the record decides, and says so in the sources.
 */
export function withFetchHistory(vendors: readonly VendorAdapter[], live: Identity, seen: FetchSighting): Identity {
  const claims: { vendor: VendorAdapter; id: RequestIdentity }[] = [];
  for (const vendor of vendors) {
    try {
      const id = vendor.identifyRequest({ fileName: seen.file, method: 'GET', userAgent: seen.userAgent });
      if (id.level > IDENTIFY_LEVELS.none) claims.push({ vendor, id });
    } catch {
      // an adapter bug is not evidence
    }
  }
  const top = Math.max(IDENTIFY_LEVELS.none, ...claims.map((c) => c.id.level));
  const leaders = claims.filter((c) => c.id.level === top);
  if (leaders.length !== 1) return live;
  const { vendor, id } = leaders[0]!;
  const label = `ghostguard fetch history (${seen.file} at ${seen.ts})`;
  if (live.vendor && live.level >= IDENTIFY_LEVELS.vendor) {
    if (live.vendor !== vendor) return live;
    const out: Identity = { ...live, sources: [...live.sources, label] };
    if (!out.model && id.model) out.model = id.model;
    if (!out.firmware && id.firmware) out.firmware = id.firmware;
    return out;
  }
  const out: Identity = { vendor, level: id.level, sources: [label, ...live.sources] };
  if (id.model) out.model = id.model;
  if (id.firmware) out.firmware = id.firmware;
  return out;
}
