/**
 * One identified phone: inventory match → compile the policy for its model and firmware → read back → proofs →
 * findings. The probes that led here are host-audit.ts's; nothing here throws for anything a device sends.
 */
import type { ResolvedDevice, ResolvedPolicy } from '../model/config-types.js';
import { FIRST_GENERATIONS } from '../model/inventory.js';
import type { Mac } from '../model/mac.js';
import { resolvePolicy } from '../model/policy.js';
import type { Compiled, Setting, VendorAdapter } from '../model/vendor-contract.js';
import { compareRules, type CompareInput } from './compare.js';
import { credentialsFor } from './credentials.js';
import type { Finding, HostReport } from './findings.js';
import { fingerprint, observationsOf, type Identity } from './fingerprint.js';
import type { HostAuditContext, Matched } from './audit-context.js';
import { hostReport, type GhostCallFacts } from './host-report.js';
import type { HostObservations } from './observations.js';
import { driftCheck, identityFinding, inventoryFinding } from './phone-checks.js';
import type { HttpClient } from './probes/http-client.js';
import { deriveProofs } from './proofs.js';
import { probeSshBanner } from './probes/ssh-probe.js';
import { readBack, type ReadbackOutcome } from './readback/readback.js';
import { errorText } from './sanitize.js';
import { auditProfileOf } from './vendor-profiles.js';
import { firmwareVerdict } from './vulnerable-firmware.js';

async function matchInventory(ctx: HostAuditContext, obs: HostObservations): Promise<Matched> {
  let mac = obs.mac?.mac;
  if (!mac && ctx.history) {
    const last = await ctx.history.lastFetchBySource(obs.host);
    if (last) {
      mac = last.mac as Mac;
      obs.mac = { mac, source: 'fetch-history' };
    }
  }
  const device = mac ? ctx.inventory?.device(mac) : undefined;
  const generations = device && ctx.history ? await ctx.history.credentials(device.mac) : FIRST_GENERATIONS;
  const resolved = device && !device.disabled ? ctx.inventory?.resolve(device.mac, generations) : undefined;
  return { mac, device, resolved };
}

function policyFor(ctx: HostAuditContext, m: Matched, model: string | undefined): ResolvedPolicy {
  if (ctx.inventory && m.device) return ctx.inventory.policyFor(m.device);
  if (ctx.inventory) return ctx.inventory.sharedPolicy(model);
  return resolvePolicy([]);
}

function compile(
  vendor: VendorAdapter,
  model: string | undefined,
  firmware: string | undefined,
  policy: ResolvedPolicy,
  device?: ResolvedDevice,
): Compiled | string {
  if (!model) return 'the model is unknown, so the policy cannot be compiled';
  try {
    return vendor.compile({ model, firmware, policy, device });
  } catch (err) {
    return `the policy cannot be compiled for ${vendor.displayName} ${model}: ${errorText(err)}`;
  }
}

