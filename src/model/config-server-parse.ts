/** The `server:` section of the configuration → ServerSettings (listeners, TLS, limits), reporting each problem with its line. */
import type { ServerSettings } from './config-types.js';
import { targetTokens } from './config-schedule-parse.js';
import type { Path, YamlReader } from './yaml-reader.js';

export const DEFAULT_SERVER: ServerSettings = {
  host: '127.0.0.1',
  port: 8080,
  adminHost: '127.0.0.1',
  adminPort: 8081,
  publicUrl: 'http://127.0.0.1:8080/',
  dataDir: '.ghostguard',
  allowPlainHttp: true,
  enrolmentWindowHours: 72,
  pinSource: 'none',
};

export function parseServer(r: YamlReader): ServerSettings {
  const p: Path = ['server'];
  r.unknownKeys(p, [
    'host',
    'port',
    'adminHost',
    'adminPort',
    'publicUrl',
    'dataDir',
    'allowPlainHttp',
    'tls',
    'plainPort',
    'rateLimits',
    'enrolmentWindowHours',
    'renderCacheMb',
    'historyQueue',
    'pinSource',
    'auditAllow',
    'adminAllow',
    'connections',
    'uploads',
    'retention',
    'store',
    'proxyProtocol',
    'stockFiles',
  ]);
  const s: ServerSettings = { ...DEFAULT_SERVER };
  const str = (k: 'host' | 'adminHost' | 'publicUrl' | 'dataDir' | 'stockFiles') => {
    const v = r.string([...p, k], false);
    if (v !== undefined) s[k] = v;
  };
  str('host');
  str('adminHost');
  str('publicUrl');
  str('dataDir');
  str('stockFiles');
  for (const k of ['port', 'adminPort', 'plainPort', 'enrolmentWindowHours'] as const) {
    const v = r.value([...p, k]);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) r.report([...p, k], 'must be a whole number');
    else s[k] = v;
  }
  const cacheMb = r.value([...p, 'renderCacheMb']);
  if (cacheMb !== undefined) {
    if (typeof cacheMb !== 'number' || !Number.isInteger(cacheMb) || cacheMb < 0 || cacheMb > 4096)
      r.report([...p, 'renderCacheMb'], 'must be a whole number of megabytes, 0 to 4096');
    else s.renderCacheMb = cacheMb;
  }
  const historyQueue = r.value([...p, 'historyQueue']);
  if (historyQueue !== undefined) {
    if (typeof historyQueue !== 'number' || !Number.isInteger(historyQueue) || historyQueue < 0 || historyQueue > 10_000_000)
      r.report([...p, 'historyQueue'], 'must be a whole number of records, 0 to 10,000,000');
    else s.historyQueue = historyQueue;
  }
  const plain = r.value([...p, 'allowPlainHttp']);
  if (plain !== undefined) {
    if (typeof plain !== 'boolean') r.report([...p, 'allowPlainHttp'], 'must be true or false');
    else s.allowPlainHttp = plain;
  }
  const pin = r.value([...p, 'pinSource']);
  if (pin !== undefined) {
    if (pin !== 'none' && pin !== 'address' && pin !== 'subnet') r.report([...p, 'pinSource'], 'must be none, address or subnet');
    else s.pinSource = pin;
  }
  if (r.value([...p, 'tls']) === 'auto') s.tls = 'auto';
  else if (r.value([...p, 'tls']) !== undefined) {
    r.unknownKeys([...p, 'tls'], ['cert', 'key']);
    const cert = r.string([...p, 'tls', 'cert'], true);
    const key = r.string([...p, 'tls', 'key'], true);
    if (cert && key) s.tls = { cert, key };
  }
  if (r.value([...p, 'auditAllow']) !== undefined) s.auditAllow = targetTokens(r, [...p, 'auditAllow'], true, false);
  if (r.value([...p, 'adminAllow']) !== undefined) s.adminAllow = targetTokens(r, [...p, 'adminAllow'], true, false);
  if (r.value([...p, 'proxyProtocol']) !== undefined) {
    r.unknownKeys([...p, 'proxyProtocol'], ['from']);
    s.proxyProtocol = { from: targetTokens(r, [...p, 'proxyProtocol', 'from'], true, false) };
  }
  const store = parseStore(r, [...p, 'store']);
  if (store) s.store = store;
  const limits = parseRateLimits(r, [...p, 'rateLimits']);
  if (limits) s.rateLimits = limits;
  const connections = positiveCounts(r, [...p, 'connections'], ['perAddress', 'total', 'idleSeconds']);
  if (connections) s.connections = connections;
  const uploads = positiveCounts(r, [...p, 'uploads'], ['overrideKb', 'logKb', 'inFlightMb']);
  if (uploads) s.uploads = uploads;
  const retention = positiveCounts(r, [...p, 'retention'], [
    'fetchDays',
    'fetchRows',
    'eventDays',
    'eventRows',
    'overrideDays',
    'overridesPerDevice',
    'overrideMb',
    'eventsFileMb',
    'eventsFiles',
  ] as const);
  if (retention) s.retention = retention;
  if (!/^https?:\/\//.test(s.publicUrl)) r.report([...p, 'publicUrl'], 'must start with http:// or https://');
  else if (!s.publicUrl.endsWith('/')) s.publicUrl += '/';
  return s;
}

