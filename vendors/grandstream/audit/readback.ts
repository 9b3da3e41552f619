/**
 * Grandstream web API (newer GXP/GRP; vendor-facts 3.5, third-party sources): `POST /cgi-bin/dologin`
 * (`username`, `password`) → `{"response":"success","body":{"sid":…}}`, then `POST /cgi-bin/api.values.get`
 * with `request=P1:P2…&sid=…` and the session cookies → `{"response":"success","body":{"P1":…}}`.
 * Requests stay short: that endpoint overflows on vulnerable GXP16xx firmware (CVE-2026-2329).
 */
import type { HttpClient, HttpResult } from '../../../src/model/http-exchange.js';
import { parseMac, type Mac } from '../../../src/model/mac.js';
import type { Credentials, LoginState, ReadbackAttempt, ReadbackClient } from '../../../src/model/vendor-audit.js';
import { clean } from '../../../src/model/wire-text.js';

export type GrandstreamLogin =
  | { login: 'accepted'; sid: string; defaultAuth?: boolean; detail: string }
  | { login: Exclude<LoginState, 'accepted'>; detail: string };

export interface GrandstreamRead {
  values: Map<string, string>;
  mac?: Mac;
  firmware?: string;
  model?: string;
  detail: string;
  ok: boolean;
}

const FORM = 'application/x-www-form-urlencoded';
/** identification values the phone also answers: MAC, firmware, model */
const IDENTITY_KEYS = ['P67', '68', 'phone_model'] as const;
const MAX_KEYS = 24;
const MAX_REQUEST_CHARS = 240;

function parseJson(res: HttpResult): Record<string, unknown> | undefined {
  if (!res.ok) return undefined;
  try {
    const v: unknown = JSON.parse(res.reply.body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function loginGrandstream(
  client: HttpClient,
  origin: string,
  creds: Credentials,
  signal?: AbortSignal,
): Promise<GrandstreamLogin> {
  const res = await client.request(
    {
      origin,
      path: '/cgi-bin/dologin',
      method: 'POST',
      headers: { 'content-type': FORM },
      body: new URLSearchParams({ username: creds.username, password: creds.password }).toString(),
    },
    signal,
  );
  if (!res.ok) return { login: 'error', detail: `dologin: ${res.detail}` };
  if (res.reply.status === 404) return { login: 'error', detail: 'dologin: no such endpoint (HTTP 404; older firmware?)' };
  const json = parseJson(res);
  if (!json) return { login: 'error', detail: `dologin: HTTP ${res.reply.status}, not a JSON reply` };
  const body = json.body && typeof json.body === 'object' ? (json.body as Record<string, unknown>) : undefined;
  const sid = typeof body?.sid === 'string' ? body.sid : undefined;
  if (json.response === 'success' && sid && /^[\w-]{1,128}$/.test(sid)) {
    const out: GrandstreamLogin = { login: 'accepted', sid, detail: 'dologin: accepted' };
    if (typeof body?.defaultAuth === 'boolean') out.defaultAuth = body.defaultAuth;
    return out;
  }
  return { login: 'refused', detail: `dologin: refused (${clean(String(json.response ?? 'no response field'), 40)})` };
}

/** Splits keys so no single api.values.get request grows long. */
export function chunkKeys(keys: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const key of keys) {
    if (current.length >= MAX_KEYS || (current.length > 0 && chars + key.length + 1 > MAX_REQUEST_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(key);
    chars += key.length + 1;
  }
  if (current.length) out.push(current);
  return out;
}

async function readGrandstreamValues(
  client: HttpClient,
  origin: string,
  sid: string,
  keys: readonly string[],
  signal?: AbortSignal,
): Promise<GrandstreamRead> {
  const values = new Map<string, string>();
  const wanted = [...new Set([...IDENTITY_KEYS, ...keys.filter((k) => /^[\w.]{1,64}$/.test(k))])];
  for (const chunk of chunkKeys(wanted)) {
    const res = await client.request(
      {
        origin,
        path: '/cgi-bin/api.values.get',
        method: 'POST',
        headers: { 'content-type': FORM, cookie: `session-identity=${sid}; session-role=admin` },
        body: `request=${chunk.join(':')}&sid=${encodeURIComponent(sid)}`,
      },
      signal,
    );
    const json = parseJson(res);
    if (json?.response !== 'success' || !json.body || typeof json.body !== 'object') {
      const why = !res.ok
        ? res.detail
        : `HTTP ${res.reply.status}${json ? `, response "${clean(String(json.response), 30)}"` : ', not JSON'}`;
      return { values, ok: false, detail: `api.values.get: ${why}` };
    }
    for (const [k, v] of Object.entries(json.body as Record<string, unknown>)) {
      if (chunk.includes(k) && (typeof v === 'string' || typeof v === 'number')) values.set(k, clean(String(v), 200));
    }
  }
  const out: GrandstreamRead = { values, ok: true, detail: `api.values.get: ${values.size} of ${wanted.length} values read` };
  const mac = values.get('P67') ? parseMac(values.get('P67')!) : undefined;
  if (mac) out.mac = mac;
  if (values.get('68')) out.firmware = values.get('68')!;
  if (values.get('phone_model')) out.model = values.get('phone_model')!;
  for (const k of IDENTITY_KEYS) if (!keys.includes(k)) values.delete(k);
  return out;
}

/** dologin, then api.values.get in short chunks (skipped when the firmware may be vulnerable). */
export const grandstreamReadback: ReadbackClient = {
  async attempt({ client, origin, keys, avoidRead, signal }, creds) {
    const login = await loginGrandstream(client, origin, creds, signal);
    if (login.login !== 'accepted')
      return { login: login.login, detail: login.detail, ...(login.login === 'error' ? { reason: login.detail } : {}) };
    const evidence = login.defaultAuth !== undefined ? [`dologin reports defaultAuth=${login.defaultAuth} (meaning unverified)`] : [];
    if (avoidRead) return { login: 'accepted', detail: login.detail, evidence, reason: avoidRead };
    const read = await readGrandstreamValues(client, origin, login.sid, keys, signal);
    evidence.push(read.detail);
    const out: ReadbackAttempt = { login: 'accepted', detail: login.detail, evidence };
    if (!read.ok) return { ...out, reason: read.detail };
    return {
      ...out,
      values: read.values,
      ...(read.mac ? { mac: read.mac } : {}),
      ...(read.firmware ? { firmware: read.firmware } : {}),
      ...(read.model ? { model: read.model } : {}),
    };
  },
};
