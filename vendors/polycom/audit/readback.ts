/**
 * Poly UC Software REST API (UCS 5.4+ VVX, Trio 5.8+; vendor-facts 2.5): Basic auth,
 * `POST /api/v1/mgmt/config/get` with `{"data":[keys]}` → `{"Status":"2000","data":{key: value | {"Value": …}}}`,
 * `GET /api/v1/mgmt/device/info` → MacAddress, ModelNumber, FirmwareRelease.
 */
import type { HttpClient, HttpResult } from '../../../src/model/http-exchange.js';
import { parseMac, type Mac } from '../../../src/model/mac.js';
import type { Credentials, LoginState, ReadbackClient } from '../../../src/model/vendor-audit.js';
import { clean } from '../../../src/model/wire-text.js';

export interface PolycomRead {
  login: LoginState;
  values: Map<string, string>;
  /** keys the phone named as invalid */
  invalid: string[];
  detail: string;
}

export interface PolycomDeviceInfo {
  body: string;
  mac?: Mac;
}

const CONFIG_GET = '/api/v1/mgmt/config/get';
const DEVICE_INFO = '/api/v1/mgmt/device/info';
const CHUNK = 40;

const basic = (c: Credentials): string => `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;

function classify(res: HttpResult, what: string): { login: LoginState; detail: string } | undefined {
  if (!res.ok) return { login: 'error', detail: `${what}: ${res.detail}` };
  const { status, headers } = res.reply;
  if (status === 401 || status === 403) {
    const digest = /^\s*digest/i.test(headers['www-authenticate'] ?? '');
    return { login: 'refused', detail: `${what}: login refused (HTTP ${status}${digest ? ', phone asks for Digest auth' : ''})` };
  }
  if (status === 404) return { login: 'error', detail: `${what}: REST API not enabled (HTTP 404; apps.restapi.enabled)` };
  if (status !== 200) return { login: 'error', detail: `${what}: HTTP ${status}` };
  return undefined;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `value` or `{"Value": value, "Source": …}`; anything else is not a setting value. */
function settingValue(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v && typeof v === 'object' && 'Value' in v) return settingValue((v as { Value: unknown }).Value);
  return undefined;
}

/** Reads `keys` in chunks; the first chunk's answer decides whether the login worked. */
async function readPolycomConfig(
  client: HttpClient,
  origin: string,
  creds: Credentials,
  keys: readonly string[],
  signal?: AbortSignal,
): Promise<PolycomRead> {
  const values = new Map<string, string>();
  const invalid: string[] = [];
  const list = keys.length > 0 ? keys : ['device.set'];
  for (let i = 0; i < list.length; i += CHUNK) {
    const chunk = list.slice(i, i + CHUNK);
    const res = await client.request(
      {
        origin,
        path: CONFIG_GET,
        method: 'POST',
        headers: { authorization: basic(creds), 'content-type': 'application/json' },
        body: JSON.stringify({ data: chunk }),
      },
      signal,
    );
    const bad = classify(res, 'REST config/get');
    if (bad) return { ...bad, login: i === 0 ? bad.login : 'accepted', values, invalid };
    const json = res.ok ? parseJson(res.reply.body) : undefined;
    const status = json ? String(json.Status ?? '') : '';
    if (!json || (status && status !== '2000')) {
      return {
        login: 'accepted',
        values,
        invalid,
        detail: `REST config/get: unexpected reply${status ? ` (Status ${clean(status, 20)})` : ''}`,
      };
    }
    const data = json.data && typeof json.data === 'object' ? (json.data as Record<string, unknown>) : {};
    for (const key of chunk) {
      const v = settingValue(data[key]);
      if (v !== undefined) values.set(key, clean(v, 200));
    }
    const inv = json.InvalidParams ?? (data as Record<string, unknown>).InvalidParams;
    if (Array.isArray(inv)) invalid.push(...inv.filter((k): k is string => typeof k === 'string').slice(0, 100));
  }
  return { login: 'accepted', values, invalid, detail: `REST config/get: ${values.size} of ${keys.length} settings read` };
}

/** Device info for identification and the MAC; undefined when not available with these credentials. */
async function polycomDeviceInfo(
  client: HttpClient,
  origin: string,
  creds: Credentials,
  signal?: AbortSignal,
): Promise<PolycomDeviceInfo | undefined> {
  const res = await client.request({ origin, path: DEVICE_INFO, method: 'GET', headers: { authorization: basic(creds) } }, signal);
  if (!res.ok || res.reply.status !== 200) return undefined;
  const json = parseJson(res.reply.body);
  const data = (json?.data && typeof json.data === 'object' ? json.data : json) as Record<string, unknown> | undefined;
  const mac = typeof data?.MacAddress === 'string' ? parseMac(data.MacAddress) : undefined;
  return mac ? { body: res.reply.body, mac } : { body: res.reply.body };
}

/** config/get decides the login; an accepted login also reads device info for the MAC and identification. */
export const polycomReadback: ReadbackClient = {
  async attempt({ client, origin, keys, signal }, creds) {
    const read = await readPolycomConfig(client, origin, creds, keys, signal);
    const detail = `${read.login}; ${read.detail}`;
    if (read.login !== 'accepted') return { login: read.login, detail, ...(read.login === 'error' ? { reason: read.detail } : {}) };
    const info = await polycomDeviceInfo(client, origin, creds, signal);
    return {
      login: 'accepted',
      detail,
      values: read.values,
      ...(info ? { identityBody: info.body } : {}),
      ...(info?.mac ? { mac: info.mac } : {}),
    };
  },
};