/** A map of positive whole numbers under `p` (absent: undefined). */
function positiveCounts<K extends string>(r: YamlReader, p: Path, keys: readonly K[]): Partial<Record<K, number>> | undefined {
  if (r.value(p) === undefined) return undefined;
  r.unknownKeys(p, [...keys]);
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) {
    const v = r.value([...p, key]);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) r.report([...p, key], 'must be a positive whole number');
    else out[key] = v;
  }
  return out;
}

/** `sqlite`, or a postgres:// URL whose password, if any, is `env:NAME` (never written into the file in the clear). */
function parseStore(r: YamlReader, p: Path): ServerSettings['store'] {
  const v = r.value(p);
  if (v === undefined) return undefined;
  if (v === 'sqlite') return 'sqlite';
  if (typeof v !== 'string' || !/^postgres(ql)?:\/\//.test(v)) {
    r.report(p, 'must be sqlite or a postgres:// URL');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    r.report(p, 'is not a valid postgres:// URL');
    return undefined;
  }
  const password = decodeURIComponent(url.password);
  if (password && !/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(password)) {
    r.report(p, 'the password must be env:NAME (the environment variable holding it), not written in the file');
    return undefined;
  }
  return v as ServerSettings['store'];
}

function parseRateLimits(r: YamlReader, p: Path): ServerSettings['rateLimits'] {
  if (r.value(p) === undefined) return undefined;
  const counts = ['addressChallenges', 'subnetChallenges', 'addressFailures', 'subnetFailures', 'spreadGuesses', 'spreadSubnets'] as const;
  r.unknownKeys(p, ['perAddress', 'perSubnet', ...counts]);
  const out: NonNullable<ServerSettings['rateLimits']> = {};
  for (const key of counts) {
    const v = r.value([...p, key]);
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) r.report([...p, key], 'must be a positive whole number');
    else out[key] = v;
  }
  for (const scope of ['perAddress', 'perSubnet'] as const) {
    if (r.value([...p, scope]) === undefined) continue;
    r.unknownKeys([...p, scope], ['burst', 'perSecond']);
    const burst = r.value([...p, scope, 'burst']);
    const perSecond = r.value([...p, scope, 'perSecond']);
    if (typeof burst !== 'number' || burst < 1) r.report([...p, scope, 'burst'], 'must be a positive number');
    else if (typeof perSecond !== 'number' || perSecond <= 0) r.report([...p, scope, 'perSecond'], 'must be a positive number');
    else out[scope] = { burst, perSecond };
  }
  return out;
}
