/**
 * One SIP transaction of the auditor's probes over UDP from its own address: open the channel, wait for the answer to
 * our request (foreign and malformed datagrams noted and skipped, bounded), and describe what came back.
 */
import type { SipProbeResult } from '../observations.js';
import { clean, preview } from '../sanitize.js';
import type { Clock, PacketGate } from '../scheduler.js';
import { header, matches, parseResponse, type SipResponse } from '../sip-message.js';
import { UdpChannel, type UdpSocketFactory } from './udp-channel.js';

export interface SipProbeOptions {
  /** wait per attempt */
  timeoutMs: number;
  /** retransmissions after the first attempt */
  retries: number;
  gate: PacketGate;
  clock: Clock;
  createSocket: UdpSocketFactory;
  signal?: AbortSignal;
}

/** Upper bound on datagrams examined per transaction, whatever the peer sends. */
const MAX_DATAGRAMS = 48;

export type Wait =
  | { kind: 'response'; response: SipResponse }
  | { kind: 'timeout' }
  | { kind: 'refused' }
  | { kind: 'error'; detail: string };

export interface Exchange {
  channel: UdpChannel;
  options: SipProbeOptions;
  malformed?: string;
  seen: number;
}

/** Waits for a response of our transaction; foreign and malformed datagrams are noted and skipped. */
export async function awaitResponse(ex: Exchange, callId: string, method: string, branch: string, timeoutMs: number): Promise<Wait> {
  const deadline = ex.options.clock.now() + timeoutMs;
  while (ex.seen < MAX_DATAGRAMS) {
    const left = deadline - ex.options.clock.now();
    if (left <= 0) return { kind: 'timeout' };
    const r = await ex.channel.receive(left, ex.options.signal);
    if (r.kind !== 'datagram') return r;
    ex.seen++;
    const parsed = parseResponse(r.data);
    if (!parsed.ok) {
      ex.malformed ??= `${parsed.error}: "${preview(r.data)}"`;
      continue;
    }
    if (matches(parsed.response, callId, method, branch)) return { kind: 'response', response: parsed.response };
  }
  return { kind: 'timeout' };
}

export function emptyResult(method: 'OPTIONS' | 'INVITE', port: number): SipProbeResult {
  return { kind: 'sip', method, port, outcome: 'timeout', attempts: 0, detail: '' };
}

export function describeResponse(r: SipResponse): Pick<SipProbeResult, 'status' | 'reason' | 'userAgent' | 'server'> {
  const out: Pick<SipProbeResult, 'status' | 'reason' | 'userAgent' | 'server'> = { status: r.status, reason: clean(r.reason, 60) };
  const ua = header(r, 'user-agent');
  const server = header(r, 'server');
  if (ua) out.userAgent = clean(ua, 160);
  if (server) out.server = clean(server, 160);
  return out;
}

export async function openChannel(
  host: string,
  port: number,
  method: 'OPTIONS' | 'INVITE',
  options: SipProbeOptions,
): Promise<UdpChannel | SipProbeResult> {
  const channel = await UdpChannel.open(host, port, options.createSocket, options.gate, options.clock);
  if (channel instanceof UdpChannel) return channel;
  return { ...emptyResult(method, port), outcome: 'error', detail: `cannot open a UDP socket: ${channel.error}` };
}

export function silence(ex: Exchange, result: SipProbeResult, waited: number): SipProbeResult {
  if (ex.malformed) return { ...result, outcome: 'malformed', detail: `udp/${result.port}: no valid SIP answer (${ex.malformed})` };
  return {
    ...result,
    outcome: 'timeout',
    detail: `udp/${result.port}: no answer to ${result.method} after ${result.attempts} attempts (${waited} ms)`,
  };
}
