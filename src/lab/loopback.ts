/** The lab's safety fence: every address it binds or talks to is in 127.0.0.0/8. */
import { isIPv4 } from 'node:net';
import { GhostguardError } from '../model/errors.js';

export const MAX_LAB_PHONES = 5000;

export function isLoopbackV4(ip: string): boolean {
  return isIPv4(ip) && ip.split('.')[0] === '127';
}

export function assertLoopback(ip: string, what: string): void {
  if (!isLoopbackV4(ip))
    throw new GhostguardError(
      'GG_ERR_LAB_INVALID',
      `${what} ${JSON.stringify(ip)} is outside 127.0.0.0/8; the lab only uses loopback addresses`,
    );
}

/** A provisioning server URL the lab may talk to: http(s) on a 127/8 address or `localhost`. */
export function checkServerUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GhostguardError('GG_ERR_LAB_INVALID', `not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new GhostguardError('GG_ERR_LAB_INVALID', `server URL must be http or https: ${raw}`);
  if (url.hostname !== 'localhost') assertLoopback(url.hostname, 'server address');
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** `count` addresses from `base` upward, skipping .0 and .255 host octets; refuses anything leaving 127/8. */
export function allocateAddresses(base: string, count: number): string[] {
  assertLoopback(base, 'base address');
  if (!Number.isInteger(count) || count < 0 || count > MAX_LAB_PHONES)
    throw new GhostguardError('GG_ERR_LAB_INVALID', `phone count must be 0-${MAX_LAB_PHONES}`);
  const out: string[] = [];
  for (let n = toInt(base); out.length < count; n++) {
    const ip = toIp(n);
    if (!isLoopbackV4(ip)) throw new GhostguardError('GG_ERR_LAB_INVALID', `${count} addresses from ${base} would leave 127.0.0.0/8`);
    const last = n % 256;
    if (last === 0 || last === 255) continue;
    out.push(ip);
  }
  return out;
}
