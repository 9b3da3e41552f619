/** The safe SIP probe: OPTIONS over UDP from the auditor's own address, retransmitted on silence. */
import type { SipProbeResult } from '../observations.js';
import { buildRequest, newBranch, sipUri, token, type SipRequestSpec } from '../sip-message.js';
import {
  awaitResponse,
  describeResponse,
  emptyResult,
  openChannel,
  silence,
  type Exchange,
  type SipProbeOptions,
} from './sip-transaction.js';
import { UdpChannel } from './udp-channel.js';

/** SIP OPTIONS to host:port, retransmitted on silence; a refused port answers at once. */
export async function probeOptions(host: string, port: number, options: SipProbeOptions): Promise<SipProbeResult> {
  const opened = await openChannel(host, port, 'OPTIONS', options);
  if (!(opened instanceof UdpChannel)) return opened;
  const ex: Exchange = { channel: opened, options, seen: 0 };
  const result = emptyResult('OPTIONS', port);
  const spec: SipRequestSpec = {
    method: 'OPTIONS',
    requestUri: sipUri(undefined, host, port),
    local: opened.local,
    branch: newBranch(),
    fromTag: token(4),
    toUri: sipUri(undefined, host, port),
    callId: `${token(10)}@ghostguard`,
    cseq: 1,
    headers: [['Accept', 'application/sdp']],
  };
  const message = buildRequest(spec);
  try {
    for (let attempt = 0; attempt <= options.retries && !options.signal?.aborted; attempt++) {
      result.attempts++;
      const failed = await opened.send(message, options.signal);
      if (failed) return { ...result, outcome: 'error', detail: `udp/${port}: send failed: ${failed}` };
      let wait = await awaitResponse(ex, spec.callId, 'OPTIONS', spec.branch, options.timeoutMs);
      // a provisional answer stops retransmission; wait once more for the final one
      if (wait.kind === 'response' && wait.response.status < 200) {
        result.provisional = [wait.response.status];
        wait = await awaitResponse(ex, spec.callId, 'OPTIONS', spec.branch, options.timeoutMs * 2);
      }
      if (wait.kind === 'refused') return { ...result, outcome: 'closed', detail: `udp/${port}: port unreachable (ICMP, ECONNREFUSED)` };
      if (wait.kind === 'error') return { ...result, outcome: 'error', detail: `udp/${port}: ${wait.detail}` };
      if (wait.kind === 'response') {
        const d = describeResponse(wait.response);
        return { ...result, ...d, outcome: 'answered', detail: `udp/${port}: OPTIONS answered ${d.status} ${d.reason ?? ''}`.trimEnd() };
      }
    }
    return silence(ex, result, options.timeoutMs * result.attempts);
  } finally {
    opened.close();
  }
}
