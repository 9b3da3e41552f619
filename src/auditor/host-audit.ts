/**
 * One host, start to finish: probes → fingerprint → inventory match → compile → read back → proofs → findings.
 * Every step's failure becomes evidence; nothing here throws for anything a device sends.
 */
import type { ResolvedDevice, ResolvedPolicy } from '../model/config-types.js';
import type { Inventory } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import { resolvePolicy } from '../model/policy.js';
import { IDENTIFY_LEVELS, type Compiled, type Setting, type VendorAdapter } from '../model/vendor-contract.js';
import type { Store } from '../store/store.js';
import { compareRules } from './compare.js';
import { driftCheck, identityFinding, inventoryFinding } from './phone-checks.js';
import { credentialsFor, type CredentialEntry } from './credentials.js';
import { finding, type Finding, type HostReport } from './findings.js';
import { fingerprint, LEVEL_NAMES, macFromUserAgent, observationsOf, withFetchHistory, type Identity } from './fingerprint.js';
import type { NeighbourLookup } from './neighbours.js';
import { httpShowsLife, isResponsive, sipShowsLife, type HostObservations, type HttpProbeResult, type SipProbeResult, type SnmpProbeResult } from './observations.js';
import type { HttpClient } from './probes/http-client.js';
import { gated, probeHttp } from './probes/http-probe.js';
import { probeInvite, probeOptions } from './probes/sip-probe.js';
import { probeSnmp, type SnmpSessionFactory } from './probes/snmp-probe.js';
import type { UdpSocketFactory } from './probes/udp-channel.js';
import { deriveProofs } from './proofs.js';
import { readBack, type ReadbackOutcome } from './readback/readback.js';
import { errorText } from './sanitize.js';
import { hostGate, HostPacer, type Clock, type PacketGate, type TokenBucket } from './scheduler.js';
import { profileFor } from './vendor-profiles.js';
import { firmwareVerdict } from './vulnerable-firmware.js';

export interface AuditSettings {
  sipPorts: number[];
  httpPorts: number[];
  httpsPorts: number[];
  snmpPort: number;
  communities: string[];
  timeoutMs: number;
  retries: number;
  hostGapMs: number;
  intrusive: boolean;
  defaultLogin: boolean;
  staleDays: number;
  credentials: CredentialEntry[];
  /** send real admin passwords over plain HTTP (default: HTTPS only) */
  plainHttpLogin: boolean;
}

export interface HostAuditContext {
  vendors: readonly VendorAdapter[];
  inventory?: Inventory;
  history?: Pick<Store, 'fetchHistory' | 'lastFetchBySource'>;
  http: HttpClient;
  udp: UdpSocketFactory;
  snmp: SnmpSessionFactory;
  neighbours: NeighbourLookup;
  clock: Clock;
  bucket: TokenBucket;
  settings: AuditSettings;
}

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
    snmp ??= probeSnmp(host, { port: s.snmpPort, communities: s.communities, timeoutMs: s.timeoutMs, retries: s.retries, gate, factory: ctx.snmp, signal });
  };
  const lively = <T>(probe: Promise<T>, showsLife: (r: T) => boolean): Promise<T> => probe.then((r) => {
    if (showsLife(r)) startSnmp();
    return r;
  });
  const client = gated(ctx.http, gate);
  const settled: (SipProbeResult | undefined)[] = s.sipPorts.map(() => undefined);
  const sip = Promise.all(s.sipPorts.map((port, i) => lively(probeOptions(host, port, sipOptions), sipShowsLife).then((r) => (settled[i] = r))));
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
  const lastFetch = ctx.history?.lastFetchBySource(obs.host);
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