function toApi(vendor: VendorAdapter, family: () => string | undefined): (s: Setting) => Setting | undefined {
  return (s) => {
    if (!vendor.apiSetting) return s;
    try {
      return vendor.apiSetting(s, family());
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

export async function auditPhone(
  obs: HostObservations,
  identity: Identity,
  ctx: HostAuditContext,
  client: HttpClient,
  inviteDone: () => Promise<void>,
  signal?: AbortSignal,
): Promise<HostReport> {
  const vendor = identity.vendor!;
  const profile = auditProfileOf(vendor);
  const vulnerable = vendor.vulnerableFirmware ?? [];
  let m = await matchInventory(ctx, obs);
  const model = () => m.device?.model ?? identity.model;
  const map = toApi(vendor, () => (typeof compiled === 'string' ? undefined : compiled.family.id));
  let compiled = compile(vendor, model(), identity.firmware, policyFor(ctx, m, model()), m.resolved);
  // a phone whose model is in a known-vulnerable range, and whose firmware is in it or unknown, is not read from
  const early = identity.model ? firmwareVerdict(vulnerable, identity.model, identity.firmware) : undefined;
  const risky = early && [...early.affected, ...early.possible].find((r) => r.avoidPath);
  const provisioned = (d?: ResolvedDevice) => (d ? { username: profile.adminUser, password: d.adminPassword } : undefined);
  const base = {
    profile,
    host: obs,
    signal,
    client,
    plainHttpLogin: ctx.settings.plainHttpLogin,
    avoidRead: risky
      ? `not reading settings: ${risky.avoidPath} is the endpoint of ${risky.id} and this firmware may be affected`
      : undefined,
  };
  const ssh = Promise.all(
    (ctx.settings.sshPorts ?? []).map((port) => probeSshBanner(obs.host, port, ctx.settings.timeoutMs, undefined, signal)),
  );
  let readback: ReadbackOutcome = await readBack({
    ...base,
    keys: readKeys(compiled, map),
    provisioned: provisioned(m.resolved),
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
    m = await matchInventory(ctx, obs);
    compiled = compile(vendor, model(), identity.firmware, policyFor(ctx, m, model()), m.resolved);
    // now that the device is known, read its per-device settings too, with the password ghostguard gave it
    if (m.resolved && readback.values) {
      const again = await readBack({ ...base, keys: readKeys(compiled, map), provisioned: provisioned(m.resolved), tryFactory: false });
      readback = {
        ...readback,
        evidence: [...readback.evidence, ...again.evidence],
        logins: { ...readback.logins, provisioned: again.logins.provisioned },
        ...(again.values ? { values: again.values } : {}),
      };
    }
  }
  const policy = policyFor(ctx, m, model());
  const proofs = deriveProofs({
    host: obs,
    profile,
    vendorName: vendor.displayName,
    policy,
    logins: readback.logins,
    factoryNote: profile.factoryLogin?.note,
    ssh: await ssh,
  });
  const compareInput: CompareInput = {
    vendorName: vendor.displayName,
    compiled: typeof compiled === 'string' ? undefined : compiled,
    compileProblem: typeof compiled === 'string' ? compiled : undefined,
    toApi: map,
    values: readback.values,
    noReadReason: readback.reason,
    proofs,
    firmware: firmwareVerdict(vulnerable, identity.model, identity.firmware),
    site: m.resolved?.site,
    deviceKnown: !!m.resolved,
  };
  const ruleFindings = compareRules(compareInput);
  if (readback.evidence.length) {
    const adminRule = ruleFindings.find((f) => f.check === 'admin-password-set');
    adminRule?.evidence.push(...readback.evidence);
  }
  const findings: Finding[] = [identityFinding(identity)];
  const facts: GhostCallFacts = {
    vendor: { displayName: vendor.displayName, trustedOnlyDropsOptions: profile.trustedOnlyDropsOptions },
    ownExtensions: m.device?.lines.map((l) => l.extension) ?? [],
  };
  const setting = refuseStrangersReadBack(compareRules({ ...compareInput, proofs: new Map() }));
  if (setting) facts.refuseStrangers = setting;
  if (ctx.inventory) findings.push(inventoryFinding(ctx.inventory, m, vendor, identity));
  const drift = await driftCheck(ctx, obs, vendor, m, ruleFindings, typeof compiled !== 'string' && !!readback.values);
  if (drift) findings.push(drift);
  return hostReport(obs, identity, [...findings, ...ruleFindings], facts);
}

/** The refuse-strangers (sip-trusted-only) setting as read back from the phone, before any probe's proof. */
function refuseStrangersReadBack(readOnly: Finding[]): 'on' | 'off' | undefined {
  const f = readOnly.find((x) => x.check === 'sip-trusted-only');
  return f?.state === 'pass' ? 'on' : f?.state === 'fail' ? 'off' : undefined;
}
