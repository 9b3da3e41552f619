/** The `schedules:` section: scheduled audits of target ranges with an optional signed webhook, with line-exact issues. */
import { isIP } from 'node:net';
import type { AuditSchedule, ScheduleAuditOptions, WebhookSettings } from './config-types.js';
import { parseSecretSpec } from './secret-spec.js';
import type { Path, YamlReader } from './yaml-reader.js';

const DURATION_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
export const MIN_EVERY_SECONDS = 1;
export const MAX_EVERY_SECONDS = 7 * 86_400;

/** `90`, `"90"`, `"30s"`, `"15m"`, `"1h"`, `"1h30m"`, `"1d"` → whole seconds; undefined for anything else. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (/^\d{1,9}$/.test(text)) return Number(text);
  if (!/^(?:\d{1,9}[smhd])+$/.test(text)) return undefined;
  let seconds = 0;
  const seen = new Set<string>();
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) {
    if (seen.has(unit!)) return undefined;
    seen.add(unit!);
    seconds += Number(n) * DURATION_UNITS[unit!]!;
  }
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const TARGET_HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

/** Syntax only (an address, a CIDR, a range a.b.c.d-e or a-b, or a host name); the auditor resolves and bounds them at run time. */
function targetProblem(token: string, hostnames: boolean): string | undefined {
  if (token.startsWith('@')) return 'target files (@file) are not accepted in the configuration';
  if (token.length > 200) return 'too long';
  const slash = token.indexOf('/');
  if (slash >= 0) {
    const family = isIP(token.slice(0, slash));
    const bits = token.slice(slash + 1);
    if (!family) return 'not a CIDR (address/prefix)';
    if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return 'the prefix length is out of range';
    return undefined;
  }
  if (isIP(token)) return undefined;
  const dash = token.indexOf('-');
  if (dash > 0 && isIP(token.slice(0, dash))) {
    const end = token.slice(dash + 1);
    return /^\d{1,3}$/.test(end) || isIP(end) ? undefined : 'not a range (a.b.c.d-e or a-b)';
  }
  if (!hostnames) return 'not an address, CIDR or range';
  return TARGET_HOSTNAME.test(token) && !/^[\d.]+$/.test(token) ? undefined : 'not an address, CIDR, range or host name';
}

/** A list (or one text) of targets; `hostnames: false` accepts address literals only (an allow list must not move with DNS). */
export function targetTokens(r: YamlReader, p: Path, required: boolean, hostnames = true): string[] {
  const v = r.value(p);
  if (v === undefined) {
    if (required) r.report(p, 'is required (addresses, ranges or CIDRs)');
    return [];
  }
  const items = typeof v === 'string' ? [v] : Array.isArray(v) ? v : undefined;
  if (!items || items.some((t) => typeof t !== 'string')) {
    r.report(p, 'must be a list of addresses, ranges or CIDRs');
    return [];
  }
  const out: string[] = [];
  let bad = false;
  items.forEach((item, i) => {
    const at: Path = typeof v === 'string' ? p : [...p, i];
    // a text value may list several targets; a list item is one target
    for (const token of typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : [(item as string).trim()]) {
      const problem = targetProblem(token, hostnames);
      if (problem) r.report(at, `"${token.slice(0, 80)}": ${problem}`);
      else out.push(token);
      bad ||= problem !== undefined;
    }
  });
  if (required && out.length === 0 && !bad) r.report(p, 'give at least one address, range or CIDR');
  return out;
}