/** Audits one host; undefined when nothing there answered. */
export async function auditHost(host: string, label: string | undefined, ctx: HostAuditContext, signal?: AbortSignal): Promise<HostReport | undefined> {
  const gate = hostGate(ctx.bucket, new HostPacer(ctx.settings.hostGapMs, ctx.clock));
  const probes = startProbes(host, ctx, gate, signal);
  const sipOptions = { timeoutMs: ctx.settings.timeoutMs, retries: ctx.settings.retries, gate, clock: ctx.clock, createSocket: ctx.udp, signal };
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
  const port = ctx.settings.intrusive ? invitePort(obs.sip) : undefined;
  // An early INVITE counts only if its port is the one the probe would have chosen with every answer in.
  const earlyResult = early && early.result.then((r) => (early!.port === port ? r : undefined));
  if (!identity || !isPhone(identity)) {
    // the early INVITE was sent to what looked like a phone: its transaction is ended before the host is done
    const r = await earlyResult;
    if (r) obs.invite = r;
    return identity ? unidentified(obs, identity) : undefined;
  }
  // The INVITE probe (a SIP wait, often a silent one) runs while the web read-back does its HTTP work; its result is
  // awaited before the proofs that need it, and always before this host is done.
  let invite: Promise<SipProbeResult | undefined> = Promise.resolve(undefined);
  if (earlyResult) invite = earlyResult;
  else if (port !== undefined) invite = probeInvite(host, port, sipOptions);
  const withInvite = async () => {
    const r = await invite;
    if (r) obs.invite = r;
  };
  try {
    return await auditPhone(obs, identity, ctx, gated(ctx.http, gate), withInvite, signal);
  } catch (err) {
    await withInvite().catch(() => undefined);
    return report(obs, identity, [finding('device-identity', 'unknown', [`audit step failed: ${errorText(err)}`], [], 'internal error while auditing this phone')]);
  }
}

function report(obs: HostObservations, identity: Identity, findings: Finding[]): HostReport {
  const r: HostReport = { host: obs.host, identity: LEVEL_NAMES[identity.level], probes: probeLines(obs), findings };
  if (obs.label) r.label = obs.label;
  if (obs.mac) {
    r.mac = obs.mac.mac;
    r.macSource = obs.mac.source;
  }
  if (identity.vendor) r.vendor = identity.vendor.id;
  if (identity.model) r.model = identity.model;
  if (identity.firmware) r.firmware = identity.firmware;
  return r;
}

function probeLines(obs: HostObservations): string[] {
  return [...obs.sip, ...(obs.invite ? [obs.invite] : []), ...obs.http, ...obs.snmp].map((r) => r.detail);
}

function unidentified(obs: HostObservations, identity: Identity): HostReport {
  const reason = identity.tied
    ? `ambiguous: ${identity.tied.join(' and ')} both claim it (level ${LEVEL_NAMES[identity.level]})`
    : identity.level === IDENTIFY_LEVELS.weak && identity.vendor
      ? `only the MAC OUI points to ${identity.vendor.displayName}`
      : 'no vendor recognised what it answered';
  const findings = [finding('device-identity', 'unknown', probeLines(obs), [], reason)];
  // vendor-independent facts still count
  const snmpPublic = obs.snmp.find((r) => r.outcome === 'answered' && (r.community === 'public' || r.community === 'private'));
  if (snmpPublic) findings.push(finding('snmp-locked', 'fail', [snmpPublic.detail], ['turn SNMP off on this device, or block udp/161 except from your management hosts']));
  return report(obs, identity, findings);
}

export interface Matched {
  mac?: Mac;
  device?: ReturnType<Inventory['device']>;
  resolved?: ResolvedDevice;
}

function matchInventory(ctx: HostAuditContext, obs: HostObservations): Matched {
  let mac = obs.mac?.mac;
  if (!mac && ctx.history) {
    const last = ctx.history.lastFetchBySource(obs.host);
    if (last) {
      mac = last.mac as Mac;
      obs.mac = { mac, source: 'fetch-history' };
    }
  }
  const device = mac ? ctx.inventory?.device(mac) : undefined;
  const resolved = device && !device.disabled ? ctx.inventory?.resolve(device.mac) : undefined;
  return { mac, device, resolved };
}

function policyFor(ctx: HostAuditContext, m: Matched, model: string | undefined): ResolvedPolicy {
  if (ctx.inventory && m.device) return ctx.inventory.policyFor(m.device);
  if (ctx.inventory) return ctx.inventory.sharedPolicy(model);
  return resolvePolicy([]);
}

function compile(vendor: VendorAdapter, model: string | undefined, firmware: string | undefined, policy: ResolvedPolicy, device?: ResolvedDevice): Compiled | string {
  if (!model) return 'the model is unknown, so the policy cannot be compiled';
  try {
    return vendor.compile({ model, firmware, policy, device });
  } catch (err) {
    return `the policy cannot be compiled for ${vendor.displayName} ${model}: ${errorText(err)}`;
  }
}

function toApi(vendor: VendorAdapter): (s: Setting) => Setting | undefined {
  return (s) => {
    if (!vendor.apiSetting) return s;
    try {
      return vendor.apiSetting(s);
    } catch {
      return undefined;
    }
  };
}

