/**
 * One host, start to finish: probes → fingerprint → (a phone: phone-audit.ts) → its entry in the report.
 * Every step's failure becomes evidence; nothing here throws for anything a device sends.
 */
import type { Mac } from '../model/mac.js';
import { IDENTIFY_LEVELS } from '../model/vendor-contract.js';
import type { HostAuditContext } from './audit-context.js';
import { finding, type HostReport } from './findings.js';
import { fingerprint, macFromUserAgent, observationsOf, withFetchHistory, type Identity } from './fingerprint.js';
import { hostReport, unidentified } from './host-report.js';
import {
  httpShowsLife,
  isResponsive,
  sipShowsLife,
  type HostObservations,
  type HttpProbeResult,
  type SipProbeResult,
  type SnmpProbeResult,
} from './observations.js';
import { auditPhone } from './phone-audit.js';
import { gated, probeHttp } from './probes/http-probe.js';
import { probeInvite } from './probes/sip-invite-probe.js';
import { probeOptions } from './probes/sip-options-probe.js';
import type { SipProbeOptions } from './probes/sip-transaction.js';
import { probeSnmp } from './probes/snmp-probe.js';
import { errorText } from './sanitize.js';
import { hostGate, HostPacer, type PacketGate } from './scheduler.js';

/** Probes of one host in flight: SIP results land in `sip` (by port index) as they settle. */
interface ProbesInFlight {
  sip: (SipProbeResult | undefined)[];
  /** the HTTP and HTTPS discovery results, usually long before a silent SIP port has timed out */
  web: Promise<HttpProbeResult[]>;
  all: Promise<HostObservations>;
}

/**
 * SIP, HTTP and HTTPS probes of one host run concurrently (each still passes the host's pacer and the global bucket), so
 * a port that stays silent costs its timeout once, not once per probe after it. SNMP starts as soon as any of them shows
 * a host is there; an address that stays silent everywhere is spared the SNMP round.
 */
function startProbes(host: string, ctx: HostAuditContext, gate: PacketGate, signal?: AbortSignal): ProbesInFlight {
  const s = ctx.settings;
  const sipOptions = { timeoutMs: s.timeoutMs, retries: s.retries, gate, clock: ctx.clock, createSocket: ctx.udp, signal };
  let snmp: Promise<SnmpProbeResult[]> | undefined;
  const startSnmp = () => {
    snmp ??= probeSnmp(host, {
      port: s.snmpPort,
      communities: s.communities,
      timeoutMs: s.timeoutMs,
      retries: s.retries,
      gate,
      factory: ctx.snmp,
      testWrite: s.intrusive,
      signal,
    });
  };
  const lively = <T>(probe: Promise<T>, showsLife: (r: T) => boolean): Promise<T> =>
    probe.then((r) => {
      if (showsLife(r)) startSnmp();
      return r;
    });
  const client = gated(ctx.http, gate);
  const settled: (SipProbeResult | undefined)[] = s.sipPorts.map(() => undefined);
  const sip = Promise.all(
    s.sipPorts.map((port, i) => lively(probeOptions(host, port, sipOptions), sipShowsLife).then((r) => (settled[i] = r))),
  );
  const web = Promise.all([
    ...s.httpPorts.map((port) => lively(probeHttp(host, port, 'http', client, signal), httpShowsLife)),
    ...s.httpsPorts.map((port) => lively(probeHttp(host, port, 'https', client, signal), httpShowsLife)),
  ]);
  const all = Promise.all([sip, web]).then(async ([sipResults, http]) => {
    // nothing probed at all: SNMP is the only question left
    if (sipResults.length + http.length === 0) startSnmp();
    return { host, sip: sipResults, http, snmp: snmp ? await snmp : [] };
  });
  return { sip: settled, web, all };
}

export async function probeHost(host: string, ctx: HostAuditContext, gate: PacketGate, signal?: AbortSignal): Promise<HostObservations> {
  return startProbes(host, ctx, gate, signal).all;
}

/** MAC (neighbour table, SIP User-Agent, fetch history) and fingerprint; sets obs.mac. */
async function identify(obs: HostObservations, ctx: HostAuditContext): Promise<Identity> {
  const mac = await ctx.neighbours(obs.host);
  if (mac) obs.mac = { mac, source: 'neighbour-table' };
  const uaMac = obs.sip.map((r) => macFromUserAgent(r.userAgent)).find(Boolean);
  if (!obs.mac && uaMac) obs.mac = { mac: uaMac, source: 'sip-user-agent' };
  const lastFetch = await ctx.history?.lastFetchBySource(obs.host);
  if (!obs.mac && lastFetch) obs.mac = { mac: lastFetch.mac as Mac, source: 'fetch-history' };
  const identity = fingerprint(ctx.vendors, observationsOf(obs));
  return lastFetch ? withFetchHistory(ctx.vendors, identity, lastFetch) : identity;
}

const isPhone = (identity: Identity): boolean => !!identity.vendor && identity.level >= IDENTIFY_LEVELS.vendor;

/** The INVITE probe's port: the first that answered OPTIONS, else the first that stayed silent (refused ports: none). */
function invitePort(sip: readonly SipProbeResult[]): number | undefined {
  return sip.find((r) => r.outcome === 'answered')?.port ?? sip.find((r) => r.outcome === 'timeout')?.port;
}

