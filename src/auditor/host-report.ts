/** A host's entry in the audit report: identity, probe lines, findings; and the entry for a host no vendor claims. */
import { IDENTIFY_LEVELS } from '../model/vendor-contract.js';
import { finding, type Finding, type HostReport } from './findings.js';
import { LEVEL_NAMES, type Identity } from './fingerprint.js';
import type { HostObservations } from './observations.js';
import { DEFAULT_COMMUNITIES } from './probes/snmp-probe.js';

export function hostReport(obs: HostObservations, identity: Identity, findings: Finding[]): HostReport {
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

export function unidentified(obs: HostObservations, identity: Identity): HostReport {
  const reason = identity.tied
    ? `ambiguous: ${identity.tied.join(' and ')} both claim it (level ${LEVEL_NAMES[identity.level]})`
    : identity.level === IDENTIFY_LEVELS.weak && identity.vendor
      ? `only the MAC OUI points to ${identity.vendor.displayName}`
      : 'no vendor recognised what it answered';
  const findings = [finding('device-identity', 'unknown', probeLines(obs), [], reason)];
  // vendor-independent facts still count
  const defaults = obs.snmp.filter((r) => r.outcome === 'answered' && (DEFAULT_COMMUNITIES as readonly (string | undefined)[]).includes(r.community));
  if (defaults.length > 0) findings.push(finding('snmp-locked', 'fail', defaults.map((r) => r.detail), ['turn SNMP off on this device, or block udp/161 except from your management hosts']));
  return hostReport(obs, identity, findings);
}