function readKeys(compiled: Compiled | string, map: (s: Setting) => Setting | undefined): string[] {
  if (typeof compiled === 'string') return [];
  const keys = new Set<string>();
  for (const c of compiled.rules.values()) {
    if (c.status !== 'applied') continue;
    for (const s of c.settings) {
      const api = s.secret ? undefined : map(s);
      if (api) keys.add(api.key);
    }
  }
  return [...keys].slice(0, 400);
}

async function auditPhone(
  obs: HostObservations, identity: Identity, ctx: HostAuditContext, client: HttpClient, inviteDone: () => Promise<void>, signal?: AbortSignal,
): Promise<HostReport> {
  const vendor = identity.vendor!;
  const profile = profileFor(vendor.id);
  let m = matchInventory(ctx, obs);
  const model = () => m.device?.model ?? identity.model;
  const map = toApi(vendor);
  let compiled = compile(vendor, model(), identity.firmware, policyFor(ctx, m, model()), m.resolved);
  // a phone whose model is in a known-vulnerable range, and whose firmware is in it or unknown, is not read from
  const early = identity.model ? firmwareVerdict(vendor.id, identity.model, identity.firmware) : undefined;
  const risky = early && [...early.affected, ...early.possible].find((r) => r.avoidPath);
  const provisioned = (d?: ResolvedDevice) => (d ? { username: profile.adminUser, password: d.adminPassword } : undefined);
  const base = {
    profile, host: obs, signal, client, plainHttpLogin: ctx.settings.plainHttpLogin,
    avoidRead: risky ? `not reading settings: ${risky.avoidPath} is the endpoint of ${risky.id} and this firmware may be affected` : undefined,
  };
  let readback: ReadbackOutcome = await readBack({
    ...base, keys: readKeys(compiled, map), provisioned: provisioned(m.resolved),
    fromFile: credentialsFor(ctx.settings.credentials, { host: obs.host, mac: m.mac, vendor: vendor.id }, profile.adminUser),
    tryFactory: ctx.settings.defaultLogin,
  });
  // the INVITE probe ran beside the read-back; identification and the proofs below see its answer
  await inviteDone();
  if (readback.identityBody || readback.model || readback.firmware) {
    const extra = readback.identityBody ? [{ label: 'management API', obs: { httpBody: readback.identityBody } }] : [];
    const again = fingerprint(ctx.vendors, observationsOf(obs, extra));
    if (again.vendor === vendor && again.level >= identity.level) identity = { ...again, sources: again.sources };
    identity = { ...identity, model: identity.model ?? readback.model, firmware: identity.firmware ?? readback.firmware };
  }
  if (!m.mac && readback.mac) {
    obs.mac = { mac: readback.mac, source: 'management-api' };
    m = matchInventory(ctx, obs);
    compiled = compile(vendor, model(), identity.firmware, policyFor(ctx, m, model()), m.resolved);
    // now that the device is known, read its per-device settings too, with the password ghostguard gave it
    if (m.resolved && readback.values) {
      const again = await readBack({ ...base, keys: readKeys(compiled, map), provisioned: provisioned(m.resolved), tryFactory: false });
      readback = {
        ...readback, evidence: [...readback.evidence, ...again.evidence], logins: { ...readback.logins, provisioned: again.logins.provisioned },
        ...(again.values ? { values: again.values } : {}),
      };
    }
  }
  const policy = policyFor(ctx, m, model());
  const proofs = deriveProofs({ host: obs, profile, vendorName: vendor.displayName, policy, logins: readback.logins, factoryNote: profile.factoryLogin?.note });
  const ruleFindings = compareRules({
    vendorName: vendor.displayName, compiled: typeof compiled === 'string' ? undefined : compiled,
    compileProblem: typeof compiled === 'string' ? compiled : undefined, toApi: map, values: readback.values, noReadReason: readback.reason,
    proofs, firmware: firmwareVerdict(vendor.id, identity.model, identity.firmware), site: m.resolved?.site, deviceKnown: !!m.resolved,
  });
  if (readback.evidence.length) {
    const adminRule = ruleFindings.find((f) => f.check === 'admin-password-set');
    adminRule?.evidence.push(...readback.evidence);
  }
  const findings: Finding[] = [identityFinding(identity)];
  if (ctx.inventory) findings.push(inventoryFinding(ctx.inventory, m, vendor, identity));
  const drift = driftCheck(ctx, obs, vendor, m, ruleFindings, typeof compiled !== 'string' && !!readback.values);
  if (drift) findings.push(drift);
  return report(obs, identity, [...findings, ...ruleFindings]);
}
