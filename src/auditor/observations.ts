/** What the probes saw. Timeouts, refusals and garbage are results, never exceptions. */
import type { Mac } from '../model/mac.js';

export type SipOutcome = 'answered' | 'closed' | 'timeout' | 'malformed' | 'error';

export interface SipProbeResult {
  kind: 'sip';
  method: 'OPTIONS' | 'INVITE';
  port: number;
  outcome: SipOutcome;
  /** final status (or the provisional that ended an INVITE probe) */
  status?: number;
  reason?: string;
  /** provisional statuses seen before the final answer */
  provisional?: number[];
  /** INVITE probe: every response status in arrival order (provisional and final) */
  responses?: number[];
  /** INVITE probe: the Request-URI user addressed */
  user?: string;
  userAgent?: string;
  server?: string;
  /** INVITE probe: what the auditor did to end the transaction */
  ended?: 'ack' | 'cancel' | 'bye' | 'none';
  attempts: number;
  /** one line, human-readable, already sanitized */
  detail: string;
}

export type HttpOutcome = 'answered' | 'closed' | 'timeout' | 'error';

export interface HttpProbeResult {
  kind: 'http';
  scheme: 'http' | 'https';
  port: number;
  path: string;
  outcome: HttpOutcome;
  status?: number;
  server?: string;
  title?: string;
  location?: string;
  /** the first bytes of the body (bounded), for identification */
  body?: string;
  /** the body was larger than the cap; reading stopped */
  truncated?: boolean;
  /** a TCP connection was accepted (also on timeouts after connecting) */
  connected?: boolean;
  detail: string;
}

export type SnmpOutcome = 'answered' | 'timeout' | 'malformed' | 'closed' | 'error';

/** What an answering community may do: `untested` when active probes were not allowed, `unknown` when the test was inconclusive. */
export type SnmpAccess = 'read-write' | 'read-only' | 'untested' | 'unknown';

export interface SnmpProbeResult {
  kind: 'snmp';
  port: number;
  /** the community that drew an answer; non-default communities are shown masked in reports */
  community?: string;
  outcome: SnmpOutcome;
  /** answered: whether this community can write */
  access?: SnmpAccess;
  sysDescr?: string;
  sysObjectId?: string;
  detail: string;
}

export interface MacObservation {
  mac: Mac;
  source: 'neighbour-table' | 'sip-user-agent' | 'management-api' | 'fetch-history';
}

export interface HostObservations {
  host: string;
  /** hostname the operator gave, if any */
  label?: string;
  sip: SipProbeResult[];
  /** the INVITE probe, one per Request-URI user addressed (scanner-style first, then the phone's own extensions) */
  invites?: SipProbeResult[];
  /** why the INVITE probe was not sent, when it was not */
  inviteNotSent?: string;
  http: HttpProbeResult[];
  snmp: SnmpProbeResult[];
  mac?: MacObservation;
}

/** Something answered: a host worth reporting. Refused ports on a live host and silence are not enough. */
export function isResponsive(obs: HostObservations): boolean {
  const sip = obs.sip.some((r) => r.outcome === 'answered' || r.outcome === 'malformed');
  const http = obs.http.some((r) => r.outcome === 'answered' || (r.outcome === 'timeout' && r.connected === true));
  const snmp = obs.snmp.some((r) => r.outcome === 'answered' || r.outcome === 'malformed');
  return sip || http || snmp || (obs.invites ?? []).some((r) => r.outcome === 'answered');
}

/** A SIP probe result that proves a host is there: an answer, garbage, or a refusal (ICMP port unreachable). */
export const sipShowsLife = (r: SipProbeResult): boolean => r.outcome === 'answered' || r.outcome === 'closed' || r.outcome === 'malformed';

/** An HTTP probe result that proves a host is there: an answer, a TCP RST, or an accepted connection. */
export const httpShowsLife = (r: HttpProbeResult): boolean =>
  r.outcome === 'answered' || r.outcome === 'closed' || (r.outcome === 'timeout' && r.connected === true);

/** Any sign of a host at the address: an answer, a refusal (ICMP or TCP RST), or an accepted connection. */
export function showsLife(obs: HostObservations): boolean {
  return obs.sip.some(sipShowsLife) || obs.http.some(httpShowsLife);
}
