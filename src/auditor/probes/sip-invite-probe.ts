/**
 * The intrusive SIP probe (opt-in): an INVITE carrying an unsupported `Require:` option, so a conforming phone answers
 * 420 without ringing; CANCELled at the first provisional response when the phone ignores it.
 */
import type { SipProbeResult } from '../observations.js';
import { buildRequest, header, newBranch, probeSdp, sipUri, token, toTag, type SipRequestSpec, type SipResponse } from '../sip-message.js';
import {
  awaitResponse,
  describeResponse,
  emptyResult,
  openChannel,
  silence,
  type Exchange,
  type SipProbeOptions,
  type Wait,
} from './sip-transaction.js';
import { UdpChannel } from './udp-channel.js';

/** The option tag no phone supports: a conforming UAS must answer 420 Bad Extension before alerting (RFC 3261 8.2.2.3). */
export const PROBE_OPTION_TAG = 'ghostguard-audit-probe';

/** The scanner-style Request-URI user of the INVITE probe (what SIPVicious and friends dial). */
export const SCANNER_USER = '100';

/**
 * INVITE from the auditor, addressed to `user` at the phone's IP. Ends every transaction it starts: ACK after a final
 * error, CANCEL at the first provisional beyond 100 Trying (then ACK the 487) — or after a 100 the phone follows with
 * nothing —, ACK + BYE if the phone answered. `responses` keeps every status in arrival order.
 */
export async function probeInvite(
  host: string,
  port: number,
  options: SipProbeOptions,
  user: string = SCANNER_USER,
): Promise<SipProbeResult> {
  const opened = await openChannel(host, port, 'INVITE', options);
  if (!(opened instanceof UdpChannel)) return { ...opened, user, responses: [] };
  const ex: Exchange = { channel: opened, options, seen: 0 };
  const result: SipProbeResult = { ...emptyResult('INVITE', port), ended: 'none', provisional: [], responses: [], user };
  const local = opened.local;
  const invite: SipRequestSpec = {
    method: 'INVITE',
    requestUri: sipUri(user, host, port),
    local,
    branch: newBranch(),
    fromTag: token(4),
    toUri: sipUri(user, host, port),
    callId: `${token(10)}@ghostguard`,
    cseq: 1,
    headers: [
      ['Require', PROBE_OPTION_TAG],
      ['Subject', 'ghostguard security audit probe'],
    ],
    body: probeSdp(local.host),
  };
  const send = (spec: SipRequestSpec) => opened.send(buildRequest(spec), options.signal);
  const note = (r: SipResponse) => {
    result.responses!.push(r.status);
    if (r.status < 200) result.provisional!.push(r.status);
  };
  try {
    let wait: Wait = { kind: 'timeout' };
    for (let attempt = 0; attempt <= options.retries && !options.signal?.aborted; attempt++) {
      result.attempts++;
      const failed = await send(invite);
      if (failed) return { ...result, outcome: 'error', detail: `udp/${port}: send failed: ${failed}` };
      wait = await awaitResponse(ex, invite.callId, 'INVITE', invite.branch, options.timeoutMs);
      if (wait.kind !== 'timeout') break;
    }
    if (wait.kind === 'refused') return { ...result, outcome: 'closed', detail: `udp/${port}: port unreachable (ICMP, ECONNREFUSED)` };
    if (wait.kind === 'error') return { ...result, outcome: 'error', detail: `udp/${port}: ${wait.detail}` };
    if (wait.kind === 'timeout') return silence(ex, result, options.timeoutMs * result.attempts);
    let response = wait.response;
    Object.assign(result, describeResponse(response), { outcome: 'answered' });
    note(response);
    // 100 Trying is the transaction layer: wait for what the phone does with the call
    for (let i = 0; response.status === 100 && i < 6; i++) {
      const next = await awaitResponse(ex, invite.callId, 'INVITE', invite.branch, options.timeoutMs * 2);
      if (next.kind !== 'response') break;
      response = next.response;
      Object.assign(result, describeResponse(response));
      note(response);
    }
    if (response.status < 200) {
      await send({ ...invite, method: 'CANCEL', headers: [], body: undefined });
      result.ended = 'cancel';
      const final = await finalAfterCancel(ex, invite, result, note);
      if (final) response = final;
    }
    if (response.status >= 300) {
      await send({ ...invite, method: 'ACK', toTag: toTag(response), headers: [], body: undefined });
      if (result.ended === 'none') result.ended = 'ack';
    } else if (response.status >= 200) {
      await hangUp(ex, invite, response, send);
      result.ended = 'bye';
    }
    result.detail = `udp/${port}: INVITE to ${user} drew ${result.responses!.map((s) => String(s)).join(' → ')}; ended with ${result.ended}`;
    return result;
  } finally {
    opened.close();
  }
}

/** After CANCEL: wait (bounded) for the INVITE's final answer, noting further provisionals. */
async function finalAfterCancel(
  ex: Exchange,
  invite: SipRequestSpec,
  result: SipProbeResult,
  note: (r: SipResponse) => void,
): Promise<SipResponse | undefined> {
  for (let i = 0; i < 6; i++) {
    const w = await awaitResponse(ex, invite.callId, 'INVITE', invite.branch, ex.options.timeoutMs);
    if (w.kind !== 'response') return undefined;
    note(w.response);
    if (w.response.status < 200) continue;
    Object.assign(result, describeResponse(w.response));
    return w.response;
  }
  return undefined;
}

/** The phone answered (auto-answer): acknowledge and hang up at once. */
async function hangUp(
  ex: Exchange,
  invite: SipRequestSpec,
  ok: SipResponse,
  send: (s: SipRequestSpec) => Promise<string | undefined>,
): Promise<void> {
  const contact = /<([^>]+)>/.exec(header(ok, 'contact') ?? '')?.[1] ?? invite.requestUri;
  const dialog = { ...invite, requestUri: contact, toTag: toTag(ok), headers: [] as [string, string][], body: undefined };
  await send({ ...dialog, method: 'ACK', branch: newBranch() });
  const bye: SipRequestSpec = { ...dialog, method: 'BYE', branch: newBranch(), cseq: invite.cseq + 1 };
  await send(bye);
  await awaitResponse(ex, bye.callId, 'BYE', bye.branch, ex.options.timeoutMs);
}
