/** A host's entry in the audit report: identity, probe lines, findings; and the entry for a host no vendor claims. */
import { ghostCallVerdict, type GhostCall, type GhostCallInput, type GhostCallVerdict } from '../model/ghost-call.js';
import { isGhostCallRule, RULE_SEVERITY_BY_VERDICT } from '../model/ghost-call-words.js';
import { IDENTIFY_LEVELS } from '../model/vendor-contract.js';
import { finding, type Finding, type HostReport } from './findings.js';
import { LEVEL_NAMES, type Identity } from './fingerprint.js';
import type { HostObservations } from './observations.js';
import { DEFAULT_COMMUNITIES } from './probes/snmp-probe.js';

/** What the auditor knows beyond the probes that bears on the ghost-call verdict. */
export type GhostCallFacts = Pick<GhostCallInput, 'vendor' | 'refuseStrangers' | 'ownExtensions'>;

export function ghostCallOf(obs: HostObservations, facts: GhostCallFacts = {}): GhostCall {
  const input: GhostCallInput = { options: obs.sip, invites: obs.invites ?? [], ...facts };
  if (obs.inviteNotSent) input.inviteNotSent = obs.inviteNotSent;
  return ghostCallVerdict(input);
}

export function hostReport(obs: HostObservations, identity: Identity, findings: Finding[], facts?: GhostCallFacts): HostReport {
  const ghostCall = ghostCallOf(obs, facts);
  const r: HostReport = {
    host: obs.host,
    identity: LEVEL_NAMES[identity.level],
    ghostCall,
    probes: probeLines(obs),
    findings: withGhostCallSeverity(findings, ghostCall.verdict),
  };
  if (obs.label) r.label = obs.label;
  const invited = (obs.invites ?? []).filter((x) => x.outcome !== 'error').map((x) => x.user ?? '');
  if (invited.length) r.invitedUsers = invited;
  if (obs.mac) {
    r.mac = obs.mac.mac;
    r.macSource = obs.mac.source;
  }
  if (identity.vendor) r.vendor = identity.vendor.id;
  if (identity.model) r.model = identity.model;
  if (identity.firmware) r.firmware = identity.firmware;
  return r;
}

/** A failing ghost-call rule is as severe as the verdict says: a phone that refuses a stranger's INVITE is not critical. */
function withGhostCallSeverity(findings: Finding[], verdict: GhostCallVerdict): Finding[] {
  return findings.map((f) => (f.state === 'fail' && isGhostCallRule(f.check) ? { ...f, severity: RULE_SEVERITY_BY_VERDICT[verdict] } : f));
}

function probeLines(obs: HostObservations): string[] {
  return [...obs.sip, ...(obs.invites ?? []), ...obs.http, ...obs.snmp].map((r) => r.detail);
}

export function unidentified(obs: HostObservations, identity: Identity): HostReport {
  const reason = identity.tied
    ? `ambiguous: ${identity.tied.join(' and ')} both claim it (level ${LEVEL_NAMES[identity.level]})`
    : identity.level === IDENTIFY_LEVELS.weak && identity.vendor
      ? `only the MAC OUI points to ${identity.vendor.displayName}`
      : 'no vendor recognised what it answered';
  const findings = [finding('device-identity', 'unknown', probeLines(obs), [], reason)];
  // vendor-independent facts still count
  const defaults = obs.snmp.filter(
    (r) => r.outcome === 'answered' && (DEFAULT_COMMUNITIES as readonly (string | undefined)[]).includes(r.community),
  );
  if (defaults.length > 0)
    findings.push(
      finding(
        'snmp-locked',
        'fail',
        defaults.map((r) => r.detail),
        ['turn SNMP off on this device, or block udp/161 except from your management hosts'],
      ),
    );
  return hostReport(obs, identity, findings);
}
