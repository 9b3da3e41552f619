/** Discovery over HTTP(S): GET / on each configured port → Server header, page title, redirect, the first bytes of the body. */
import type { HttpProbeResult } from '../observations.js';
import { clean } from '../sanitize.js';
import type { PacketGate } from '../scheduler.js';
import { AUDITOR_USER_AGENT } from '../sip-message.js';
import { originOf, type HttpClient, type HttpRequest, type HttpResult } from './http-client.js';

/** What identification sees of a body: enough for a login page or a JSON reply. */
const BODY_KEEP = 64 * 1024;

export const AUDITOR_HEADERS = { 'user-agent': AUDITOR_USER_AGENT, accept: 'text/html,application/json;q=0.9,*/*;q=0.5' };

/** A client whose every request first passes the host's packet gate (rate and pacing). */
export function gated(client: HttpClient, gate: PacketGate): HttpClient {
  const out: HttpClient = {
    async request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResult> {
      await gate.beforePacket(signal);
      return client.request(req, signal);
    },
  };
  if (client.connectCheck) {
    const check = client.connectCheck.bind(client);
    out.connectCheck = async (origin, signal) => {
      await gate.beforePacket(signal);
      return check(origin, signal);
    };
  }
  return out;
}

export function titleOf(body: string): string | undefined {
  const m = /<title[^>]*>([^<]{0,300})<\/title>/i.exec(body.slice(0, BODY_KEEP));
  return m ? clean(m[1]!.trim(), 120) : undefined;
}

export async function probeHttp(
  host: string,
  port: number,
  scheme: 'http' | 'https',
  client: HttpClient,
  signal?: AbortSignal,
): Promise<HttpProbeResult> {
  const path = '/';
  const base: HttpProbeResult = { kind: 'http', scheme, port, path, outcome: 'error', detail: '' };
  const origin = originOf(scheme, host, port);
  // a closed or silent port is settled by a bare connect, without an HTTP client for an origin nobody serves
  const res =
    (await client.connectCheck?.(origin, signal)) ??
    (await client.request({ origin, path, method: 'GET', headers: AUDITOR_HEADERS }, signal));
  const where = `${scheme}/${port}`;
  if (!res.ok) {
    const out: HttpProbeResult = { ...base, outcome: res.outcome, detail: `${where}: ${res.detail}` };
    if (res.outcome === 'timeout' && !res.beforeConnect) out.connected = true;
    return out;
  }
  const { reply } = res;
  const out: HttpProbeResult = { ...base, outcome: 'answered', status: reply.status, body: reply.body.slice(0, BODY_KEEP), detail: '' };
  if (reply.headers.server) out.server = clean(reply.headers.server, 160);
  if (reply.headers.location) out.location = clean(reply.headers.location, 160);
  const title = titleOf(reply.body);
  if (title) out.title = title;
  if (reply.truncated) out.truncated = true;
  const parts = [`${where}: HTTP ${reply.status}`];
  if (out.server) parts.push(`Server "${out.server}"`);
  if (out.title) parts.push(`title "${out.title}"`);
  if (reply.note) parts.push(reply.note);
  out.detail = parts.join(', ');
  return out;
}