/**
 * The same choice while OPTIONS may still be waiting: decided early only when the answer cannot change — a port that
 * answered with every port before it settled otherwise, or the only port, still pending (it will answer or stay silent;
 * if it turns out refused or garbled, the INVITE result is dropped below, as if it had not been sent).
 */
function earlyInvitePort(ports: readonly number[], settled: readonly (SipProbeResult | undefined)[]): number | undefined {
  for (let i = 0; i < ports.length; i++) {
    const r = settled[i];
    if (r?.outcome === 'answered') return r.port;
    if (!r) return ports.length === 1 ? ports[0] : undefined;
  }
  return undefined;
}

/** The phone's own extensions when the inventory knows its MAC (at most 4 are probed). */
async function ownExtensions(ctx: HostAuditContext, obs: HostObservations): Promise<string[]> {
  const mac = obs.mac?.mac ?? ((await ctx.history?.lastFetchBySource(obs.host))?.mac as Mac | undefined);
  const device = mac ? ctx.inventory?.device(mac) : undefined;
  return [...new Set(device?.lines.map((l) => l.extension) ?? [])].slice(0, 4);
}

const rang = (r: SipProbeResult): boolean => (r.responses ?? []).some((s) => s === 180 || s === 183 || (s >= 200 && s < 300));

/**
 * The INVITE probe over every user worth addressing: the scanner-style user first, then — unless that already rang —
 * each of the phone's own extensions, since a phone that checks the Request-URI user refuses `100` and rings for its own.
 */
async function inviteAll(
  host: string,
  first: Promise<SipProbeResult | undefined>,
  ctx: HostAuditContext,
  obs: HostObservations,
  sipOptions: SipProbeOptions,
): Promise<SipProbeResult[]> {
  const r = await first;
  if (!r) return [];
  const out = [r];
  if (r.outcome === 'closed' || r.outcome === 'error') return out;
  for (const user of await ownExtensions(ctx, obs)) {
    if (out.some(rang) || sipOptions.signal?.aborted) break;
    if (user === r.user) continue;
    out.push(await probeInvite(host, r.port, sipOptions, user));
  }
  return out;
}

/** Audits one host; undefined when nothing there answered. */
export async function auditHost(
  host: string,
  label: string | undefined,
  ctx: HostAuditContext,
  signal?: AbortSignal,
): Promise<HostReport | undefined> {
  const gate = hostGate(ctx.bucket, new HostPacer(ctx.settings.hostGapMs, ctx.clock));
  const probes = startProbes(host, ctx, gate, signal);
  const sipOptions: SipProbeOptions = {
    timeoutMs: ctx.settings.timeoutMs,
    retries: ctx.settings.retries,
    gate,
    clock: ctx.clock,
    createSocket: ctx.udp,
    signal,
  };
  // Intrusive: once the web answers say "phone" — usually while a silent SIP port is still timing out — the INVITE
  // probe starts, so its wait overlaps the OPTIONS wait instead of following it.
  let early: { port: number; result: Promise<SipProbeResult> } | undefined;
  if (ctx.settings.intrusive) {
    const web = await probes.web;
    const port = earlyInvitePort(ctx.settings.sipPorts, probes.sip);
    if (port !== undefined) {
      const partial: HostObservations = { host, sip: probes.sip.filter((r): r is SipProbeResult => !!r), http: web, snmp: [] };
      if (isResponsive(partial) && isPhone(await identify(partial, ctx))) early = { port, result: probeInvite(host, port, sipOptions) };
    }
  }
  const obs = await probes.all;
  if (label) obs.label = label;
  let identity: Identity | undefined;
  if (isResponsive(obs)) identity = await identify(obs, ctx);
  const phone = !!identity && isPhone(identity);
  // a phone is probed on a silent port too; any other host only where SIP answered
  const port = ctx.settings.intrusive ? (phone ? invitePort(obs.sip) : obs.sip.find((r) => r.outcome === 'answered')?.port) : undefined;
  if (!ctx.settings.intrusive) obs.inviteNotSent = ctx.settings.inviteNotSent ?? 'a safe audit; `audit --intrusive` sends it';
  else if (port === undefined) obs.inviteNotSent = 'no SIP port answered';
  // An early INVITE counts only if its port is the one the probe would have chosen with every answer in.
  const earlyResult = early?.result.then((r) => (early!.port === port ? r : undefined));
  let first: Promise<SipProbeResult | undefined> = Promise.resolve(undefined);
  if (earlyResult) first = earlyResult;
  else if (port !== undefined) first = probeInvite(host, port, sipOptions);
  if (!identity || !phone) {
    // the early INVITE was sent to what looked like a phone: its transaction is ended before the host is done
    const invites = await inviteAll(host, first, ctx, obs, sipOptions);
    if (invites.length) obs.invites = invites;
    return identity ? unidentified(obs, identity) : undefined;
  }
  // The INVITE probe (a SIP wait, often a silent one) runs while the web read-back does its HTTP work; its result is
  // awaited before the proofs that need it, and always before this host is done.
  const invite = inviteAll(host, first, ctx, obs, sipOptions);
  const withInvite = async () => {
    const r = await invite;
    if (r.length) obs.invites = r;
  };
  try {
    return await auditPhone(obs, identity, ctx, gated(ctx.http, gate), withInvite, signal);
  } catch (err) {
    await withInvite().catch(() => undefined);
    return hostReport(obs, identity, [
      finding('device-identity', 'unknown', [`audit step failed: ${errorText(err)}`], [], 'internal error while auditing this phone'),
    ]);
  }
}
