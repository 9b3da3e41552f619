/**
 * Reading settings back from a phone where its vendor allows it. Credentials are tried in order — the admin password
 * ghostguard provisioned, then the credentials file, then (once, unless disabled) the factory default — and the first
 * accepted login reads the keys with the adapter's read-back client. Every login attempt is reported; no password ever is.
 */
import type { Mac } from '../../model/mac.js';
import type { Credentials, ReadbackClient } from '../../model/vendor-audit.js';
import type { HostObservations } from '../observations.js';
import { originOf, type HttpClient } from '../probes/http-client.js';
import { AUDITOR_HEADERS } from '../probes/http-probe.js';
import type { VendorAuditProfile } from '../vendor-profiles.js';

export type LoginResult = 'accepted' | 'refused' | 'error' | 'not-tried';
export type CredentialKind = 'provisioned' | 'file' | 'factory';

export interface ReadbackInput {
  profile: VendorAuditProfile;
  host: HostObservations;
  /** keys in the phone API's terms, secrets left out */
  keys: string[];
  provisioned?: Credentials;
  fromFile?: Credentials[];
  tryFactory: boolean;
  /** send the provisioned / credentials-file passwords over plain HTTP too (off: HTTPS only; factory defaults are public anyway) */
  plainHttpLogin?: boolean;
  /** set when the read endpoint must not be touched (known-vulnerable firmware) */
  avoidRead?: string;
  client: HttpClient;
  signal?: AbortSignal;
}

export interface ReadbackOutcome {
  /** undefined when nothing could be read; `reason` says why */
  values?: Map<string, string>;
  reason?: string;
  evidence: string[];
  logins: Record<CredentialKind, LoginResult>;
  mac?: Mac;
  model?: string;
  firmware?: string;
  /** a management-API body for identification */
  identityBody?: string;
}

/** HTTPS first, then plain HTTP: the ports where the web UI answered. */
export function managementOrigins(host: HostObservations): string[] {
  const answered = host.http.filter((r) => r.outcome === 'answered');
  const ordered = [...answered.filter((r) => r.scheme === 'https'), ...answered.filter((r) => r.scheme === 'http')];
  return ordered.map((r) => originOf(r.scheme, host.host, r.port));
}

export async function readBack(input: ReadbackInput): Promise<ReadbackOutcome> {
  const out: ReadbackOutcome = { evidence: [], logins: { provisioned: 'not-tried', file: 'not-tried', factory: 'not-tried' } };
  const { profile } = input;
  const client = profile.readback;
  if (!client) return { ...out, reason: profile.noReadback };
  const origin = managementOrigins(input.host)[0];
  if (!origin) return { ...out, reason: 'no web interface answered, so no management API to read from' };
  const attempts: [CredentialKind, Credentials][] = [];
  const secretsAllowed = origin.startsWith('https:') || input.plainHttpLogin === true;
  const secrets = [...(input.provisioned ? [input.provisioned] : []), ...(input.fromFile ?? [])];
  if (secretsAllowed) {
    if (input.provisioned) attempts.push(['provisioned', input.provisioned]);
    for (const c of (input.fromFile ?? []).slice(0, 3)) attempts.push(['file', c]);
  } else if (secrets.length > 0) {
    out.evidence.push(
      `${origin}: not sending a real admin password over plain HTTP (enable HTTPS on the phone, or allow it with --plain-http-login)`,
    );
  }
  if (input.tryFactory && profile.factoryLogin) attempts.push(['factory', profile.factoryLogin]);
  if (attempts.length === 0) {
    const why =
      secrets.length > 0
        ? 'the only management interface is plain HTTP, and real passwords are not sent over it'
        : 'no credentials for this phone (not in the inventory, no credentials file entry, default login disabled)';
    return { ...out, reason: why };
  }
  for (const [kind, creds] of attempts) {
    if (input.signal?.aborted) break;
    if (await attempt(client, input, origin, kind, creds, out)) return out;
  }
  out.reason ??= 'no login accepted, so nothing could be read back';
  return out;
}

const label: Record<CredentialKind, string> = {
  provisioned: "ghostguard's provisioned admin password",
  file: 'the credentials file',
  factory: 'the factory default login',
};

/** the auditor's own headers under the adapter's */
function withAuditorHeaders(client: HttpClient): HttpClient {
  return { request: (req, signal) => client.request({ ...req, headers: { ...AUDITOR_HEADERS, ...req.headers } }, signal) };
}

/** true when the login was accepted: the outcome is final, whether or not values were read */
async function attempt(
  readback: ReadbackClient,
  input: ReadbackInput,
  origin: string,
  kind: CredentialKind,
  creds: Credentials,
  out: ReadbackOutcome,
): Promise<boolean> {
  const session = { client: withAuditorHeaders(input.client), origin, keys: input.keys, avoidRead: input.avoidRead, signal: input.signal };
  const result = await readback.attempt(session, creds);
  out.logins[kind] = result.login;
  out.evidence.push(`${origin}: login with ${label[kind]}: ${result.detail}`, ...(result.evidence ?? []));
  if (result.login !== 'accepted') {
    if (result.reason) out.reason = result.reason;
    return false;
  }
  if (result.values) out.values = result.values;
  else out.reason = result.reason ?? 'the phone accepted the login but returned no settings';
  if (result.identityBody) out.identityBody = result.identityBody;
  if (result.mac) out.mac = result.mac;
  if (result.firmware) out.firmware = result.firmware;
  if (result.model) out.model = result.model;
  return true;
}