function wholeNumber(r: YamlReader, p: Path, min: number, max: number): number | undefined {
  const v = r.value(p);
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    r.report(p, `must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

function portList(r: YamlReader, p: Path): number[] | undefined {
  const v = r.value(p);
  if (v === undefined) return undefined;
  const list = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(list) || list.length > 16 || list.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 65535)) {
    r.report(p, 'must be a list of at most 16 port numbers');
    return undefined;
  }
  return [...new Set(list as number[])];
}

function flag(r: YamlReader, p: Path): boolean | undefined {
  const v = r.value(p);
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') {
    r.report(p, 'must be true or false');
    return undefined;
  }
  return v;
}

function parseScheduleOptions(r: YamlReader, p: Path): ScheduleAuditOptions {
  const out: ScheduleAuditOptions = {};
  if (r.value(p) === undefined) return out;
  if (!r.isMap(p)) {
    r.report(p, 'must be a map of probe settings');
    return out;
  }
  r.unknownKeys(p, [
    'sipPorts',
    'httpPorts',
    'httpsPorts',
    'snmpPort',
    'timeoutMs',
    'retries',
    'rate',
    'concurrency',
    'hostGapMs',
    'maxHosts',
    'staleDays',
    'intrusive',
    'defaultLogin',
    'maxDurationMinutes',
  ]);
  for (const k of ['sipPorts', 'httpPorts', 'httpsPorts'] as const) {
    const ports = portList(r, [...p, k]);
    if (ports) out[k] = ports;
  }
  const numbers: [
    keyof ScheduleAuditOptions &
      ('snmpPort' | 'timeoutMs' | 'retries' | 'rate' | 'concurrency' | 'hostGapMs' | 'maxHosts' | 'staleDays' | 'maxDurationMinutes'),
    number,
    number,
  ][] = [
    ['snmpPort', 1, 65535],
    ['timeoutMs', 50, 30_000],
    ['retries', 0, 5],
    ['rate', 1, 10_000],
    ['concurrency', 1, 1024],
    ['hostGapMs', 0, 10_000],
    ['maxHosts', 1, 65_536],
    ['staleDays', 1, 3650],
    ['maxDurationMinutes', 1, 24 * 60],
  ];
  for (const [k, min, max] of numbers) {
    const v = wholeNumber(r, [...p, k], min, max);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['intrusive', 'defaultLogin'] as const) {
    const v = flag(r, [...p, k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function parseWebhook(r: YamlReader, p: Path): WebhookSettings | undefined {
  if (r.value(p) === undefined) return undefined;
  if (!r.isMap(p)) {
    r.report(p, 'must be a map with url and secret');
    return undefined;
  }
  r.unknownKeys(p, ['url', 'secret', 'timeoutMs', 'retries']);
  const raw = r.string([...p, 'url'], true);
  let url: URL | undefined;
  if (raw !== undefined) {
    try {
      url = new URL(raw);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      r.report([...p, 'url'], 'must be an http:// or https:// URL');
      url = undefined;
    } else if (url.hash) {
      r.report([...p, 'url'], 'must not have a #fragment');
      url = undefined;
    }
  }
  const secretValue = r.value([...p, 'secret']);
  const secret = parseSecretSpec(secretValue);
  if (!secret) r.report([...p, 'secret'], 'missing secret (use env:NAME, generate, or a literal of at least 16 characters)');
  else if (secret.kind === 'literal' && secret.value.length < 16)
    r.report([...p, 'secret'], 'a literal webhook secret must be at least 16 characters (or use env:NAME or generate)');
  else if (secret.kind === 'env' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(secret.name))
    r.report([...p, 'secret'], 'env: must name an environment variable');
  const timeoutMs = wholeNumber(r, [...p, 'timeoutMs'], 100, 60_000) ?? 10_000;
  const retries = wholeNumber(r, [...p, 'retries'], 0, 10) ?? 4;
  if (!url || !secret) return undefined;
  return { url: url.href, secret, timeoutMs, retries };
}

export function parseSchedules(r: YamlReader): AuditSchedule[] {
  const p: Path = ['schedules'];
  if (r.value(p) === undefined) return [];
  if (!r.isSeq(p)) {
    r.report(p, 'must be a list of scheduled audits');
    return [];
  }
  const out: AuditSchedule[] = [];
  const names = new Map<string, number>();
  for (let i = 0; i < r.length(p); i++) {
    const sp: Path = [...p, i];
    if (!r.isMap(sp)) {
      r.report(sp, 'must be a map (name, targets, every, …)');
      continue;
    }
    const before = r.issues.length;
    r.unknownKeys(sp, ['name', 'targets', 'exclude', 'every', 'jitter', 'options', 'webhook']);
    const name = r.string([...sp, 'name'], true);
    if (name !== undefined && !SCHEDULE_NAME.test(name))
      r.report([...sp, 'name'], 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit');
    else if (name !== undefined && names.has(name))
      r.report([...sp, 'name'], `duplicate schedule name (first declared on line ${r.lineOf([...p, names.get(name)!])})`);
    else if (name !== undefined) names.set(name, i);
    const targets = targetTokens(r, [...sp, 'targets'], true);
    const exclude = targetTokens(r, [...sp, 'exclude'], false);
    const everyRaw = r.value([...sp, 'every']);
    const every = parseDuration(everyRaw);
    if (everyRaw === undefined) r.report([...sp, 'every'], 'is required (e.g. 15m, 1h, or a number of seconds)');
    else if (every === undefined)
      r.report(
        [...sp, 'every'],
        `"${String(everyRaw).slice(0, 40)}" is not an interval (e.g. 30s, 15m, 1h, 1h30m, 1d, or a number of seconds)`,
      );
    const everyOk = every !== undefined && every >= MIN_EVERY_SECONDS && every <= MAX_EVERY_SECONDS;
    if (every !== undefined && !everyOk) r.report([...sp, 'every'], `must be from ${MIN_EVERY_SECONDS} second to 7 days`);
    const jitterRaw = r.value([...sp, 'jitter']);
    const jitter = jitterRaw === undefined ? 0 : parseDuration(jitterRaw);
    if (jitter === undefined) r.report([...sp, 'jitter'], `"${String(jitterRaw).slice(0, 40)}" is not an interval (e.g. 30s, 5m)`);
    else if (everyOk && jitter > 0 && jitter >= every) r.report([...sp, 'jitter'], 'must be shorter than the interval (every)');
    const options = parseScheduleOptions(r, [...sp, 'options']);
    const webhook = parseWebhook(r, [...sp, 'webhook']);
    if (r.issues.length > before || name === undefined || every === undefined || jitter === undefined) continue;
    out.push({ name, targets, exclude, everySeconds: every, jitterSeconds: jitter, options, ...(webhook ? { webhook } : {}), index: i });
  }
  return out;
}
